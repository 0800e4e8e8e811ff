import type { DataSource } from 'typeorm';

import type { AuditEntry } from '../../common/audit-entry';
import { codedError } from '../../common/errors';
import type { QueryLogFilter } from './audit.type';

/** Page size of `queryLog`: default and maximum. */
export const LOG_PAGE = 50;
export const MAX_LOG_PAGE = 200;

export interface LogRow {
  seq: number;
  flags: string[];
  entry: string;
  hash: string;
}

/** Builds a parameterised WHERE clause from a filter; values never touch the SQL text. */
export function filterSql(filter: QueryLogFilter | undefined): {
  where: string;
  params: unknown[];
} {
  const params: unknown[] = [];
  const parts: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') {
      params.push(value);
      parts.push(sql(`$${params.length}`));
    }
  };
  add((p) => `caller = ${p}`, filter?.caller);
  add((p) => `project = ${p}`, filter?.project);
  add((p) => `operation_name = ${p}`, filter?.operationName);
  add((p) => `outcome = ${p}`, filter?.outcome);
  add((p) => `${p} = ANY (flags)`, filter?.flag);
  add((p) => `at >= ${p}::timestamptz`, instant(filter?.from, 'filter.from'));
  add((p) => `at < ${p}::timestamptz`, instant(filter?.to, 'filter.to'));
  if (filter?.flagged === true) {
    parts.push("flags <> '{}'");
  }
  return { where: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

function instant(value: string | undefined, argument: string): string | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (Number.isNaN(Date.parse(value))) {
    throw codedError('BAD_USER_INPUT', `${argument}: expected an ISO 8601 date or instant`, {
      argument,
    });
  }
  return new Date(value).toISOString();
}

/** One page of entries, newest first, after the cursor's sequence number. */
export async function readLog(
  db: DataSource,
  filter: QueryLogFilter | undefined,
  first: number,
  beforeSeq: number | null,
): Promise<{ rows: LogRow[]; total: number }> {
  const { where, params } = filterSql(filter);
  const paged = [...params];
  let pageWhere = where;
  if (beforeSeq !== null) {
    paged.push(beforeSeq);
    pageWhere = `${where ? `${where} AND` : 'WHERE'} seq < $${paged.length}`;
  }
  paged.push(first + 1);
  const rows = await db.query<LogRow[]>(
    `SELECT seq, flags, entry, hash FROM audit_log ${pageWhere} ORDER BY seq DESC LIMIT $${paged.length}`,
    paged,
  );
  const [{ total }] = await db.query<Array<{ total: number }>>(
    `SELECT count(*)::int AS total FROM audit_log ${where}`,
    params,
  );
  return { rows, total };
}

/** Parses an entry the gateway sent; a TypeError names what is wrong. */
export function parseEntry(text: string): AuditEntry {
  const entry = JSON.parse(text) as AuditEntry;
  if (typeof entry !== 'object' || entry === null || typeof entry.at !== 'string') {
    throw new TypeError('An audit entry must be an object with an `at` instant');
  }
  if (Number.isNaN(Date.parse(entry.at)) || typeof entry.outcome !== 'string') {
    throw new TypeError('An audit entry needs a valid `at` and an `outcome`');
  }
  return entry;
}
