import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'person' })
export class PersonEntity {
  @PrimaryColumn({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ type: 'text' })
  sex: 'F' | 'M' | 'U';

  @Column({ name: 'birth_year', type: 'smallint' })
  birthYear: number;

  @Column({ name: 'deprivation_decile', type: 'smallint', nullable: true })
  deprivationDecile: number | null;

  @Column({ name: 'health_board', type: 'text', nullable: true })
  healthBoard: string | null;
}

@Entity({ name: 'diagnosis' })
export class DiagnosisEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ type: 'text' })
  icd10: string;

  @Column({ name: 'diagnosed_on', type: 'date' })
  diagnosedOn: string;
}

@Entity({ name: 'prescription' })
export class PrescriptionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ name: 'bnf_code', type: 'text' })
  bnfCode: string;

  @Column({ type: 'text' })
  drug: string;

  @Column({ name: 'prescribed_on', type: 'date' })
  prescribedOn: string;
}

@Entity({ name: 'lab_result' })
export class LabResultEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ name: 'test_code', type: 'text' })
  testCode: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'text' })
  unit: string;

  @Column({ name: 'taken_on', type: 'date' })
  takenOn: string;
}
