/**
 * Generated rows, held column by column: that is the shape bulk loading wants (one array
 * per column), and it keeps millions of rows in few objects.
 */

export interface PersonRows {
  linkageKey: number[];
  sex: string[];
  birthYear: number[];
  deprivationDecile: number[];
  healthBoard: string[];
}

export interface DiagnosisRows {
  linkageKey: number[];
  icd10: string[];
  diagnosedOn: string[];
}

export interface PrescriptionRows {
  linkageKey: number[];
  bnfCode: string[];
  drug: string[];
  prescribedOn: string[];
}

export interface LabResultRows {
  linkageKey: number[];
  testCode: string[];
  value: number[];
  unit: string[];
  takenOn: string[];
}

export interface StudyRows {
  id: number[];
  linkageKey: number[];
  studyUid: string[];
  modality: string[];
  bodyPart: string[];
  studyDate: string[];
  description: string[];
}

export interface SeriesRows {
  id: number[];
  studyId: number[];
  seriesUid: string[];
  seriesNumber: number[];
  modality: string[];
  description: string[];
  sliceThicknessMm: Array<number | null>;
  manufacturer: string[];
  model: string[];
  imageCount: number[];
}

export interface InstanceRows {
  id: number[];
  seriesId: number[];
  instanceUid: string[];
  instanceNumber: number[];
  storageRef: string[];
}

export interface SampleRows {
  id: number[];
  linkageKey: number[];
  assay: string[];
  collectedOn: string[];
}

export interface GenotypeRows {
  rsId: string[];
  linkageKey: number[];
  altAlleles: number[];
}

export interface ApoeRows {
  linkageKey: number[];
  genotype: string[];
  e4Copies: number[];
}

export interface PolygenicScoreRows {
  linkageKey: number[];
  trait: string[];
  score: number[];
  percentile: number[];
}

/** The rows of a range of subjects, per site and table. */
export interface PopulationBatch {
  ehr: {
    person: PersonRows;
    diagnosis: DiagnosisRows;
    prescription: PrescriptionRows;
    labResult: LabResultRows;
  };
  imaging: { study: StudyRows; series: SeriesRows; instance: InstanceRows };
  genomics: {
    sample: SampleRows;
    genotype: GenotypeRows;
    apoe: ApoeRows;
    polygenicScore: PolygenicScoreRows;
  };
}

export type Site = keyof PopulationBatch;

/** PostgreSQL types of the columns, as the bulk loader casts its arrays. */
export type SqlType = 'bigint' | 'integer' | 'smallint' | 'real' | 'float8' | 'text' | 'date';

type ColumnTypes<Rows> = { readonly [Column in keyof Rows]: SqlType };
type SiteSchema = {
  readonly [S in Site]: {
    readonly [T in keyof PopulationBatch[S]]: ColumnTypes<PopulationBatch[S][T]>;
  };
};

/**
 * Column types per site and table, tables in foreign-key order. SQL names are the property
 * names in snake case (`labResult.takenOn` is `lab_result.taken_on`).
 */
export const POPULATION_SCHEMA: SiteSchema = {
  ehr: {
    person: {
      linkageKey: 'bigint',
      sex: 'text',
      birthYear: 'smallint',
      deprivationDecile: 'smallint',
      healthBoard: 'text',
    },
    diagnosis: { linkageKey: 'bigint', icd10: 'text', diagnosedOn: 'date' },
    prescription: { linkageKey: 'bigint', bnfCode: 'text', drug: 'text', prescribedOn: 'date' },
    labResult: {
      linkageKey: 'bigint',
      testCode: 'text',
      value: 'float8',
      unit: 'text',
      takenOn: 'date',
    },
  },
  imaging: {
    study: {
      id: 'bigint',
      linkageKey: 'bigint',
      studyUid: 'text',
      modality: 'text',
      bodyPart: 'text',
      studyDate: 'date',
      description: 'text',
    },
    series: {
      id: 'bigint',
      studyId: 'bigint',
      seriesUid: 'text',
      seriesNumber: 'integer',
      modality: 'text',
      description: 'text',
      sliceThicknessMm: 'real',
      manufacturer: 'text',
      model: 'text',
      imageCount: 'integer',
    },
    instance: {
      id: 'bigint',
      seriesId: 'bigint',
      instanceUid: 'text',
      instanceNumber: 'integer',
      storageRef: 'text',
    },
  },
  genomics: {
    sample: { id: 'bigint', linkageKey: 'bigint', assay: 'text', collectedOn: 'date' },
    genotype: { rsId: 'text', linkageKey: 'bigint', altAlleles: 'smallint' },
    apoe: { linkageKey: 'bigint', genotype: 'text', e4Copies: 'smallint' },
    polygenicScore: {
      linkageKey: 'bigint',
      trait: 'text',
      score: 'float8',
      percentile: 'smallint',
    },
  },
};

/** `labResult` → `lab_result`, `e4Copies` → `e4_copies`. */
export function sqlName(property: string): string {
  return property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A batch with every column present and empty. */
export function emptyBatch(): PopulationBatch {
  const batch: Record<string, Record<string, Record<string, unknown[]>>> = {};
  for (const [site, tables] of Object.entries(POPULATION_SCHEMA)) {
    batch[site] = {};
    for (const [table, columns] of Object.entries(tables as Record<string, object>)) {
      batch[site][table] = Object.fromEntries(Object.keys(columns).map((column) => [column, []]));
    }
  }
  return batch as unknown as PopulationBatch;
}

/** Rows per table of a batch, keyed `site.table`. */
export function countRows(batch: PopulationBatch): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [site, tables] of Object.entries(batch)) {
    for (const [table, columns] of Object.entries(tables as Record<string, object>)) {
      const first = Object.values(columns)[0] as unknown[] | undefined;
      counts[`${site}.${sqlName(table)}`] = first?.length ?? 0;
    }
  }
  return counts;
}
