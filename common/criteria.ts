import type { Dataset } from './config';
import { codedError } from './errors';
import { HEALTH_BOARDS } from './health-boards';

/**
 * The cohort language (DESIGN.md, "Cohorts and counts") once validated: a tree of `all`,
 * `any`, `not` over leaves, each leaf answered by one site's matcher. Callers' input is
 * parsed into this shape in one place so every site and the cohort service agree on it.
 */
export type Leaf =
  | { kind: 'diagnosis'; codePrefix: string; from?: string; to?: string }
  | { kind: 'prescription'; bnfPrefix: string; from?: string; to?: string }
  | { kind: 'lab'; code: string; min?: number; max?: number; from?: string; to?: string }
  | {
      kind: 'demographics';
      sex?: 'F' | 'M' | 'U';
      birthYearFrom?: number;
      birthYearTo?: number;
      deprivationDecile?: number;
      healthBoard?: string;
    }
  | {
      kind: 'imaging';
      modality?: string;
      bodyPart?: string;
      from?: string;
      to?: string;
      minStudies?: number;
    }
  | { kind: 'variant'; rsId: string; minAltAlleles?: number }
  | { kind: 'apoe'; minE4Copies: number }
  | { kind: 'polygenicScore'; trait: string; minPercentile?: number; maxPercentile?: number }
  /** Everyone the EHR site knows: the universe that `not` is taken against. */
  | { kind: 'everyone' };

export type LeafKind = Leaf['kind'];

export type Criterion =
  { all: Criterion[] } | { any: Criterion[] } | { not: Criterion } | { leaf: Leaf };

/** The site whose matcher answers each kind of leaf. */
export const SITE_OF: Record<LeafKind, Dataset> = {
  diagnosis: 'ehr',
  prescription: 'ehr',
  lab: 'ehr',
  demographics: 'ehr',
  everyone: 'ehr',
  imaging: 'imaging',
  variant: 'genomics',
  apoe: 'genomics',
  polygenicScore: 'genomics',
};

/** Limits on one cohort definition. */
export const MAX_DEPTH = 8;
export const MAX_LEAVES = 32;

const LEAF_FIELDS = [
  'diagnosis',
  'prescription',
  'lab',
  'demographics',
  'imaging',
  'variant',
  'apoe',
  'polygenicScore',
] as const;
const TREE_FIELDS = ['all', 'any', 'not'] as const;

/** Lab tests the EHR site holds, by code. */
export const LAB_CODES = ['HBA1C', 'CHOL', 'LDL', 'HDL', 'EGFR', 'CREAT', 'GLUC', 'BMI'] as const;

const PATTERNS = {
  icd10Prefix: /^[A-Z]([0-9]{1,2}(\.?[0-9A-Z]{0,4})?)?$/,
  bnfPrefix: /^[0-9]{2}[0-9A-Z]{0,13}$/,
  rsId: /^rs[0-9]{1,12}$/,
  bodyPart: /^[A-Z][A-Z ]{0,31}$/,
  trait: /^[A-Z0-9_]{1,16}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'NM', 'PT', 'MG'];

type Input = Record<string, unknown>;

function bad(path: string, message: string): never {
  throw codedError('BAD_USER_INPUT', `${path}: ${message}`, { argument: path });
}

/** Fields of a GraphQL input object that were given (null and absent alike are unset). */
function setFields(input: Input): string[] {
  return Object.keys(input).filter((key) => input[key] !== undefined && input[key] !== null);
}

/**
 * Validates a caller's `CohortCriterion` input and returns the tree. Every problem is a
 * BAD_USER_INPUT naming its path, e.g. `criteria.all[1].diagnosis.codePrefix`.
 */
export function parseCriterion(input: unknown, path = 'criteria'): Criterion {
  const state = { leaves: 0 };
  return parseNode(input, path, 1, state);
}

