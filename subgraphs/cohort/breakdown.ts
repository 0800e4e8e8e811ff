import { canonicalLeaf, type Criterion, type Leaf } from '../../common/criteria';
import { codedError } from '../../common/errors';
import { HEALTH_BOARDS } from '../../common/health-boards';
import { difference, intersect, type KeySet, union } from '../../common/key-set';
import type { TableLine } from './secondary-suppression';

/** The attributes a cohort can be broken down by (DESIGN.md, `cohortBreakdown`). */
export enum BreakdownDimension {
  SEX = 'SEX',
  AGE_BAND = 'AGE_BAND',
  DEPRIVATION_DECILE = 'DEPRIVATION_DECILE',
  HEALTH_BOARD = 'HEALTH_BOARD',
  MODALITY = 'MODALITY',
  YEAR = 'YEAR',
}

/** The value of a cell whose subjects have no value on that dimension (no study, for imaging). */
export const NOT_RECORDED = 'NOT_RECORDED';
/** The imaging site holds studies since this year (DESIGN.md). */
export const FIRST_STUDY_YEAR = 2006;
export const MAX_DIMENSIONS = 2;
export const MAX_CELLS = 300;

const SEXES = [
  ['FEMALE', 'F'],
  ['MALE', 'M'],
  ['UNKNOWN', 'U'],
] as const;
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'NM', 'PT', 'MG'];
const IMAGING_DIMENSIONS = [BreakdownDimension.MODALITY, BreakdownDimension.YEAR];

interface DimensionValue {
  label: string;
  leaf: Leaf;
}

/** Ages are those reached in the reference year: ten-year bands, then 100 and over. */
function ageBands(year: number): DimensionValue[] {
  const bands: DimensionValue[] = [];
  for (let low = 0; low < 100; low += 10) {
    bands.push({
      label: `${low}-${low + 9}`,
      leaf: { kind: 'demographics', birthYearFrom: year - low - 9, birthYearTo: year - low },
    });
  }
  bands.push({ label: '100+', leaf: { kind: 'demographics', birthYearTo: year - 100 } });
  return bands;
}

function valuesOf(dimension: BreakdownDimension, year: number, path: string): DimensionValue[] {
  switch (dimension) {
    case BreakdownDimension.SEX:
      return SEXES.map(([label, sex]) => ({ label, leaf: { kind: 'demographics', sex } }));
    case BreakdownDimension.AGE_BAND:
      return ageBands(year);
    case BreakdownDimension.MODALITY:
      return MODALITIES.map((modality) => ({
        label: modality,
        leaf: { kind: 'imaging', modality },
      }));
    case BreakdownDimension.YEAR: {
      const years = Array.from(
        { length: year - FIRST_STUDY_YEAR + 1 },
        (_, i) => FIRST_STUDY_YEAR + i,
      );
      return years.map((y) => ({
        label: String(y),
        leaf: { kind: 'imaging', from: `${y}-01-01`, to: `${y}-12-31` },
      }));
    }
    case BreakdownDimension.DEPRIVATION_DECILE:
      return Array.from({ length: 10 }, (_, i) => ({
        label: String(i + 1),
        leaf: { kind: 'demographics', deprivationDecile: i + 1 },
      }));
    case BreakdownDimension.HEALTH_BOARD:
      return HEALTH_BOARDS.map((board) => ({
        label: board,
        leaf: { kind: 'demographics', healthBoard: board },
      }));
    default:
      throw codedError('BAD_USER_INPUT', `${path}: unknown dimension`, { argument: path });
  }
}

/** One number of a breakdown: the total, a margin or a cell, with the set behind it. */
export interface BreakdownFigure {
  kind: 'total' | 'margin' | 'cell';
  /** One label per dimension for cells; the one dimension's label for margins. */
  labels: string[];
  /** The margin's dimension, by position in `by`. */
  dimension?: number;
  /** The definition whose set this is: the cohort's with the cell's conditions added. */
  definition: Criterion;
  keys: KeySet;
}

export interface BreakdownTable {
  /** The total first, then the margins (two dimensions only), then the cells. */
  figures: BreakdownFigure[];
  lines: TableLine[];
}

/** A validated breakdown: the extra leaves to fetch, and how to build the table from them. */
export interface BreakdownPlan {
  dimensions: BreakdownDimension[];
  leaves: Leaf[];
  /** Cells, the unit of query budget a breakdown costs. */
  cellCount: number;
  build: (cohort: KeySet, sets: Map<string, KeySet>) => BreakdownTable;
}

/**
 * Validates `by` and plans the table. A cell is the cohort with one condition per dimension
 * added; MODALITY with YEAR asks for studies of that modality in that year, as one leaf.
 * Every dimension also has a NOT_RECORDED value, so each line of the table adds up.
 */
