import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

import type express from 'express';
import { GraphQLError } from 'graphql';

import { type Grant, releases } from '../common/access';
import type { AuditEntry } from '../common/audit-entry';
import type { SubgraphName } from '../common/config';
import { codeOf, ERROR_CATALOGUE, type ErrorCode, isErrorCode } from '../common/errors';
import { decodeExtractCursor, isExtractId } from '../common/extract';
import type { InternalTokenSigner } from '../common/internal-token';
import { LINKED_TABLES } from '../common/linked-tables';
import { sendCodedError } from '../common/http-errors';
import type { Logger } from '../common/logger';
import type { AuditWriter } from './audit';
import type { Caller, CallerAuthenticator } from './auth';
import { type GrantsClient, liveGrants } from './grants';
import { headerValue } from './graphql-handler';
import type { RateLimiter } from './rate-limit';

export interface ExtractDownloadDeps {
  authenticator: CallerAuthenticator;
  rateLimiter: RateLimiter;
  grants: GrantsClient;
  signer: InternalTokenSigner;
  subgraphUrls: Record<SubgraphName, string>;
  audit: Pick<AuditWriter, 'record'>;
  timeoutMs: number;
  logger: Logger;
}

/** An extract request as the governance service answers it. */
interface ExtractRequestFacts {
  id: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  cohortId: string;
  cohortName: string | null;
  subjectCount: number;
  instanceCount: number;
  tables: string[];
}

const REQUEST_QUERY = `query Extract($id: ID!) { extractRequest(id: $id) {
  id status cohortId cohortName subjectCount instanceCount tables } }`;

/** Which part of an extract a download asks for. */
type Part =
  | { kind: 'index' }
  | { kind: 'manifest'; format: 'ndjson' | 'csv' }
  | { kind: 'table'; dataset: 'ehr' | 'genomics'; name: string };