function parseNode(
  input: unknown,
  path: string,
  depth: number,
  state: { leaves: number },
): Criterion {
  if (depth > MAX_DEPTH) {
    bad(path, `a cohort definition may nest at most ${MAX_DEPTH} levels`);
  }
  if (typeof input !== 'object' || input === null) {
    bad(path, 'expected a criterion object');
  }
  const fields = setFields(input as Input);
  if (fields.length !== 1) {
    bad(
      path,
      `set exactly one of ${[...TREE_FIELDS, ...LEAF_FIELDS].join(', ')}; got ${fields.length === 0 ? 'none' : fields.join(', ')}`,
    );
  }
  const [field] = fields;
  const value = (input as Input)[field];
  const at = `${path}.${field}`;
  switch (field) {
    case 'all':
    case 'any': {
      if (!Array.isArray(value) || value.length === 0) {
        bad(at, 'expected a non-empty list of criteria');
      }
      const children = value.map((child, i) => parseNode(child, `${at}[${i}]`, depth + 1, state));
      return field === 'all' ? { all: children } : { any: children };
    }
    case 'not':
      return { not: parseNode(value, at, depth + 1, state) };
    default: {
      state.leaves += 1;
      if (state.leaves > MAX_LEAVES) {
        bad(path, `a cohort definition may have at most ${MAX_LEAVES} leaf criteria`);
      }
      return { leaf: parseLeaf(field, value as Input, at) };
    }
  }
}

/** Validates one leaf, from a caller (GraphQL input) or from the cohort service (JSON). */
export function parseLeaf(kind: string, input: Input, path: string): Leaf {
  const date = (name: string) => optionalDate(input[name], `${path}.${name}`);
  const range = <T extends { from?: string; to?: string }>(leaf: T): T => {
    if (leaf.from && leaf.to && leaf.from > leaf.to) {
      bad(`${path}.from`, `from (${leaf.from}) is after to (${leaf.to})`);
    }
    return leaf;
  };
  switch (kind) {
    case 'diagnosis':
      return range({
        kind,
        codePrefix: normaliseIcd10(
          text(
            input.codePrefix,
            `${path}.codePrefix`,
            PATTERNS.icd10Prefix,
            'an ICD-10 code or prefix such as C34 or E11.9',
          ),
        ),
        from: date('from'),
        to: date('to'),
      });
    case 'prescription':
      return range({
        kind,
        bnfPrefix: text(
          input.bnfPrefix,
          `${path}.bnfPrefix`,
          PATTERNS.bnfPrefix,
          'a BNF code or prefix such as 0601022 or 0212000B0',
        ),
        from: date('from'),
        to: date('to'),
      });
    case 'lab': {
      const code = text(
        input.code,
        `${path}.code`,
        /^[A-Z0-9]{2,12}$/,
        `one of ${LAB_CODES.join(', ')}`,
      );
      if (!(LAB_CODES as readonly string[]).includes(code)) {
        bad(`${path}.code`, `unknown lab test; expected one of ${LAB_CODES.join(', ')}`);
      }
      const min = optionalNumber(input.min, `${path}.min`, -1e9, 1e9);
      const max = optionalNumber(input.max, `${path}.max`, -1e9, 1e9);
      if (min !== undefined && max !== undefined && min > max) {
        bad(`${path}.min`, `min (${min}) is above max (${max})`);
      }
      return range({ kind, code, min, max, from: date('from'), to: date('to') });
    }
    case 'demographics': {
      const sex = input.sex ?? undefined;
      if (sex !== undefined && sex !== 'F' && sex !== 'M' && sex !== 'U') {
        bad(`${path}.sex`, 'expected FEMALE, MALE or UNKNOWN');
      }
      const birthYearFrom = optionalInt(input.birthYearFrom, `${path}.birthYearFrom`, 1880, 2100);
      const birthYearTo = optionalInt(input.birthYearTo, `${path}.birthYearTo`, 1880, 2100);
      if (birthYearFrom !== undefined && birthYearTo !== undefined && birthYearFrom > birthYearTo) {
        bad(
          `${path}.birthYearFrom`,
          `birthYearFrom (${birthYearFrom}) is after birthYearTo (${birthYearTo})`,
        );
      }
      const deprivationDecile = optionalInt(
        input.deprivationDecile,
        `${path}.deprivationDecile`,
        1,
        10,
      );
      const healthBoard = input.healthBoard ?? undefined;
      if (
        healthBoard !== undefined &&
        !(HEALTH_BOARDS as readonly unknown[]).includes(healthBoard)
      ) {
        bad(`${path}.healthBoard`, `expected one of ${HEALTH_BOARDS.join(', ')}`);
      }
      if (
        [sex, birthYearFrom, birthYearTo, deprivationDecile, healthBoard].every(
          (value) => value === undefined,
        )
      ) {
        bad(
          path,
          'set at least one of sex, birthYearFrom, birthYearTo, deprivationDecile, healthBoard',
        );
      }
      return {
        kind,
        sex: sex,
        birthYearFrom,
        birthYearTo,
        deprivationDecile,
        healthBoard: healthBoard as string | undefined,
      };
    }
    case 'imaging': {
      const modality = input.modality ?? undefined;
      if (modality !== undefined && !MODALITIES.includes(modality as string)) {
        bad(`${path}.modality`, `expected one of ${MODALITIES.join(', ')}`);
      }
      const bodyPart =
        input.bodyPart === undefined || input.bodyPart === null
          ? undefined
          : text(
              input.bodyPart,
              `${path}.bodyPart`,
              PATTERNS.bodyPart,
              'a DICOM body part such as CHEST or HEAD',
            );
      return range({
        kind,
        modality: modality as string | undefined,
        bodyPart,
        from: date('from'),
        to: date('to'),
        minStudies: optionalInt(input.minStudies, `${path}.minStudies`, 1, 1000),
      });
    }
    case 'variant':
      return {
        kind,
        rsId: text(input.rsId, `${path}.rsId`, PATTERNS.rsId, 'an rsID such as rs429358', (raw) =>
          raw.trim().toLowerCase(),
        ),
        minAltAlleles: optionalInt(input.minAltAlleles, `${path}.minAltAlleles`, 0, 2),
      };
    case 'apoe': {
      const minE4Copies = optionalInt(input.minE4Copies, `${path}.minE4Copies`, 0, 2);
      if (minE4Copies === undefined) {
        bad(`${path}.minE4Copies`, 'expected 0, 1 or 2');
      }
      return { kind, minE4Copies };
    }
    case 'polygenicScore': {
      const minPercentile = optionalInt(input.minPercentile, `${path}.minPercentile`, 0, 100);
      const maxPercentile = optionalInt(input.maxPercentile, `${path}.maxPercentile`, 0, 100);
      if (
        minPercentile !== undefined &&
        maxPercentile !== undefined &&
        minPercentile > maxPercentile
      ) {
        bad(
          `${path}.minPercentile`,
          `minPercentile (${minPercentile}) is above maxPercentile (${maxPercentile})`,
        );
      }
      return {
        kind,
        trait: text(
          input.trait,
          `${path}.trait`,
          PATTERNS.trait,
          'a trait code such as T2D, CAD or AD',
        ),
        minPercentile,
        maxPercentile,
      };
    }
    case 'everyone':
      return { kind };
    default:
      return bad(path, `unknown criterion "${kind}"`);
  }
}

