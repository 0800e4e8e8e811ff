/**
 * One audited operation, as the gateway records it and the governance service stores it
 * (DESIGN.md, "Audit and governance"). It never holds a token, a linkage key, a true count
 * or a record value.
 */
export interface AuditEntry {
  /** ISO 8601 instant the gateway received the request. */
  at: string;
  requestId: string;
  caller: string | null;
  role: string | null;
  project: string | null;
  clientName: string | null;
  clientVersion: string | null;
  operationName: string | null;
  /** SHA-256 of the normalised document (hex); null when there was no document. */
  documentHash: string | null;
  /** The document as parsed and printed (normalised whitespace); raw text if unparsable. */
  document: string | null;
  /** The variables as sent (criteria, page sizes, release IDs of the caller's project). */
  variables: Record<string, unknown> | null;
  /** Schema coordinates the operation selects, e.g. `Subject.apoe`. */
  coordinates: string[];
  outcome: AuditOutcome;
  httpStatus: number;
  errorCodes: string[];
  /** Fields refused with FORBIDDEN. */
  deniedFields: string[];
  /** Counts as released (their display text), never true counts. */
  releasedCounts: string[];
  /** Subjects or rows returned in lists. */
  rowsReturned: number;
  durationMs: number;
}

export const AUDIT_OUTCOMES = ['OK', 'PARTIAL', 'REFUSED', 'FAILED'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Flags governance staff filter on; derived from the entry when it is stored. */
export const AUDIT_FLAGS = [
  'DENIAL',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'DISCLOSURE_REFUSED',
  'TOO_COMPLEX',
  'UNUSUAL_VOLUME',
] as const;
export type AuditFlag = (typeof AUDIT_FLAGS)[number];

/** Rows in one answer above which an entry is flagged as unusual volume. */
export const UNUSUAL_ROWS = 10_000;

export function flagsOf(entry: AuditEntry): AuditFlag[] {
  const flags = new Set<AuditFlag>();
  for (const code of entry.errorCodes) {
    if (code === 'FORBIDDEN') {
      flags.add('DENIAL');
    } else if (code === 'UNAUTHENTICATED') {
      flags.add('UNAUTHENTICATED');
    } else if (code === 'RATE_LIMITED') {
      flags.add('RATE_LIMITED');
    } else if (code === 'DISCLOSURE_REFUSED') {
      flags.add('DISCLOSURE_REFUSED');
    } else if (code === 'QUERY_TOO_COMPLEX') {
      flags.add('TOO_COMPLEX');
    }
  }
  // A download of an approved extract is large by design; a GraphQL answer always has a
  // document hash, so no operation can pass itself off as one.
  const approvedDownload = entry.operationName === 'extractDownload' && entry.documentHash === null;
  if (entry.rowsReturned > UNUSUAL_ROWS && !approvedDownload) {
    flags.add('UNUSUAL_VOLUME');
  }
  return AUDIT_FLAGS.filter((flag) => flags.has(flag));
}

/** JSON with object keys sorted at every level: the same entry always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
