import '../common/bootstrap';

import { parseArgs } from 'node:util';

import { databaseConfig } from '../common/config';
import { migrate, openDatabase } from '../common/db/data-source';
import { MIGRATIONS } from '../migrations';
import {
  PopulationNotEmptyError,
  type SeedDatabases,
  seedPopulation,
  type SeedProgress,
  type SeedSummary,
} from '../seed/load';
import { DEFAULT_SEED } from '../seed/population';

const USAGE = `Usage: npm run seed -- --subjects N [--seed S] [--reset] [--chunk N]
Makes a deterministic synthetic population of N subjects (same seed, same data; default seed
${DEFAULT_SEED}) in the ehr, imaging and genomics databases (DATABASE_URL,
<SERVICE>_DATABASE_URL, or PGlite under DATA_DIR). Refuses to add to tables that hold rows
unless --reset empties them first. Progress goes to stderr, the summary to stdout.`;

/** Seconds between progress lines. */
const PROGRESS_EVERY_MS = 5_000;

/** `npm run seed`: generates and loads a synthetic population. */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      subjects: { type: 'string' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      reset: { type: 'boolean', default: false },
      chunk: { type: 'string', default: '5000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const subjects = wholeNumber(values.subjects);
  const seed = wholeNumber(values.seed);
  const chunk = wholeNumber(values.chunk);
  if (subjects === undefined || subjects < 1) {
    console.error(`--subjects takes a positive whole number, e.g. 100000\n\n${USAGE}`);
    return 2;
  }
  if (seed === undefined || seed > 0xffff_ffff) {
    console.error(`--seed takes a whole number from 0 to 4294967295\n\n${USAGE}`);
    return 2;
  }
  if (chunk === undefined || chunk < 1) {
    console.error(`--chunk takes a positive whole number of subjects\n\n${USAGE}`);
    return 2;
  }

  const databases = await openSites();
  try {
    const summary = await seedPopulation({
      subjects,
      seed,
      reset: values.reset,
      chunkSize: chunk,
      databases,
      onProgress: progressPrinter(),
    });
    console.log(summaryLine(summary));
    return 0;
  } catch (error) {
    if (error instanceof PopulationNotEmptyError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await Promise.all(Object.values(databases).map((db) => db.destroy()));
  }
}

/** Opens and migrates the three site databases from the environment. */
async function openSites(): Promise<SeedDatabases> {
  const open = async (service: 'ehr' | 'imaging' | 'genomics') => {
    const db = await openDatabase(databaseConfig(service), {
      entities: [],
      migrations: MIGRATIONS[service],
      poolSize: 4,
    });
    await migrate(db);
    return db;
  };
  // One at a time: PGlite instances share this thread, so opening them together gains nothing.
  const ehr = await open('ehr');
  const imaging = await open('imaging');
  const genomics = await open('genomics');
  return { ehr, imaging, genomics };
}

function progressPrinter(): (progress: SeedProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    const finished = progress.subjectsDone === progress.subjectsTotal;
    if (progress.phase === 'done' || (now - last < PROGRESS_EVERY_MS && !finished)) {
      return;
    }
    last = now;
    const seconds = (progress.elapsedMs / 1000).toFixed(1);
    const rows = formatCount(progress.rows);
    if (progress.phase === 'analysing') {
      console.error(`seed: ${rows} rows loaded, vacuum and analyse (${seconds} s)`);
      return;
    }
    const subjects = `${formatCount(progress.subjectsDone)}/${formatCount(progress.subjectsTotal)}`;
    const rate = formatCount(progress.rowsPerSecond);
    console.error(`seed: ${subjects} subjects, ${rows} rows, ${rate} rows/s (${seconds} s)`);
  };
}

function formatCount(value: number): string {
  return value.toLocaleString('en-GB');
}

function summaryLine(summary: SeedSummary): string {
  const counts = Object.entries(summary.rows)
    .map(([table, count]) => `${table.split('.')[1]} ${count}`)
    .join(', ');
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  return `seeded ${summary.subjects} subjects (seed ${summary.seed}) in ${seconds} s: ${counts}`;
}

function wholeNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d+$/.test(raw)) {
    return undefined;
  }
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('seed failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
