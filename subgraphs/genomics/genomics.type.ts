import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('GenomicSample', { description: 'A genotyped sample' })
export class GenomicSample {
  @Field(() => String, { description: 'Assay, e.g. GSA-24v3' })
  assay: string;

  @Field(() => String, { description: 'Collection date: YYYY-MM-DD if supplemental, else YYYY' })
  date: string;
}

@ObjectType('Genotype', { description: 'A genotype call at a named variant' })
export class Genotype {
  @Field(() => String)
  rsId: string;

  @Field(() => String)
  gene: string;

  @Field(() => String)
  chromosome: string;

  @Field(() => Float, { description: 'GRCh38 position' })
  position: number;

  @Field(() => String)
  refAllele: string;

  @Field(() => String)
  altAllele: string;

  @Field(() => Int, { description: 'Copies of the alternate allele (0, 1 or 2)' })
  altAlleles: number;
}

@ObjectType('PolygenicScore', { description: 'A polygenic score for one trait' })
export class PolygenicScore {
  @Field(() => String, { description: 'Trait, e.g. T2D, CAD, AD' })
  trait: string;

  @Field(() => Float)
  score: number;

  @Field(() => Int, { description: 'Percentile within the genotyped population' })
  percentile: number;
}
