import type { DataSource } from 'typeorm';

import type { Logger } from '../common/logger';
import {
  countRows,
  POPULATION_SCHEMA,
  type PopulationBatch,
  type Site,
  sqlName,
  type SqlType,
} from './batches';
import { type TableRows, type WriteMethod, writeTables } from './bulk-write';
import type { CellValue } from './pg-copy';
import { variantRows } from './genomics-records';
import { DEFAULT_SEED, generateSubjects } from './population';
import { assertSeed } from './random';

/** The site databases a population is loaded into, each migrated already. */
export type SeedDatabases = Record<Site, DataSource>;

/** Reported after every chunk, and once more after the finishing VACUUM ANALYZE. */
export interface SeedProgress {
  subjectsDone: number;
  subjectsTotal: number;
  /** Rows written so far, all tables together. */
  rows: number;
  elapsedMs: number;
  rowsPerSecond: number;
  phase: 'loading' | 'analysing' | 'done';
}

export interface SeedOptions {
  /** How many subjects to make (linkage keys `LINKAGE_KEY_BASE` upwards). */
  subjects: number;
  /** Default `DEFAULT_SEED` (20261203). */
  seed?: number;
  databases: SeedDatabases;
  /** Empty the population tables first instead of refusing to load over rows. */
  reset?: boolean;
  /** Subjects generated and written per transaction (default 5,000); memory grows with it. */
  chunkSize?: number;
  /**
   * VACUUM ANALYZE the tables at the end, for planner statistics and index-only scans
   * (default true).
   */
  analyse?: boolean;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  subjects: number;
  seed: number;
  /** Rows written per table, keyed `site.table` (`imaging.instance`). */
  rows: Record<string, number>;
  elapsedMs: number;
  /** How each site was written: COPY on node-postgres, INSERT … unnest on PGlite. */
  methods: Partial<Record<Site, WriteMethod>>;
}

/** Thrown when a population table already holds rows and `reset` was not asked for. */
export class PopulationNotEmptyError extends Error {
  readonly code = 'POPULATION_NOT_EMPTY';

  constructor(readonly tables: string[]) {
    super(
      `The population tables already hold rows (${tables.join(', ')}), and a population is ` +
        'only loaded into empty tables. Pass --reset (reset: true) to empty them first.',
    );
    this.name = 'PopulationNotEmptyError';
  }
}

/**
 * Tables that `reset` empties, per site; `variant` holds the panel and goes with its calls.
 * Frozen extracts name the population's rows, so they go too (TRUNCATE passes their
 * triggers, which refuse row by row changes only).
 */
const RESET_TABLES: Record<Site, string[]> = {
  ehr: ['person', 'diagnosis', 'prescription', 'lab_result', 'extract_member'],
  imaging: ['extract_item', 'extract', 'instance', 'series', 'study'],
  genomics: ['genotype', 'polygenic_score', 'apoe', 'sample', 'variant', 'extract_member'],
};

const SITES = Object.keys(POPULATION_SCHEMA) as Site[];

/**
 * Generates a synthetic population and bulk-loads it into the site databases, a chunk of
 * subjects at a time: the next chunk is generated while the last one is written, so memory
 * holds at most two chunks whatever the population size.
 */
export async function seedPopulation(options: SeedOptions): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const chunkSize = options.chunkSize ?? 5_000;
  if (!Number.isSafeInteger(options.subjects) || options.subjects < 0) {
    throw new TypeError(`subjects must be a non-negative integer, got ${options.subjects}`);
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new TypeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  // Checked before any table is emptied.
  assertSeed(seed);
  const started = Date.now();
  await prepareTables(options.databases, options.reset ?? false);

  const rows: Record<string, number> = {
    'genomics.variant': await insertVariants(options.databases.genomics),
  };
  const methods: SeedSummary['methods'] = {};
  const report = (subjectsDone: number, phase: SeedProgress['phase']) => {
    const total = Object.values(rows).reduce((sum, count) => sum + count, 0);
    const elapsedMs = Date.now() - started;
    options.onProgress?.({
      subjectsDone,
      subjectsTotal: options.subjects,
      rows: total,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((total * 1000) / elapsedMs) : 0,
      phase,
    });
  };

  let writing: Promise<void> = Promise.resolve();
  for (let from = 0; from < options.subjects; from += chunkSize) {
    const to = Math.min(options.subjects, from + chunkSize);
    const batch = generateSubjects(seed, from, to);
    await writing;
    writing = writeBatch(options.databases, batch, methods).then(() => {
      for (const [table, count] of Object.entries(countRows(batch))) {
        rows[table] = (rows[table] ?? 0) + count;
      }
      report(to, 'loading');
    });
  }
  await writing;

  if (options.analyse ?? true) {
    report(options.subjects, 'analysing');
    await analyse(options.databases);
  }
  report(options.subjects, 'done');
  return { subjects: options.subjects, seed, rows, elapsedMs: Date.now() - started, methods };
}

