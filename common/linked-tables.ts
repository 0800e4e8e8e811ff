import type { LinkedTable } from './extract-tables';

const day = (column: string) => `to_char(t.${column}, 'YYYY-MM-DD')`;

/** The EHR tables an extract can carry; columns follow the disclosure policy's categories. */
export const EHR_TABLES: LinkedTable[] = [
  {
    name: 'subjects',
    table: 'person',
    category: 'core',
    orderBy: 't.linkage_key',
    columns: [
      { name: 'sex', sql: 't.sex', category: 'core' },
      { name: 'birth_year', sql: 't.birth_year', category: 'core' },
      { name: 'deprivation_decile', sql: 't.deprivation_decile', category: 'special' },
      { name: 'health_board', sql: 't.health_board', category: 'special' },
    ],
  },
  {
    name: 'diagnoses',
    table: 'diagnosis',
    category: 'core',
    orderBy: 't.diagnosed_on, t.id',
    watermark: 'id',
    columns: [
      { name: 'code', sql: 't.icd10', category: 'core' },
      { name: 'date', sql: day('diagnosed_on'), category: 'core', date: true },
    ],
  },
  {
    name: 'prescriptions',
    table: 'prescription',
    category: 'core',
    orderBy: 't.prescribed_on, t.id',
    watermark: 'id',
    columns: [
      { name: 'bnf_code', sql: 't.bnf_code', category: 'core' },
      { name: 'drug', sql: 't.drug', category: 'core' },
      { name: 'date', sql: day('prescribed_on'), category: 'core', date: true },
    ],
  },
  {
    name: 'lab_results',
    table: 'lab_result',
    category: 'core',
    orderBy: 't.taken_on, t.id',
    watermark: 'id',
    columns: [
      { name: 'code', sql: 't.test_code', category: 'core' },
      { name: 'value', sql: 't.value', category: 'supplemental' },
      { name: 'unit', sql: 't.unit', category: 'core' },
      { name: 'date', sql: day('taken_on'), category: 'core', date: true },
    ],
  },
];

/** The genomics tables an extract can carry; columns follow the disclosure policy. */
export const GENOMICS_TABLES: LinkedTable[] = [
  {
    name: 'apoe',
    table: 'apoe',
    category: 'special',
    orderBy: 't.linkage_key',
    columns: [
      { name: 'genotype', sql: 't.genotype', category: 'special' },
      { name: 'e4_copies', sql: 't.e4_copies', category: 'special' },
    ],
  },
  {
    name: 'genotypes',
    table: 'genotype',
    category: 'special',
    orderBy: 't.rs_id',
    columns: [
      { name: 'rs_id', sql: 't.rs_id', category: 'special' },
      { name: 'alt_alleles', sql: 't.alt_alleles', category: 'special' },
    ],
  },
  {
    name: 'polygenic_scores',
    table: 'polygenic_score',
    category: 'supplemental',
    orderBy: 't.trait',
    columns: [
      { name: 'trait', sql: 't.trait', category: 'supplemental' },
      { name: 'score', sql: 't.score', category: 'supplemental' },
      { name: 'percentile', sql: 't.percentile', category: 'supplemental' },
    ],
  },
];

/** Linked tables by the dataset whose grant releases them. */
export const LINKED_TABLES: Record<'ehr' | 'genomics', LinkedTable[]> = {
  ehr: EHR_TABLES,
  genomics: GENOMICS_TABLES,
};
