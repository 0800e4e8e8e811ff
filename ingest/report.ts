import fs from 'node:fs/promises';
import path from 'node:path';

import { QUARANTINE_REASONS, type QuarantineReason } from './reasons';
import { csvField } from '../common/csv';

/** One quarantined file in the report. */
export interface QuarantineEntry {
  /** The file as found on disk: the report stays at the site, next to the files. */
  path: string;
  reason: QuarantineReason;
  tag: string | null;
  message: string;
}

const COLUMNS = ['path', 'reason', 'tag', 'message', 'action'] as const;

/**
 * Writes the quarantine report: CSV when the name ends in `.csv`, JSON otherwise. Each entry
 * carries what to do about it; none quotes the identifying value that caused it.
 */
export async function writeReport(file: string, entries: QuarantineEntry[]): Promise<void> {
  const rows = entries.map((entry) => ({
    ...entry,
    action: QUARANTINE_REASONS[entry.reason].action,
  }));
  const text =
    path.extname(file).toLowerCase() === '.csv'
      ? [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => csvField(row[c])).join(','))]
          .join('\n')
          .concat('\n')
      : `${JSON.stringify({ quarantined: rows }, null, 2)}\n`;
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.writeFile(file, text, { mode: 0o600 });
}

// RFC 4180: quote every field that holds a comma, quote or line break.
