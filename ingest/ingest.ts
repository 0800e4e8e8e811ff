import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { DataSource } from 'typeorm';

import type { Logger } from '../common/logger';
import { classify, type ClassifyOptions, type IngestRecord } from './classify';
import type { LinkageMapping } from './mapping';
import { type Quarantine, quarantine } from './reasons';
import type { QuarantineEntry } from './report';
import { type BatchItem, settledHashes, writeBatch } from './store';
import { walkFiles } from './walk';

export interface IngestOptions {
  /** The imaging database, migrated. */
  db: DataSource;
  /** A folder of DICOM files (walked recursively) or one file. */
  root: string;
  mapping: LinkageMapping;
  /**
   * Stored reference = this prefix + the path relative to `root` (e.g. `s3://bucket/drop/`).
   * Default: the file's absolute `file://` URL.
   */
  storagePrefix?: string;
  /** Earliest study date accepted, `YYYY-MM-DD` (default 2006-01-01). */
  from?: string;
  /** Latest study date accepted, `YYYY-MM-DD` (default today, UTC). */
  to?: string;
  /** Files per transaction (default 200). */
  batchSize?: number;
  /** Files read at once (default 8). */
  readConcurrency?: number;
  /** Stop after looking at this many files; a later run carries on (default: no limit). */
  maxFiles?: number;
  /** Stops the run between two batches; what was committed stays. */
  signal?: AbortSignal;
  /** Called after a batch commits, at most every `progressEveryMs` (default 2 000 ms). */
  onProgress?: (progress: IngestProgress) => void;
  progressEveryMs?: number;
  logger?: Logger;
}

export interface IngestProgress {
  /** Files looked at in this run. */
  files: number;
  /** Files whose instance this run added. */
  loaded: number;
  /** Files of an instance already held (same SOP Instance UID, other bytes). */
  duplicates: number;
  /** Files whose content an earlier run had already loaded. */
  skipped: number;
  quarantined: number;
  elapsedMs: number;
  filesPerSecond: number;
}

export interface IngestSummary extends IngestProgress {
  quarantine: QuarantineEntry[];
  /** True when every file under the root was looked at (no limit reached, no interruption). */
  complete: boolean;
}

export const INGEST_DEFAULTS = {
  from: '2006-01-01',
  batchSize: 200,
  readConcurrency: 8,
  progressEveryMs: 2_000,
};

interface Examined {
  path: string;
  /** Null when the file could not be read. */
  hash: string | null;
  result: IngestRecord | Quarantine;
}

/**
 * Ingests every DICOM file under `root` into the imaging tables, de-identified on the way in
 * (docs/ingest.md). Idempotent and resumable: each batch commits with its ledger rows, and a
 * file whose content the ledger holds as loaded is skipped.
 */
export async function ingestDicom(options: IngestOptions): Promise<IngestSummary> {
  const settings = checkedSettings(options);
  const started = Date.now();
  const counts = { files: 0, loaded: 0, duplicates: 0, skipped: 0, quarantined: 0 };
  const entries: QuarantineEntry[] = [];
  const progress = (): IngestProgress => {
    const elapsedMs = Date.now() - started;
    return { ...counts, elapsedMs, filesPerSecond: counts.files / Math.max(elapsedMs / 1e3, 1e-3) };
  };
  let lastProgress = started;

  const walker = walkFiles(options.root);
  const rootDir = await directoryOf(options.root);
  let pulled = 0;
  let walked = false;
  let unwritten = false;
  // Files whose content repeated within a batch: looked at again once the ledger knows it.
  const carried: string[] = [];
  // The batch being committed while the next one is read and parsed.
  let writing: Promise<string[]> | null = null;
  const settle = async () => {
    if (writing) {
      carried.push(...(await writing));
      writing = null;
      if (Date.now() - lastProgress >= settings.progressEveryMs) {
        lastProgress = Date.now();
        options.onProgress?.(progress());
      }
      options.logger?.debug({ event: 'ingest.batch', ...counts }, 'batch committed');
    }
  };

  try {
    while (!options.signal?.aborted) {
      const paths = carried.splice(0, settings.batchSize);
      let fresh = 0;
      while (!walked && paths.length < settings.batchSize && pulled < settings.maxFiles) {
        const next = await walker.next();
        if (next.done) {
          walked = true;
        } else {
          paths.push(next.value);
          pulled += 1;
          fresh += 1;
        }
      }
      if (paths.length === 0) {
        if (!writing) {
          break;
        }
        await settle();
        continue;
      }

      const examined = await mapLimited(paths, settings.readConcurrency, (file) =>
        examine(file, storageRef(file, rootDir, options.storagePrefix), settings),
      );
      await settle();
      if (options.signal?.aborted) {
        unwritten = true;
        break;
      }
      counts.files += fresh;
      writing = writeExamined(options.db, examined, counts, entries);
      // Awaited by the next settle(); this only keeps Node from calling it unhandled meanwhile.
      writing.catch(() => undefined);
    }
    await settle();
  } finally {
    await walker.return(undefined);
  }

  const summary = {
    ...progress(),
    quarantine: entries,
    complete: walked && !unwritten && carried.length === 0,
  };
  options.logger?.info(
    { event: 'ingest.finished', ...counts, complete: summary.complete },
    'ingest finished',
  );
  return summary;
}

