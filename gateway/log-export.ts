import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import type express from 'express';

import { AUDIT_FLAGS, AUDIT_OUTCOMES } from '../common/audit-entry';
import {
  ERROR_CATALOGUE,
  errorBody,
  type ErrorCode,
  isErrorCode,
  newReference,
} from '../common/errors';
import { csvLine } from '../common/csv';
import type { Logger } from '../common/logger';
import { CONSOLE_PATH, setConsoleHeaders } from './console';

export interface LogExportOptions {
  /**
   * The gateway's own `/graphql`, reached over loopback, so that an export is authorised
   * and audited like any query. Given the export request; `loopbackGraphqlUrl` derives it
   * from the socket the request arrived on.
   */
  graphqlUrl: (req: express.Request) => string;
  /** Where a failed export is logged (default: not logged). */
  logger?: Logger;
}

/** `queryLog`'s largest page: the export reads 200 entries per request. */
const PAGE_SIZE = 200;
/** Longest wait for one page, in ms. */
const PAGE_TIMEOUT_MS = 60_000;
/**
 * Least time between page requests, in ms: at most 10 a second, half the default rate limit
 * (gateway/rate-limit.ts), so a long export leaves the caller room and raises no flags.
 */
const PAGE_INTERVAL_MS = 100;
/** Times a page refused with RATE_LIMITED is retried, after the delay the gateway names. */
const RATE_LIMIT_RETRIES = 5;

const TEXT_PARAMETERS = ['caller', 'project', 'operationName', 'from', 'to'] as const;
const PARAMETERS = [...TEXT_PARAMETERS, 'outcome', 'flag', 'flagged'];

/** Columns in order; list fields are `;`-joined. */
const COLUMNS = [
  'seq',
  'at',
  'caller',
  'role',
  'project',
  'clientName',
  'operationName',
  'outcome',
  'httpStatus',
  'errorCodes',
  'deniedFields',
  'releasedCounts',
  'rowsReturned',
  'durationMs',
  'flags',
  'documentHash',
] as const;

type ExportedEntry = Record<(typeof COLUMNS)[number], string | number | string[] | null>;

interface LogPage {
  edges: Array<{ node: ExportedEntry }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const LOG_QUERY = `query ExportLog($filter: QueryLogFilter, $first: Int, $after: String) {
  queryLog(filter: $filter, first: $first, after: $after) {
    edges { node { ${COLUMNS.join(' ')} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A coded failure of the export, before or while streaming. */
class ExportError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The gateway's `/graphql` on the address and port the request came in on. */
export function loopbackGraphqlUrl(req: express.Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}/graphql`;
}

/** The `queryLog` filter from the query string; empty parameters are unset. */
export function filterFromQuery(query: Record<string, unknown>): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!PARAMETERS.includes(name)) {
      throw new ExportError(
        'BAD_USER_INPUT',
        `Unknown parameter ${name}; use ${PARAMETERS.join(', ')}`,
      );
    }
    if (typeof value !== 'string') {
      throw new ExportError('BAD_USER_INPUT', `${name}: give it once, as text`);
    }
    if (value !== '') {
      filter[name] = value;
    }
  }
  const oneOf = (name: string, allowed: readonly string[]) => {
    if (filter[name] !== undefined && !allowed.includes(filter[name] as string)) {
      throw new ExportError('BAD_USER_INPUT', `${name}: expected one of ${allowed.join(', ')}`);
    }
  };
  oneOf('outcome', AUDIT_OUTCOMES);
  oneOf('flag', AUDIT_FLAGS);
  oneOf('flagged', ['true', 'false']);
  if (filter.flagged !== undefined) {
    filter.flagged = filter.flagged === 'true';
  }
  return filter;
}

