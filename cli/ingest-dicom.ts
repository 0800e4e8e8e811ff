import '../common/bootstrap';

import path from 'node:path';
import { parseArgs } from 'node:util';

import { QueryFailedError } from 'typeorm';

import { databaseConfig, dataDir } from '../common/config';
import { migrate, openDatabase } from '../common/db/data-source';
import { INGEST_DEFAULTS, ingestDicom, type IngestProgress } from '../ingest/ingest';
import { loadMappingFile, MappingFileError } from '../ingest/mapping';
import { writeReport } from '../ingest/report';
import { MIGRATIONS } from '../migrations';

const USAGE = `Usage: npm run ingest:dicom -- DIR [options]
Loads the DICOM Part 10 files under DIR into the imaging database (DATABASE_URL,
IMAGING_DATABASE_URL, or PGlite under DATA_DIR), keeping only allowlisted tags and mapping
each patient to its linkage key. Files that cannot be loaded safely are quarantined, never
loaded. Running again skips what is loaded and carries on after an interruption.

  --mapping FILE         patient_id,linkage_key CSV (default $DATA_DIR/linkage-map.csv)
  --report FILE          write the quarantined files to FILE (.csv, else JSON)
  --storage-prefix URI   stored reference = URI + path under DIR (default: file:// URL)
  --from YYYY-MM-DD      earliest study date accepted (default ${INGEST_DEFAULTS.from})
  --max-files N          stop after N files; run again to carry on
  --batch N              files per transaction (default ${INGEST_DEFAULTS.batchSize})

With the embedded database, stop \`npm start\` first: PGlite has one writer.
See docs/ingest.md.`;

/** `npm run ingest:dicom`: de-identifying DICOM ingest into the imaging database. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mapping: { type: 'string' },
      report: { type: 'string' },
      'storage-prefix': { type: 'string' },
      from: { type: 'string' },
      'max-files': { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`Give one folder (or file) to ingest, got ${positionals.length}\n\n${USAGE}`);
    return 2;
  }
  const maxFiles = wholeNumber(values['max-files'], '--max-files');
  const batchSize = wholeNumber(values.batch, '--batch');

  // The first Ctrl-C finishes the batch in hand and stops; the second stops at once.
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) {
      process.exit(130);
    }
    console.error('ingest: stopping after the current batch (Ctrl-C again to stop now)');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const mappingFile = values.mapping ?? path.join(dataDir(), 'linkage-map.csv');
  const mapping = await loadMappingFile(mappingFile);
  const db = await openDatabase(databaseConfig('imaging'), {
    entities: [],
    migrations: MIGRATIONS.imaging,
    poolSize: 2,
  });

  try {
    await migrate(db);
    const summary = await ingestDicom({
      db,
      root: positionals[0],
      mapping,
      storagePrefix: values['storage-prefix'],
      from: values.from,
      maxFiles,
      batchSize,
      signal: stop.signal,
      onProgress: (progress) => console.error(`ingest: ${progressLine(progress)}`),
    });
    if (values.report) {
      await writeReport(values.report, summary.quarantine);
    }
    const state = summary.complete ? 'done' : 'stopped early; run again to carry on';
    console.log(`ingest ${state}: ${progressLine(summary)}`);
    for (const [reason, count] of reasonCounts(summary.quarantine.map((entry) => entry.reason))) {
      console.log(`  quarantined ${reason}: ${count}`);
    }
    return summary.complete ? 0 : 3;
  } finally {
    await db.destroy();
  }
}

function progressLine(progress: IngestProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(1);
  return (
    `${progress.files} files (${progress.filesPerSecond.toFixed(0)}/s): ` +
    `${progress.loaded} loaded, ${progress.skipped} already loaded, ` +
    `${progress.duplicates} duplicate instances, ${progress.quarantined} quarantined (${seconds} s)`
  );
}

function reasonCounts(reasons: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const reason of reasons) {
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

function wholeNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new TypeError(`${name} takes a positive whole number, got "${raw}"`);
  }
  return Number(raw);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ingest failed: ${describe(error)}`);
    const misuse = error instanceof TypeError || error instanceof MappingFileError;
    process.exit(misuse || (error as NodeJS.ErrnoException).code === 'ENOENT' ? 2 : 1);
  },
);

// A database error's message can quote the row it refused: only its code and constraint.
function describe(error: unknown): string {
  if (error instanceof QueryFailedError) {
    const driver = error.driverError as { code?: string; constraint?: string };
    return `database error ${driver.code ?? ''} ${driver.constraint ?? ''}`.trim();
  }
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return `${(error as Error).message} (check DIR and --mapping)`;
  }
  return error instanceof Error ? error.message : String(error);
}