/** Skips settled content, writes the rest, tallies; returns paths to look at again. */
async function writeExamined(
  db: DataSource,
  examined: Examined[],
  counts: Omit<IngestProgress, 'elapsedMs' | 'filesPerSecond'>,
  entries: QuarantineEntry[],
): Promise<string[]> {
  const report = (file: string, q: Quarantine) => {
    counts.quarantined += 1;
    entries.push({ path: file, reason: q.reason, tag: q.tag, message: q.message });
  };
  const batch: Array<Examined & { hash: string }> = [];
  const hashes = new Set<string>();
  const again: string[] = [];
  for (const file of examined) {
    if (file.hash === null) {
      report(file.path, file.result as Quarantine);
    } else if (hashes.has(file.hash)) {
      again.push(file.path);
    } else {
      hashes.add(file.hash);
      batch.push(file as Examined & { hash: string });
    }
  }

  const settled = await settledHashes(db, [...hashes]);
  const pending = batch.filter((file) => !settled.has(file.hash));
  counts.skipped += batch.length - pending.length;
  const outcomes = await writeBatch(
    db,
    pending.map((file): BatchItem => ({ hash: file.hash, result: file.result })),
  );
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'quarantined') {
      report(pending[i].path, outcome.quarantine);
    } else {
      counts[outcome.status === 'loaded' ? 'loaded' : 'duplicates'] += 1;
    }
  });
  return again;
}

async function examine(file: string, ref: string, options: ClassifyOptions): Promise<Examined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return { path: file, hash: null, result: quarantine('UNREADABLE', null, 'Could not be read') };
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  try {
    return { path: file, hash, result: classify(bytes, ref, options) };
  } catch {
    // A header the parser read but in a shape nothing expected: one file must not stop a run.
    return { path: file, hash, result: quarantine('NOT_DICOM', null, 'Header could not be read') };
  }
}

function storageRef(file: string, rootDir: string, prefix: string | undefined): string {
  if (prefix === undefined) {
    return pathToFileURL(file).href;
  }
  return prefix + path.relative(rootDir, file).split(path.sep).join('/');
}

async function directoryOf(root: string): Promise<string> {
  const resolved = path.resolve(root);
  return (await fs.stat(resolved)).isDirectory() ? resolved : path.dirname(resolved);
}

/** Runs `task` over `items` with at most `limit` at once; results in input order. */
async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkedSettings(options: IngestOptions) {
  const settings = {
    mapping: options.mapping,
    from: options.from ?? INGEST_DEFAULTS.from,
    to: options.to ?? new Date().toISOString().slice(0, 10),
    batchSize: options.batchSize ?? INGEST_DEFAULTS.batchSize,
    readConcurrency: options.readConcurrency ?? INGEST_DEFAULTS.readConcurrency,
    maxFiles: options.maxFiles ?? Number.POSITIVE_INFINITY,
    progressEveryMs: options.progressEveryMs ?? INGEST_DEFAULTS.progressEveryMs,
  };
  for (const name of ['from', 'to'] as const) {
    if (!ISO_DATE.test(settings[name])) {
      throw new TypeError(`${name} must be a date as YYYY-MM-DD, got "${settings[name]}"`);
    }
  }
  for (const name of ['batchSize', 'readConcurrency', 'maxFiles'] as const) {
    const value = settings[name];
    if (!(value >= 1) || (Number.isFinite(value) && !Number.isInteger(value))) {
      throw new TypeError(`${name} must be a positive whole number, got ${value}`);
    }
  }
  return settings;
}