/** A refusal that ends a download before any row is sent. */
class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Bulk downloads of approved extracts (issue #7), beside /graphql and under the same rules:
 * the caller's token, the project's live grants, the rate limit, and an audit entry written
 * before the first byte. The rows come from the site that holds them, streamed through.
 *
 * - `GET /extracts/:id`: what the extract holds and where to fetch it;
 * - `GET /extracts/:id/manifest.ndjson|csv[?after=<cursor>]`: the image manifest;
 * - `GET /extracts/:id/tables/<name>.csv`: a linked EHR or genomics table.
 */
export function mountExtractDownloads(app: express.Express, deps: ExtractDownloadDeps): void {
  const handle =
    (part: (req: express.Request) => Part | null) =>
    (req: express.Request, res: express.Response) => {
      void download(req, res, part(req), deps);
    };
  app.get(
    '/extracts/:id',
    handle(() => ({ kind: 'index' })),
  );
  app.get(
    '/extracts/:id/:file',
    handle((req) => {
      const file = String(req.params.file);
      return file === 'manifest.ndjson' || file === 'manifest.csv'
        ? { kind: 'manifest', format: file === 'manifest.csv' ? 'csv' : 'ndjson' }
        : null;
    }),
  );
  app.get(
    '/extracts/:id/tables/:file',
    handle((req) => {
      const name = String(req.params.file).replace(/\.csv$/, '');
      for (const dataset of ['ehr', 'genomics'] as const) {
        if (
          String(req.params.file).endsWith('.csv') &&
          LINKED_TABLES[dataset].some((table) => table.name === name)
        ) {
          return { kind: 'table', dataset, name };
        }
      }
      return null;
    }),
  );
}

async function download(
  req: express.Request,
  res: express.Response,
  part: Part | null,
  deps: ExtractDownloadDeps,
): Promise<void> {
  const at = new Date();
  const started = process.hrtime.bigint();
  const requestId = randomUUID();
  const id = String(req.params.id);
  const after = typeof req.query.after === 'string' ? req.query.after : undefined;
  let caller: Caller | null = null;

  const entry = (status: number, codes: string[], rows: number): AuditEntry => ({
    at: at.toISOString(),
    requestId,
    caller: caller?.subject ?? null,
    role: caller?.role ?? null,
    project: caller?.project ?? null,
    clientName: headerValue(req.headers['apollographql-client-name']),
    clientVersion: headerValue(req.headers['apollographql-client-version']),
    operationName: 'extractDownload',
    documentHash: null,
    document: `GET ${req.path}`.slice(0, 500),
    variables: { id, ...(after ? { after } : {}) },
    coordinates: [coordinateOf(part)],
    outcome: codes.length === 0 ? 'OK' : status >= 500 ? 'FAILED' : 'REFUSED',
    httpStatus: status,
    errorCodes: codes,
    deniedFields: codes.includes('FORBIDDEN') ? [coordinateOf(part)] : [],
    releasedCounts: [],
    rowsReturned: rows,
    durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
  });

  try {
    caller = await deps.authenticator.authenticate(req.headers.authorization);
    deps.rateLimiter.take(`${caller.subject}\u0000${caller.project ?? ''}`);
    if (!part) {
      throw new Refusal(
        'BAD_USER_INPUT',
        'Nothing is served at this path; see GET /extracts/<id> for the files of an extract',
      );
    }
    if (caller.role !== 'analyst' || !caller.project) {
      throw new Refusal('FORBIDDEN', 'Extracts are downloaded by analysts of their project');
    }
    if (!isExtractId(id)) {
      throw new Refusal('BAD_USER_INPUT', 'id: no extract of this project');
    }
    const grants = liveGrants(await deps.grants.grantsOf(caller.project, requestId));
    const request = await extractRequest(deps, caller, grants, id, requestId);
    if (!request) {
      throw new Refusal('BAD_USER_INPUT', 'id: no extract of this project');
    }
    if (part.kind === 'index') {
      const body = indexOf(request, grants);
      await deps.audit.record(entry(200, [], 0));
      res.status(200).json(body);
      return;
    }
    if (request.status !== 'APPROVED') {
      throw new Refusal(
        'FORBIDDEN',
        `The extract is ${request.status.toLowerCase()}; only an approved extract can be downloaded`,
      );
    }

    let path: string;
    let site: SubgraphName;
    if (part.kind === 'manifest') {
      if (!releases(grantOf(grants, 'imaging'), 'core')) {
        throw new Refusal('FORBIDDEN', 'The manifest needs a RECORD grant on imaging');
      }
      const position = after === undefined ? 0 : decodeExtractCursor(id, after);
      if (position === null) {
        throw new Refusal('BAD_USER_INPUT', 'after: not a cursor of this extract');
      }
      site = 'imaging';
      path = `/internal/extracts/${id}/manifest?format=${part.format}&after=${position}`;
    } else {
      if (!request.tables.includes(`${part.dataset}/${part.name}`)) {
        throw new Refusal('FORBIDDEN', `${part.name}: not a table of this extract`);
      }
      site = part.dataset;
      path = `/internal/extracts/${id}/tables/${part.name}`;
    }

    const upstream = await fromSite(deps, site, path, caller, grants, requestId);
    const rows = Number(
      upstream.headers['x-total-rows'] ?? upstream.headers['x-total-subjects'] ?? 0,
    );
    // Written before the first byte leaves: if the log cannot take it, nothing is released.
    await deps.audit.record(entry(200, [], rows));
    res.status(200);
    for (const name of ['content-type', 'x-total-rows', 'x-total-subjects']) {
      const value = upstream.headers[name];
      if (value !== undefined) {
        res.setHeader(name, value);
      }
    }
    const file = part.kind === 'manifest' ? `manifest.${part.format}` : `${part.name}.csv`;
    res.setHeader('content-disposition', `attachment; filename="extract-${id}-${file}"`);
    res.setHeader('cache-control', 'no-store');
    res.on('close', () => upstream.destroy());
    upstream.on('error', () => res.destroy());
    // A site that breaks off mid-stream: the client sees the download end without its last
    // chunk, and resumes from the last cursor it stored.
    upstream.on('aborted', () => res.destroy());
    upstream.pipe(res);
  } catch (error) {
    const { code, message, headers } = refusalOf(error, deps.logger);
    const status = ERROR_CATALOGUE[code].status;
    try {
      await deps.audit.record(entry(status, [code], 0));
    } catch {
      sendCodedError(res, 'UPSTREAM_UNAVAILABLE', 'The audit log could not be written');
      return;
    }
    for (const [name, value] of Object.entries(headers)) {
      res.setHeader(name, value);
    }
    sendCodedError(res, code, message);
  }
}

function coordinateOf(part: Part | null): string {
  if (part?.kind === 'manifest') {
    return 'ExtractRequest.manifest';
  }
  return part?.kind === 'table' ? `ExtractRequest.tables` : 'Query.extractRequest';
}

function grantOf(grants: Grant[], dataset: string): Grant | undefined {
  return grants.find((grant) => grant.dataset === dataset);
}

/** The files of an extract that the project's grants release now. */
function indexOf(request: ExtractRequestFacts, grants: Grant[]) {
  const base = `/extracts/${request.id}`;
  const approved = request.status === 'APPROVED';
  const files = [];
  if (approved && releases(grantOf(grants, 'imaging'), 'core')) {
    files.push(
      {
        name: 'manifest.ndjson',
        url: `${base}/manifest.ndjson`,
        format: 'ndjson',
        rows: request.instanceCount,
      },
      {
        name: 'manifest.csv',
        url: `${base}/manifest.csv`,
        format: 'csv',
        rows: request.instanceCount,
      },
    );
  }
  for (const table of approved ? request.tables : []) {
    const [dataset, name] = table.split('/');
    if (releases(grantOf(grants, dataset), 'core')) {
      files.push({
        name: `${name}.csv`,
        url: `${base}/tables/${name}.csv`,
        format: 'csv',
        dataset,
      });
    }
  }
  return {
    id: request.id,
    status: request.status,
    cohortId: request.cohortId,
    cohortName: request.cohortName,
    subjectCount: request.subjectCount,
    instanceCount: request.instanceCount,
    files,
  };
}

/** An internal token that carries the caller and the project's live grants to `audience`. */
function callerToken(
  deps: ExtractDownloadDeps,
  audience: SubgraphName,
  caller: Caller,
  grants: Grant[],
  requestId: string,
): Promise<string> {
  return deps.signer.sign(audience, {
    scope: 'caller',
    subject: caller.subject,
    role: caller.role,
    project: caller.project,
    grants,
    requestId,
  });
}

/** Asks governance for the request, as the caller (so it answers only the caller's own). */
async function extractRequest(
  deps: ExtractDownloadDeps,
  caller: Caller,
  grants: Grant[],
  id: string,
  requestId: string,
): Promise<ExtractRequestFacts | null> {
  const token = await callerToken(deps, 'governance', caller, grants, requestId);
  let body: { data?: { extractRequest: ExtractRequestFacts | null } | null; errors?: unknown };
  try {
    const response = await fetch(deps.subgraphUrls.governance, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: REQUEST_QUERY, variables: { id } }),
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    body = (await response.json()) as typeof body;
  } catch {
    throw new Refusal('UPSTREAM_UNAVAILABLE', 'The governance service did not answer');
  }
  if (!body.data || body.errors) {
    throw new Refusal('UPSTREAM_UNAVAILABLE', 'The governance service did not answer');
  }
  return body.data.extractRequest;
}

