import { randomUUID } from 'node:crypto';

import type { Request, RequestHandler, Response } from 'express';
import {
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
} from 'graphql';

import { codeOf, ERROR_CATALOGUE, errorBody, type ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import {
  type AuditWriter,
  coordinatesOf,
  type OperationFacts,
  rawFacts,
  type ResponseBody,
} from '../audit';
import type { Caller, CallerAuthenticator } from '../auth';
import type { GatewayContext } from '../context';
import { type GrantsClient, liveGrants } from '../grants';
import {
  auditThenRelease,
  type GraphqlAnswer,
  type GraphqlRequest,
  headerValue,
  sendAnswer,
  VERIFIED_CALLER,
} from '../graphql-handler';
import type { RateLimiter } from '../rate-limit';
import { roleRefusal } from '../role-gate';
import { cacheKey, type CountCache, grantsFingerprint } from './count-cache';
import { allowOrigin } from './cors';
import type { Safelist, SafelistedOperation } from './safelist';

export interface EmbedGateDeps {
  /** The schema safelisted operations were checked against (variables are coerced by it). */
  schema: GraphQLSchema;
  safelist: Safelist;
  cache: CountCache;
  /** Token buckets keyed by app. */
  appLimiter: RateLimiter;
  authenticator: CallerAuthenticator;
  grants: GrantsClient;
  /** Runs an operation through Apollo and audits it (graphql-handler.ts). */
  run: (request: GraphqlRequest) => Promise<GraphqlAnswer>;
  audit: Pick<AuditWriter, 'record'>;
  logger: Logger;
}

/** An APQ-style request body (Apollo's automatic persisted queries, protocol version 1). */
interface EmbedRequestBody {
  query?: unknown;
  variables?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

/** A request in the gate, with what its audit entry needs. */
interface Pending {
  req: Request;
  res: Response;
  caller: Caller;
  at: Date;
  started: bigint;
  requestId: string;
  facts: OperationFacts;
}

/**
 * The embed gate in front of /graphql. It verifies every caller's token once; other roles
 * go on to the usual handler with the verified caller. An embed token is answered here, in
 * order: its origin, the per-app rate limit, the safelist, then the count cache, and only
 * on a miss Apollo. Every answer, refusals and cache hits included, is audited before it
 * is released.
 */
export function embedGate(deps: EmbedGateDeps): RequestHandler {
  const factsCache = new Map<string, OperationFacts>();
  const factsOf = (operation: SafelistedOperation): OperationFacts => {
    let facts = factsCache.get(operation.sha256);
    if (!facts) {
      const printed = print(operation.parsed);
      facts = {
        operationName: operation.name,
        documentHash: rawFacts({ query: printed }).documentHash,
        document: printed,
        coordinates: coordinatesOf(deps.schema, operation.parsed),
      };
      factsCache.set(operation.sha256, facts);
    }
    return facts;
  };

  return async (req, res, next) => {
    let caller: Caller;
    try {
      caller = await deps.authenticator.authenticate(req.headers.authorization);
    } catch {
      // The usual handler verifies again, refuses and audits it. Any page may read that
      // refusal: it holds no data, and tells a page whose token expired to fetch a new one.
      if (req.headers.origin) {
        allowOrigin(res, req.headers.origin);
      }
      next();
      return;
    }
    if (caller.role !== 'embed') {
      res.locals[VERIFIED_CALLER] = caller;
      next();
      return;
    }
    const body = (req.body ?? {}) as EmbedRequestBody;
    const operation = deps.safelist.get(body.extensions?.persistedQuery?.sha256Hash);
    const pending: Pending = {
      req,
      res,
      caller,
      at: new Date(),
      started: process.hrtime.bigint(),
      requestId: randomUUID(),
      // What was sent: the safelisted document only when no other text came with its hash.
      facts:
        operation && (body.query == null || body.query === operation.document)
          ? factsOf(operation)
          : rawFacts(req.body),
    };
    await answerEmbed(deps, pending, body, operation);
  };
}

async function answerEmbed(
  deps: EmbedGateDeps,
  pending: Pending,
  body: EmbedRequestBody,
  operation: SafelistedOperation | undefined,
): Promise<void> {
  const { req, res, caller } = pending;
  const origin = req.headers.origin;
  if (!origin || !caller.origins.includes(origin)) {
    // No Access-Control-Allow-Origin: the page at that origin may not read even the refusal.
    await refuse(deps, pending, forbidden('This embed token may not be used from this origin'));
    return;
  }
  allowOrigin(res, origin);
  res.setHeader('Cache-Control', 'no-store');
  if (req.method !== 'POST') {
    await refuse(deps, pending, {
      code: 'BAD_USER_INPUT',
      message: 'Send embed operations as POST with a JSON body',
    });
    return;
  }

  try {
    deps.appLimiter.take(`app\u0000${caller.app ?? caller.subject}`);
  } catch (error) {
    if (codeOf(error) !== 'RATE_LIMITED') {
      throw error;
    }
    const retryAfterSeconds = (error as GraphQLError).extensions.retryAfterSeconds as number;
    res.setHeader('Retry-After', String(retryAfterSeconds));
    await refuse(deps, pending, {
      code: 'RATE_LIMITED',
      message: `Too many requests from this app; retry after ${retryAfterSeconds} s`,
      detail: { retryAfterSeconds },
    });
    return;
  }

  if (!operation) {
    await refuse(deps, pending, notSafelisted(body.query));
    return;
  }
  if (body.query != null && body.query !== operation.document) {
    await refuse(deps, pending, forbidden('The query text sent does not match its hash'));
    return;
  }

  const key = cacheKey(deps.schema, caller, operation, body.variables);
  // Read before Apollo reads them: if they change in between, the entry is stale at once.
  const grants = key === null ? null : await grantsNow(deps, caller, pending.requestId);
  const cached = key === null ? undefined : deps.cache.get(key);
  if (cached && grants !== null && cached.grants === grants) {
    await release(deps, pending, body.variables, 200, cached.body, cached.result);
    return;
  }

  const answer = await deps.run({
    method: 'POST',
    headers: req.headers,
    search: '',
    body: { query: operation.document, operationName: operation.name, variables: body.variables },
    caller,
    embedGated: true,
  });
  const result = answer.context?.audit.result;
  if (key !== null && grants !== null && answer.status === 200 && result && !result.errors) {
    deps.cache.set(key, { body: answer.body, result, grants });
  }
  answer.headers.delete('cache-control');
  sendAnswer(res, answer);
}

/**
 * The project's live grants as a fingerprint; a cached answer stands only while they are
 * those it was answered under, so a revocation reaches embedded counts as soon as it reaches
 * anything else. Null when governance cannot say: the request then goes to Apollo, which
 * answers UPSTREAM_UNAVAILABLE as it would for anyone.
 */
async function grantsNow(
  deps: EmbedGateDeps,
  caller: Caller,
  requestId: string,
): Promise<string | null> {
  try {
    return grantsFingerprint(
      liveGrants(await deps.grants.grantsOf(caller.project ?? '', requestId)),
    );
  } catch {
    return null;
  }
}

interface Refusal {
  code: ErrorCode;
  message: string;
  detail?: { field?: string; retryAfterSeconds?: number };
}

function forbidden(message: string): Refusal {
  return { code: 'FORBIDDEN', message };
}

/**
 * Why a document is refused: a root field the embed role may never use is named, as the
 * role gate names it for any document; anything else is not on the safelist.
 */
function notSafelisted(query: unknown): Refusal {
  if (typeof query === 'string' && query.length <= 20_000) {
    try {
      const document = parse(query, { maxTokens: 4_000 });
      const operations = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      const refusal = operations.length === 1 && roleRefusal('embed', document, operations[0]);
      if (refusal) {
        return {
          code: 'FORBIDDEN',
          message: refusal.message,
          detail: { field: refusal.extensions.field as string },
        };
      }
    } catch {
      // Unparsable: refused as not safelisted, like any other document.
    }
  }
  return forbidden(
    'An embed token may run only safelisted operations, sent by their SHA-256 hash in ' +
      'extensions.persistedQuery (docs/embedding.md)',
  );
}

async function refuse(deps: EmbedGateDeps, pending: Pending, refusal: Refusal): Promise<void> {
  deps.logger.debug(
    { event: 'embed_refused', app: pending.caller.app, code: refusal.code },
    'embed request refused',
  );
  const body = JSON.stringify(errorBody(refusal.code, refusal.message, refusal.detail));
  const variables = ((pending.req.body ?? {}) as EmbedRequestBody).variables;
  await release(deps, pending, variables, ERROR_CATALOGUE[refusal.code].status, body, null);
}

/** Audits an answer made here (a refusal or a cache hit), then sends it if the log took it. */
async function release(
  deps: EmbedGateDeps,
  pending: Pending,
  variables: unknown,
  status: number,
  body: string,
  result: ResponseBody | null,
): Promise<void> {
  const { req, res, caller, requestId } = pending;
  const context: GatewayContext = {
    caller,
    grants: null,
    requestId,
    logger: deps.logger,
    audit: { facts: pending.facts, result },
  };
  const released = await auditThenRelease(deps.audit, {
    at: pending.at,
    requestId,
    context,
    facts: pending.facts,
    variables: variables ?? null,
    clientName: headerValue(req.headers['apollographql-client-name']),
    clientVersion: headerValue(req.headers['apollographql-client-version']),
    status,
    body,
    durationMs: Number(process.hrtime.bigint() - pending.started) / 1e6,
  });
  res.status(released.status).type('application/json; charset=utf-8').send(released.body);
}
