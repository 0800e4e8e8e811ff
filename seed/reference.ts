import { cumulative } from './random';

/**
 * Code lists of the synthetic population. Rates live with the model (`subject.ts`); these are
 * the vocabularies and their relative frequencies.
 */

/**
 * The 14 NHS Scotland health boards with mid-2020s populations (thousands) and a deprivation
 * skew: above 1 leans towards SIMD decile 1 (most deprived), below 1 towards decile 10.
 */
export const HEALTH_BOARDS: ReadonlyArray<{ name: string; thousands: number; skew: number }> = [
  { name: 'Ayrshire and Arran', thousands: 369, skew: 1.2 },
  { name: 'Borders', thousands: 116, skew: 0.85 },
  { name: 'Dumfries and Galloway', thousands: 148, skew: 0.95 },
  { name: 'Fife', thousands: 374, skew: 1.05 },
  { name: 'Forth Valley', thousands: 306, skew: 1.0 },
  { name: 'Grampian', thousands: 586, skew: 0.75 },
  { name: 'Greater Glasgow and Clyde', thousands: 1185, skew: 1.45 },
  { name: 'Highland', thousands: 324, skew: 0.85 },
  { name: 'Lanarkshire', thousands: 661, skew: 1.25 },
  { name: 'Lothian', thousands: 916, skew: 0.85 },
  { name: 'Orkney', thousands: 22, skew: 0.7 },
  { name: 'Shetland', thousands: 23, skew: 0.7 },
  { name: 'Tayside', thousands: 417, skew: 1.05 },
  { name: 'Western Isles', thousands: 26, skew: 0.8 },
];
export const HEALTH_BOARD_WEIGHTS = cumulative(HEALTH_BOARDS.map((board) => board.thousands));
/** Tayside hosts a large diabetes genotyping cohort, so its people are genotyped more often. */
export const TAYSIDE = HEALTH_BOARDS.findIndex((board) => board.name === 'Tayside');

/** A code list with relative frequencies, ready for `Random.weighted`. */
export interface CodeList {
  codes: readonly string[];
  weights: readonly number[];
}

function codeList(entries: ReadonlyArray<[string, number]>): CodeList {
  return {
    codes: entries.map(([code]) => code),
    weights: cumulative(entries.map(([, weight]) => weight)),
  };
}

/** ICD-10 (WHO, as coded in Scotland), by condition of the model. */
export const ICD10 = {
  diabetes: codeList([
    ['E11.9', 55],
    ['E11.8', 8],
    ['E11.7', 8],
    ['E11.5', 6],
    ['E11.4', 7],
    ['E11.3', 9],
    ['E11.2', 7],
  ]),
  tobacco: codeList([
    ['F17.1', 25],
    ['F17.2', 35],
    ['Z72.0', 40],
  ]),
  copd: codeList([
    ['J44.9', 60],
    ['J44.1', 25],
    ['J44.0', 10],
    ['J44.8', 5],
  ]),
  lungCancer: codeList([
    ['C34.1', 40],
    ['C34.3', 20],
    ['C34.9', 25],
    ['C34.0', 7],
    ['C34.2', 4],
    ['C34.8', 4],
  ]),
  heartFirst: codeList([
    ['I20.9', 35],
    ['I20.0', 10],
    ['I21.9', 20],
    ['I21.4', 10],
    ['I25.1', 25],
  ]),
  heartLater: codeList([
    ['I25.1', 45],
    ['I25.9', 25],
    ['I25.2', 20],
    ['I24.9', 10],
  ]),
  dementiaVascular: codeList([
    ['F01.9', 60],
    ['F01.1', 25],
    ['F01.3', 15],
  ]),
  hypertension: codeList([['I10', 1]]),
  stroke: codeList([
    ['I63.9', 75],
    ['I64', 25],
  ]),
  ckd: codeList([
    ['N18.3', 75],
    ['N18.4', 20],
    ['N18.5', 5],
  ]),
  asthma: codeList([
    ['J45.9', 80],
    ['J45.0', 20],
  ]),
  depression: codeList([
    ['F32.9', 60],
    ['F33.1', 25],
    ['F32.1', 15],
  ]),
  hipFracture: codeList([
    ['S72.0', 70],
    ['S72.1', 30],
  ]),
  pneumonia: codeList([
    ['J18.9', 80],
    ['J18.1', 20],
  ]),
};

/** Alzheimer's disease is coded as a G30 aetiology with its F00 manifestation. */
export const ALZHEIMER_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['G30.0', 'F00.0'],
  ['G30.1', 'F00.1'],
  ['G30.9', 'F00.9'],
];
export const DEMENTIA_UNSPECIFIED = 'F03';
export const DEMENTIA_MIXED = 'F00.2';

/** BNF chemical substances (9-character codes) with the drug name as dispensed. */
export const DRUGS = {
  metformin: { bnf: '0601022B0', name: 'Metformin hydrochloride' },
  gliclazide: { bnf: '0601021M0', name: 'Gliclazide' },
  atorvastatin: { bnf: '0212000B0', name: 'Atorvastatin' },
  simvastatin: { bnf: '0212000Y0', name: 'Simvastatin' },
  rosuvastatin: { bnf: '0212000AA', name: 'Rosuvastatin calcium' },
  pravastatin: { bnf: '0212000X0', name: 'Pravastatin sodium' },
  aspirin: { bnf: '0209000A0', name: 'Aspirin' },
  clopidogrel: { bnf: '0209000C0', name: 'Clopidogrel' },
  bisoprolol: { bnf: '0204000H0', name: 'Bisoprolol fumarate' },
  ramipril: { bnf: '0205051R0', name: 'Ramipril' },
  amlodipine: { bnf: '0206020A0', name: 'Amlodipine' },
  glycerylTrinitrate: { bnf: '0206010F0', name: 'Glyceryl trinitrate' },
  salbutamol: { bnf: '0301011R0', name: 'Salbutamol' },
  tiotropium: { bnf: '0301020Q0', name: 'Tiotropium' },
  nicotine: { bnf: '0410020B0', name: 'Nicotine' },
  varenicline: { bnf: '0410020C0', name: 'Varenicline tartrate' },
  donepezil: { bnf: '0411000D0', name: 'Donepezil hydrochloride' },
  memantine: { bnf: '0411000G0', name: 'Memantine hydrochloride' },
} as const;
export type Drug = (typeof DRUGS)[keyof typeof DRUGS];

