import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import { databaseConfig, type SubgraphName } from '../common/config';
import { migrate, openDatabase, quoteIdent } from '../common/db/data-source';
import { MIGRATIONS } from '../migrations';
import { type SeedDatabases, seedPopulation, type SeedProgress } from '../seed/load';
import { elapsedMs, report } from './stats';

export const summary =
  'seeding N synthetic subjects into fresh databases (--subjects 100000,1000000)';

const SITES = ['ehr', 'imaging', 'genomics'] as const satisfies readonly SubgraphName[];
const DEFAULT_SUBJECTS = [100_000, 1_000_000];
/** Seconds between progress lines on stderr during a long run. */
const PROGRESS_EVERY_MS = 30_000;

/** What one seeding run measured. */
export interface SeedBenchResult {
  backend: 'pglite' | 'postgres';
  subjects: number;
  rows: number;
  instances: number;
  /** Generation and loading, without the finishing VACUUM ANALYZE. */
  loadMs: number;
  totalMs: number;
}

/**
 * Times `seedPopulation` for each `--subjects` size (default 100,000 then 1,000,000) into
 * fresh databases: a temporary DATA_DIR for PGlite, or new schemas (a fresh
 * DATABASE_SCHEMA_PREFIX) when DATABASE_URL is set. Both are removed afterwards unless
 * `--keep`. Per-service `<SERVICE>_DATABASE_URL`s are ignored, so no real database is touched.
 */
export async function benchSeed(args: string[]): Promise<SeedBenchResult[]> {
  const { values } = parseArgs({
    args,
    options: {
      subjects: { type: 'string', multiple: true },
      chunk: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const sizes = values.subjects?.flatMap((list) => list.split(',')).map(Number) ?? DEFAULT_SUBJECTS;
  if (sizes.some((size) => !Number.isSafeInteger(size) || size < 1)) {
    throw new TypeError(
      `--subjects takes positive whole numbers, got ${values.subjects?.join(' ')}`,
    );
  }
  const chunkSize = values.chunk === undefined ? undefined : Number(values.chunk);

  const results: SeedBenchResult[] = [];
  for (const subjects of sizes) {
    results.push(await benchOne(subjects, chunkSize, values.keep));
  }
  return results;
}

/** The bench runner's entry point (`npm run bench -- seed`). */
export const run = async (args: string[]): Promise<void> => {
  await benchSeed(args);
};

async function benchOne(
  subjects: number,
  chunkSize: number | undefined,
  keep: boolean,
): Promise<SeedBenchResult> {
  const fresh = await freshDatabases();
  try {
    const start = process.hrtime.bigint();
    let loadMs = 0;
    let lastLine = 0;
    const onProgress = (progress: SeedProgress) => {
      if (progress.phase === 'analysing') {
        loadMs = elapsedMs(start);
      } else if (Date.now() - lastLine >= PROGRESS_EVERY_MS) {
        lastLine = Date.now();
        console.error(
          `seed bench: ${progress.subjectsDone}/${subjects} subjects, ${progress.rowsPerSecond} rows/s`,
        );
      }
    };
    const result = await seedPopulation({
      subjects,
      chunkSize,
      databases: fresh.databases,
      onProgress,
    });
    const totalMs = elapsedMs(start);
    const rows = Object.values(result.rows).reduce((sum, count) => sum + count, 0);
    const figures: SeedBenchResult = {
      backend: fresh.backend,
      subjects,
      rows,
      instances: result.rows['imaging.instance'] ?? 0,
      loadMs: loadMs || totalMs,
      totalMs,
    };
    print(figures);
    return figures;
  } finally {
    await fresh.dispose(keep);
  }
}

function print(figures: SeedBenchResult): void {
  const name = `seed ${figures.subjects} on ${figures.backend}`;
  report(`${name}, load`, figures.loadMs / 1000, 's');
  report(`${name}, load with vacuum analyse`, figures.totalMs / 1000, 's');
  report(`${name}, subjects`, (figures.subjects * 1000) / figures.loadMs, 'subjects/s');
  report(`${name}, rows`, (figures.rows * 1000) / figures.loadMs, 'rows/s');
  report(`${name}, rows in all`, figures.rows, 'rows');
  report(`${name}, image instances`, figures.instances, 'instances');
}

interface FreshDatabases {
  backend: SeedBenchResult['backend'];
  databases: SeedDatabases;
  dispose: (keep: boolean) => Promise<void>;
}

async function freshDatabases(): Promise<FreshDatabases> {
  const url = process.env.DATABASE_URL;
  const dir = url ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-seed-'));
  const prefix = `bench_seed_${Date.now().toString(36)}_`;
  const env = url ? { DATABASE_URL: url, DATABASE_SCHEMA_PREFIX: prefix } : { DATA_DIR: dir };

  const opened: DataSource[] = [];
  const dispose = async (keep: boolean) => {
    await Promise.all(opened.map((db) => db.destroy()));
    if (keep) {
      console.error(`seed bench: kept ${url ? `schemas ${prefix}*` : dir}`);
    } else if (url) {
      await dropSchemas(url, prefix);
    } else if (dir) {
      await fs.rm(dir, { recursive: true, force: true });
    }
  };
  try {
    for (const site of SITES) {
      const db = await openDatabase(databaseConfig(site, env), {
        entities: [],
        migrations: MIGRATIONS[site],
        poolSize: 4,
      });
      opened.push(db);
      await migrate(db);
    }
  } catch (error) {
    await dispose(false);
    throw error;
  }
  const [ehr, imaging, genomics] = opened as [DataSource, DataSource, DataSource];
  return { backend: url ? 'postgres' : 'pglite', databases: { ehr, imaging, genomics }, dispose };
}

async function dropSchemas(url: string, prefix: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    for (const site of SITES) {
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(`${prefix}${site}`)} CASCADE`);
    }
  } finally {
    await client.end();
  }
}