/** ICD-10 codes are stored with a dot after the category (C34.1); accept C341 as well. */
function normaliseIcd10(code: string): string {
  return code.length > 3 && code[3] !== '.' ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

function text(
  value: unknown,
  path: string,
  pattern: RegExp,
  expected: string,
  normalise: (raw: string) => string = (raw) => raw.trim().toUpperCase(),
): string {
  const normalised = typeof value === 'string' && value.length <= 40 ? normalise(value) : '';
  if (!pattern.test(normalised)) {
    bad(path, `expected ${expected}`);
  }
  return normalised;
}

function optionalDate(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string' || !PATTERNS.date.test(value) || !isCalendarDate(value)) {
    bad(path, 'expected a date as YYYY-MM-DD');
  }
  return value;
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function optionalNumber(
  value: unknown,
  path: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    bad(path, `expected a number from ${min} to ${max}`);
  }
  return value;
}

function optionalInt(value: unknown, path: string, min: number, max: number): number | undefined {
  const number = optionalNumber(value, path, min, max);
  if (number !== undefined && !Number.isInteger(number)) {
    bad(path, `expected a whole number from ${min} to ${max}`);
  }
  return number;
}

/** A stable text for a leaf: the same leaf always gives the same string. */
export function canonicalLeaf(leaf: Leaf): string {
  const entries = Object.entries(leaf)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

/** Every leaf of a tree, in order. */
export function leavesOf(criterion: Criterion): Leaf[] {
  if ('leaf' in criterion) {
    return [criterion.leaf];
  }
  if ('not' in criterion) {
    return leavesOf(criterion.not);
  }
  return ('all' in criterion ? criterion.all : criterion.any).flatMap(leavesOf);
}