/** Lab test codes as the API names them, with the unit each is reported in. */
export const LAB_UNITS = {
  HBA1C: 'mmol/mol',
  CHOL: 'mmol/L',
  LDL: 'mmol/L',
  HDL: 'mmol/L',
  EGFR: 'mL/min/1.73m2',
  CREAT: 'umol/L',
  GLUC: 'mmol/L',
  BMI: 'kg/m2',
} as const;
export type LabCode = keyof typeof LAB_UNITS;

/** The traits a polygenic score is reported for. */
export const TRAITS = ['T2D', 'CAD', 'AD'] as const;
export type Trait = (typeof TRAITS)[number];

/**
 * The genotyped variant panel: GRCh38 positions, forward-strand alleles, the alternate
 * allele's frequency in north-western Europeans, and the odds ratio per alternate allele
 * for a trait of the model. The two APOE SNPs are drawn from the APOE genotype instead.
 */
export interface VariantSpec {
  rsId: string;
  gene: string;
  chromosome: string;
  position: number;
  ref: string;
  alt: string;
  altFrequency: number;
  trait?: Trait;
  oddsRatio?: number;
}

export const VARIANTS: readonly VariantSpec[] = [
  {
    rsId: 'rs429358',
    gene: 'APOE',
    chromosome: '19',
    position: 44908684,
    ref: 'T',
    alt: 'C',
    altFrequency: 0.15,
  },
  {
    rsId: 'rs7412',
    gene: 'APOE',
    chromosome: '19',
    position: 44908822,
    ref: 'C',
    alt: 'T',
    altFrequency: 0.08,
  },
  {
    rsId: 'rs7903146',
    gene: 'TCF7L2',
    chromosome: '10',
    position: 112998590,
    ref: 'C',
    alt: 'T',
    altFrequency: 0.3,
    trait: 'T2D',
    oddsRatio: 1.4,
  },
  {
    rsId: 'rs1801282',
    gene: 'PPARG',
    chromosome: '3',
    position: 12351626,
    ref: 'C',
    alt: 'G',
    altFrequency: 0.12,
    trait: 'T2D',
    oddsRatio: 0.86,
  },
  {
    rsId: 'rs5219',
    gene: 'KCNJ11',
    chromosome: '11',
    position: 17388025,
    ref: 'C',
    alt: 'T',
    altFrequency: 0.36,
    trait: 'T2D',
    oddsRatio: 1.14,
  },
  {
    rsId: 'rs9939609',
    gene: 'FTO',
    chromosome: '16',
    position: 53786615,
    ref: 'T',
    alt: 'A',
    altFrequency: 0.41,
    trait: 'T2D',
    oddsRatio: 1.1,
  },
  {
    rsId: 'rs1333049',
    gene: 'CDKN2B-AS1',
    chromosome: '9',
    position: 22125504,
    ref: 'G',
    alt: 'C',
    altFrequency: 0.47,
    trait: 'CAD',
    oddsRatio: 1.25,
  },
  {
    rsId: 'rs3798220',
    gene: 'LPA',
    chromosome: '6',
    position: 160540105,
    ref: 'T',
    alt: 'C',
    altFrequency: 0.02,
    trait: 'CAD',
    oddsRatio: 1.5,
  },
  {
    rsId: 'rs11591147',
    gene: 'PCSK9',
    chromosome: '1',
    position: 55039974,
    ref: 'G',
    alt: 'T',
    altFrequency: 0.015,
    trait: 'CAD',
    oddsRatio: 0.7,
  },
  {
    rsId: 'rs11136000',
    gene: 'CLU',
    chromosome: '8',
    position: 27607002,
    ref: 'C',
    alt: 'T',
    altFrequency: 0.38,
    trait: 'AD',
    oddsRatio: 0.86,
  },
  {
    rsId: 'rs3851179',
    gene: 'PICALM',
    chromosome: '11',
    position: 86157598,
    ref: 'C',
    alt: 'T',
    altFrequency: 0.36,
    trait: 'AD',
    oddsRatio: 0.88,
  },
];
export const APOE_E4_SNP = 0;
export const APOE_E2_SNP = 1;
export const FTO_SNP = VARIANTS.findIndex((variant) => variant.rsId === 'rs9939609');
export const PCSK9_SNP = VARIANTS.findIndex((variant) => variant.rsId === 'rs11591147');

/** APOE allele frequencies (e2, e3, e4) in Scotland; genotypes follow Hardy–Weinberg. */
export const APOE_ALLELES = [2, 3, 4] as const;
export const APOE_ALLELE_WEIGHTS = cumulative([0.08, 0.77, 0.15]);

/** Genotyping arrays by the year they were in use. */
export function assayFor(year: number): string {
  if (year < 2016) {
    return 'HumanOmniExpress-24';
  }
  return year < 2020 ? 'GSA-24v2' : 'GSA-24v3';
}