export function planBreakdown(
  criterion: Criterion,
  by: BreakdownDimension[],
  now = new Date(),
): BreakdownPlan {
  if (by.length === 0 || by.length > MAX_DIMENSIONS) {
    throw codedError('BAD_USER_INPUT', `by: give 1 to ${MAX_DIMENSIONS} dimensions`, {
      argument: 'by',
    });
  }
  if (new Set(by).size !== by.length) {
    throw codedError('BAD_USER_INPUT', 'by: a dimension may appear once', { argument: 'by' });
  }
  const year = now.getUTCFullYear();
  const values = by.map((dimension, i) => valuesOf(dimension, year, `by[${i}]`));
  const cellCount = values.reduce((product, list) => product * (list.length + 1), 1);
  if (cellCount > MAX_CELLS) {
    throw codedError(
      'BAD_USER_INPUT',
      `by: at most ${MAX_CELLS} cells in a breakdown; these dimensions make ${cellCount}`,
      { argument: 'by' },
    );
  }
  const joint = by.length === 2 && by.every((d) => IMAGING_DIMENSIONS.includes(d));
  const jointLeaf = (a: DimensionValue, b: DimensionValue): Leaf => ({ ...a.leaf, ...b.leaf });
  const leaves = values.flat().map((value) => value.leaf);
  if (joint) {
    for (const a of values[0]) {
      for (const b of values[1]) {
        leaves.push(jointLeaf(a, b));
      }
    }
  }

  return {
    dimensions: by,
    leaves,
    cellCount,
    build: (cohort, sets) => {
      const lookup = (leaf: Leaf) => {
        const set = sets.get(canonicalLeaf(leaf));
        if (!set) {
          throw new TypeError(`No key set was fetched for a ${leaf.kind} breakdown leaf`);
        }
        return set;
      };
      const dims = values.map((list) => marginsOf(cohort, list, lookup));
      const cellOf = (i: number, j: number): { part: Criterion; keys: KeySet } | null => {
        const a = values[0][i];
        const b = values[1][j];
        if (!joint || !a || !b) {
          return null;
        }
        const leaf = jointLeaf(a, b);
        return { part: { leaf }, keys: intersect(cohort, lookup(leaf)) };
      };
      return tableOf(criterion, cohort, dims, cellOf);
    },
  };
}

/** A dimension's values restricted to the cohort, NOT_RECORDED last. */
interface Margin {
  labels: string[];
  parts: Criterion[];
  sets: KeySet[];
}

function marginsOf(cohort: KeySet, list: DimensionValue[], lookup: (leaf: Leaf) => KeySet): Margin {
  const sets = list.map((value) => intersect(cohort, lookup(value.leaf)));
  const recorded = sets.reduce(union, new Uint32Array(0));
  return {
    labels: [...list.map((value) => value.label), NOT_RECORDED],
    parts: [
      ...list.map((value) => ({ leaf: value.leaf })),
      { not: { any: list.map((value) => ({ leaf: value.leaf })) } },
    ],
    sets: [...sets, difference(cohort, recorded)],
  };
}

function tableOf(
  criterion: Criterion,
  cohort: KeySet,
  dims: Margin[],
  jointCell: (i: number, j: number) => { part: Criterion; keys: KeySet } | null,
): BreakdownTable {
  const within = (...parts: Criterion[]): Criterion => ({ all: [criterion, ...parts] });
  const figures: BreakdownFigure[] = [
    { kind: 'total', labels: [], definition: criterion, keys: cohort },
  ];
  if (dims.length === 1) {
    const [only] = dims;
    only.labels.forEach((label, i) => {
      figures.push({
        kind: 'cell',
        labels: [label],
        definition: within(only.parts[i]),
        keys: only.sets[i],
      });
    });
    return { figures, lines: [{ members: only.labels.map((_, i) => i + 1), sum: 0 }] };
  }

  // Two dimensions: margins of each, then the cells row by row.
  const marginIndex = dims.map((dim, d) =>
    dim.labels.map((label, i) => {
      figures.push({
        kind: 'margin',
        labels: [label],
        dimension: d,
        definition: within(dim.parts[i]),
        keys: dim.sets[i],
      });
      return figures.length - 1;
    }),
  );
  const [rows, columns] = dims;
  const cellIndex = rows.labels.map((rowLabel, i) =>
    columns.labels.map((columnLabel, j) => {
      const joint = jointCell(i, j);
      figures.push({
        kind: 'cell',
        labels: [rowLabel, columnLabel],
        definition: joint ? within(joint.part) : within(rows.parts[i], columns.parts[j]),
        keys: joint ? joint.keys : intersect(rows.sets[i], columns.sets[j]),
      });
      return figures.length - 1;
    }),
  );
  const lines: TableLine[] = [
    ...marginIndex.map((members) => ({ members, sum: 0 })),
    ...cellIndex.map((members, i) => ({ members, sum: marginIndex[0][i] })),
    ...columns.labels.map((_, j) => ({
      members: cellIndex.map((row) => row[j]),
      sum: marginIndex[1][j],
    })),
  ];
  return { figures, lines };
}