/**
 * Opens the site's stream with Node's own HTTP client (a web stream in between costs a
 * third of the throughput); its coded refusals pass through, anything else is
 * unavailability. The timeout bounds each silence, not the whole download.
 */
async function fromSite(
  deps: ExtractDownloadDeps,
  site: SubgraphName,
  path: string,
  caller: Caller,
  grants: Grant[],
  requestId: string,
): Promise<IncomingMessage> {
  const token = await callerToken(deps, site, caller, grants, requestId);
  const url = new URL(path, deps.subgraphUrls[site]);
  let response: IncomingMessage;
  try {
    response = await new Promise<IncomingMessage>((resolve, reject) => {
      const get = url.protocol === 'https:' ? https.get : http.get;
      const request = get(url, { headers: { authorization: `Bearer ${token}` } }, resolve);
      request.setTimeout(deps.timeoutMs, () => request.destroy(new Error('timed out')));
      request.on('error', reject);
    });
  } catch {
    throw new Refusal('UPSTREAM_UNAVAILABLE', `The ${site} site did not answer`);
  }
  if (response.statusCode === 200) {
    return response;
  }
  let code: ErrorCode = 'UPSTREAM_UNAVAILABLE';
  let message = `The ${site} site did not answer`;
  try {
    let text = '';
    for await (const chunk of response) {
      text += String(chunk);
      if (text.length > 10_000) {
        throw new Error('too long');
      }
    }
    const body = JSON.parse(text) as {
      errors?: Array<{ message?: string; extensions?: { code?: unknown } }>;
    };
    const first = body.errors?.[0];
    const known = first?.extensions?.code;
    if (isErrorCode(known) && known !== 'INTERNAL_SERVER_ERROR' && known !== 'UNAUTHENTICATED') {
      code = known;
      message = first?.message ?? message;
    }
  } catch {
    // Not a coded answer: the site is treated as unavailable.
  }
  throw new Refusal(code, message);
}

function refusalOf(
  error: unknown,
  logger: Logger,
): { code: ErrorCode; message: string; headers: Record<string, string> } {
  if (error instanceof Refusal) {
    return { code: error.code, message: error.message, headers: error.headers };
  }
  const code = codeOf(error);
  if (code && code !== 'INTERNAL_SERVER_ERROR' && error instanceof GraphQLError) {
    const http = error.extensions.http as { headers?: Map<string, string> } | undefined;
    return {
      code,
      message: error.message,
      headers: Object.fromEntries(http?.headers ?? []),
    };
  }
  logger.error({ err: error }, 'extract download failed');
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', headers: {} };
}