/** One page of the log, through the gateway with the caller's own Authorization header. */
async function fetchPage(
  url: string,
  authorization: string | undefined,
  filter: Record<string, unknown>,
  after: string | null,
  signal: AbortSignal,
): Promise<LogPage> {
  let response: Response;
  let body: { data?: { queryLog?: LogPage } | null; errors?: Array<Record<string, unknown>> };
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'apollographql-client-name': 'governance-export',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ query: LOG_QUERY, variables: { filter, first: PAGE_SIZE, after } }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(PAGE_TIMEOUT_MS)]),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    if (signal.aborted) {
      throw error;
    }
    throw new ExportError('UPSTREAM_UNAVAILABLE', 'The query log could not be read; try again');
  }
  const first = body.errors?.[0] as
    { message?: string; extensions?: { code?: unknown; retryAfterSeconds?: number } } | undefined;
  if (first || !body.data?.queryLog) {
    const code = first?.extensions?.code;
    throw new ExportError(
      isErrorCode(code) ? code : 'INTERNAL_SERVER_ERROR',
      first?.message ?? `The query log answered HTTP ${response.status} without data`,
      first?.extensions?.retryAfterSeconds,
    );
  }
  return body.data.queryLog;
}

/** `fetchPage`, waiting out RATE_LIMITED refusals: a long export shares the caller's bucket. */
async function fetchPatiently(...args: Parameters<typeof fetchPage>): Promise<LogPage> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetchPage(...args);
    } catch (error) {
      if (
        !(error instanceof ExportError) ||
        error.code !== 'RATE_LIMITED' ||
        attempt >= RATE_LIMIT_RETRIES
      ) {
        throw error;
      }
      await sleep((error.retryAfterSeconds ?? 1) * 1000, undefined, { signal: args[4] });
    }
  }
}

async function write(res: express.Response, chunk: string, signal: AbortSignal): Promise<void> {
  if (!res.write(chunk)) {
    await once(res, 'drain', { signal });
  }
}

/**
 * Serves `GET /governance/export.csv?<filter>`: the filtered log as CSV, newest first,
 * streamed page by page so memory stays flat. Errors before the first byte are coded JSON
 * with their catalogue status; a failure mid-stream cuts the connection, so a truncated
 * file never looks complete.
 */
export function mountLogExport(app: express.Express, options: LogExportOptions): void {
  app.get(`${CONSOLE_PATH}/export.csv`, async (req, res) => {
    setConsoleHeaders(res);
    const aborter = new AbortController();
    res.on('close', () => aborter.abort());
    const { signal } = aborter;
    const url = options.graphqlUrl(req);
    const authorization = req.headers.authorization;

    let filter: Record<string, unknown>;
    let page: LogPage;
    let asked = Date.now();
    try {
      filter = filterFromQuery(req.query);
      page = await fetchPatiently(url, authorization, filter, null, signal);
    } catch (error) {
      if (!signal.aborted) {
        refuse(res, error, options.logger);
      }
      return;
    }

    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName(new Date())}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await write(res, csvLine([...COLUMNS]), signal);
      for (;;) {
        const lines = page.edges.map(({ node }) => csvLine(COLUMNS.map((column) => node[column])));
        await write(res, lines.join(''), signal);
        if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) {
          break;
        }
        await sleep(Math.max(0, asked + PAGE_INTERVAL_MS - Date.now()), undefined, { signal });
        asked = Date.now();
        page = await fetchPatiently(url, authorization, filter, page.pageInfo.endCursor, signal);
      }
      res.end();
    } catch (error) {
      if (!signal.aborted) {
        options.logger?.warn(
          { event: 'log_export_failed', reason: (error as Error).message },
          'log export cut short',
        );
        res.destroy();
      }
    }
  });
}

function refuse(res: express.Response, error: unknown, logger: Logger | undefined): void {
  if (error instanceof ExportError) {
    const { retryAfterSeconds } = error;
    if (retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(retryAfterSeconds));
    }
    res
      .status(ERROR_CATALOGUE[error.code].status)
      .json(errorBody(error.code, error.message, retryAfterSeconds ? { retryAfterSeconds } : {}));
    return;
  }
  const reference = newReference();
  logger?.error({ event: 'log_export_error', reference, err: error }, 'log export failed');
  res
    .status(500)
    .json(
      errorBody('INTERNAL_SERVER_ERROR', `Internal error (reference ${reference})`, { reference }),
    );
}

function fileName(now: Date): string {
  return `query-log-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.csv`;
}