/** The size of the demo population that `npm start` seeds on first start. */
export const DEMO_SUBJECTS = 3_000;

/**
 * Seeds the demo population (3,000 subjects, the default seed) when every site is empty, as
 * on first start. Returns whether it seeded.
 */
export async function seedDemoIfEmpty(databases: SeedDatabases, logger: Logger): Promise<boolean> {
  // Only into empty sites: data already at any site (say, ingested DICOM) is never mixed
  // with a synthetic population.
  const occupied = [
    (await hasRows(databases.ehr, 'person')) && 'ehr',
    (await hasRows(databases.imaging, 'study')) && 'imaging',
    (await hasRows(databases.genomics, 'apoe')) && 'genomics',
  ].filter(Boolean);
  if (occupied.length > 0) {
    logger.info(
      { event: 'demo-not-seeded', occupied },
      'sites hold data; no demo population added',
    );
    return false;
  }
  const summary = await seedPopulation({ subjects: DEMO_SUBJECTS, databases });
  logger.info(
    {
      event: 'demo-seeded',
      subjects: summary.subjects,
      seed: summary.seed,
      rows: summary.rows,
      elapsedMs: summary.elapsedMs,
    },
    'demo population seeded',
  );
  return true;
}

async function prepareTables(databases: SeedDatabases, reset: boolean): Promise<void> {
  if (reset) {
    for (const site of SITES) {
      const tables = RESET_TABLES[site].map((table) => `"${table}"`).join(', ');
      await databases[site].query(`TRUNCATE ${tables} RESTART IDENTITY`);
    }
    return;
  }
  const occupied: string[] = [];
  for (const site of SITES) {
    for (const table of RESET_TABLES[site]) {
      // The variant panel may be there without any calls: it is shared, not per subject.
      if (table !== 'variant' && (await hasRows(databases[site], table))) {
        occupied.push(`${site}.${table}`);
      }
    }
  }
  if (occupied.length > 0) {
    throw new PopulationNotEmptyError(occupied);
  }
}

async function hasRows(db: DataSource, table: string): Promise<boolean> {
  const [row] = await db.query<Array<{ found: boolean }>>(
    `SELECT EXISTS (SELECT 1 FROM "${table}") AS found`,
  );
  return row?.found ?? false;
}

// The panel is the same for every seed: insert it once and keep rows already there.
async function insertVariants(db: DataSource): Promise<number> {
  const variants = variantRows();
  const inserted = await db.query<unknown[]>(
    `INSERT INTO variant (rs_id, gene, chromosome, position, ref_allele, alt_allele)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[])
     ON CONFLICT (rs_id) DO NOTHING
     RETURNING rs_id`,
    [
      variants.rsId,
      variants.gene,
      variants.chromosome,
      variants.position,
      variants.refAllele,
      variants.altAllele,
    ],
  );
  return inserted.length;
}

// The sites are independent databases: write them side by side.
async function writeBatch(
  databases: SeedDatabases,
  batch: PopulationBatch,
  methods: SeedSummary['methods'],
): Promise<void> {
  await Promise.all(
    SITES.map(async (site) => {
      methods[site] = await writeTables(databases[site], tableRows(batch, site));
    }),
  );
}

function tableRows(batch: PopulationBatch, site: Site): TableRows[] {
  // The schema's keys mirror the batch's, which the types of both guarantee.
  const tables = batch[site] as unknown as Record<string, Record<string, CellValue[]>>;
  const types = POPULATION_SCHEMA[site] as unknown as Record<string, Record<string, SqlType>>;
  return Object.entries(types).map(([table, columnTypes]) => {
    const columns = Object.entries(columnTypes).map(([column, type]) => ({
      name: sqlName(column),
      type,
      values: tables[table]?.[column] ?? [],
    }));
    return { table: sqlName(table), columns, rowCount: columns[0]?.values.length ?? 0 };
  });
}

// PGlite runs no autovacuum: without this its planner has no statistics and the matchers'
// index-only scans would still visit the heap.
async function analyse(databases: SeedDatabases): Promise<void> {
  for (const site of SITES) {
    for (const table of RESET_TABLES[site]) {
      await databases[site].query(`VACUUM (ANALYZE) "${table}"`);
    }
  }
}
