import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'sample' })
export class SampleEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ type: 'text' })
  assay: string;

  @Column({ name: 'collected_on', type: 'date' })
  collectedOn: string;
}

@Entity({ name: 'variant' })
export class VariantEntity {
  @PrimaryColumn({ name: 'rs_id', type: 'text' })
  rsId: string;

  @Column({ type: 'text' })
  gene: string;

  @Column({ type: 'text' })
  chromosome: string;

  @Column({ type: 'bigint' })
  position: number;

  @Column({ name: 'ref_allele', type: 'text' })
  refAllele: string;

  @Column({ name: 'alt_allele', type: 'text' })
  altAllele: string;
}

@Entity({ name: 'genotype' })
export class GenotypeEntity {
  @PrimaryColumn({ name: 'rs_id', type: 'text' })
  rsId: string;

  @PrimaryColumn({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ name: 'alt_alleles', type: 'smallint' })
  altAlleles: number;
}

@Entity({ name: 'apoe' })
export class ApoeEntity {
  @PrimaryColumn({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ type: 'text' })
  genotype: string;

  @Column({ name: 'e4_copies', type: 'smallint' })
  e4Copies: number;
}

@Entity({ name: 'polygenic_score' })
export class PolygenicScoreEntity {
  @PrimaryColumn({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @PrimaryColumn({ type: 'text' })
  trait: string;

  @Column({ type: 'double precision' })
  score: number;

  @Column({ type: 'smallint' })
  percentile: number;
}
