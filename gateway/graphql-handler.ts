import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';

import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { RequestHandler, Response } from 'express';

import { errorBody, requestError } from '../common/errors';
import type { Logger } from '../common/logger';
import { type AuditWriter, buildEntry, type EntryInput, rawFacts } from './audit';
import type { Caller, CallerAuthenticator } from './auth';
import type { GatewayContext } from './context';
import type { RateLimiter } from './rate-limit';

export interface GraphqlHandlerDeps {
  server: ApolloServer<GatewayContext>;
  authenticator: CallerAuthenticator;
  rateLimiter: RateLimiter;
  audit: Pick<AuditWriter, 'record'>;
  logger: Logger;
}

/** One HTTP request to /graphql, as the handler needs it. */
export interface GraphqlRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The URL's query string, with its `?` (GET requests carry the operation there). */
  search: string;
  body: unknown;
  /** The caller, when a middleware before this one has verified its token already. */
  caller?: Caller;
  /** True when the embed gate has checked origin and safelist (gateway/embed/gate.ts). */
  embedGated?: boolean;
}

/** What goes back to the client, once the audit entry is written. */
export interface GraphqlAnswer {
  status: number;
  headers: HeaderMap;
  body: string;
  /** The request's context, or null when it was refused before one was built. */
  context: GatewayContext | null;
}

/** `res.locals` key under which a middleware hands on a caller it has verified. */
export const VERIFIED_CALLER = 'verifiedCaller';

/**
 * Writes the entry, then says what may be released: the answer as it is, or a 503 when the
 * log could not take it, so that nothing leaves unlogged.
 */
export async function auditThenRelease(
  audit: Pick<AuditWriter, 'record'>,
  input: EntryInput,
): Promise<{ status: number; body: string; withheld: boolean }> {
  try {
    await audit.record(buildEntry(input));
    return { status: input.status, body: input.body, withheld: false };
  } catch {
    const refusal = errorBody(
      'UPSTREAM_UNAVAILABLE',
      'The audit log could not be written; nothing was released',
      { service: 'governance' },
    );
    return { status: 503, body: JSON.stringify(refusal), withheld: true };
  }
}

/**
 * Runs one operation through Apollo and audits it: authentication (unless already done),
 * the per-caller rate limit, execution, then the audit entry before anything is released.
 * Apollo's own Express integration answers as soon as the operation ends, which would let
 * data out before it is logged.
 */
export function graphqlRunner(
  deps: GraphqlHandlerDeps,
): (req: GraphqlRequest) => Promise<GraphqlAnswer> {
  const { server, authenticator, rateLimiter, audit, logger } = deps;
  return async (req) => {
    const at = new Date();
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    let context: GatewayContext | null = null;

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) {
        headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers,
        search: req.search,
        body: req.body,
      },
      context: async () => {
        const caller = req.caller ?? (await authenticator.authenticate(req.headers.authorization));
        // An embed token runs only what the embed gate let through (docs/embedding.md).
        if (caller.role === 'embed' && !req.embedGated) {
          throw requestError(
            'FORBIDDEN',
            'An embed token may run only safelisted operations, sent by hash from an allowed origin',
          );
        }
        const built: GatewayContext = {
          caller,
          grants: null,
          requestId,
          logger: logger.child({ rid: requestId }),
          audit: { facts: null, result: null },
        };
        context = built;
        rateLimiter.take(`${caller.subject}\u0000${caller.project ?? ''}`);
        return built;
      },
    });
    let body = '';
    if (response.body.kind === 'complete') {
      body = response.body.string;
    } else {
      for await (const chunk of response.body.asyncIterator) {
        body += chunk;
      }
    }

    const request = (req.body ?? {}) as { variables?: unknown };
    const released = await auditThenRelease(audit, {
      at,
      requestId,
      context,
      facts: (context as GatewayContext | null)?.audit.facts ?? rawFacts(req.body),
      variables: request.variables ?? null,
      clientName: headerValue(req.headers['apollographql-client-name']),
      clientVersion: headerValue(req.headers['apollographql-client-version']),
      status: response.status ?? 200,
      body,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
    if (released.withheld) {
      response.headers.set('content-type', 'application/json; charset=utf-8');
    }
    return { status: released.status, headers: response.headers, body: released.body, context };
  };
}

/** Sends an answer as it is. */
export function sendAnswer(res: Response, answer: GraphqlAnswer): void {
  for (const [key, value] of answer.headers) {
    res.setHeader(key, value);
  }
  res.status(answer.status).send(answer.body);
}

/** POST /graphql: see `graphqlRunner`. */
export function graphqlHandler(deps: GraphqlHandlerDeps): RequestHandler {
  const run = graphqlRunner(deps);
  return async (req, res) => {
    const answer = await run({
      method: req.method,
      headers: req.headers,
      search: new URL(req.url, 'http://gateway').search,
      body: req.body as unknown,
      caller: res.locals[VERIFIED_CALLER] as Caller | undefined,
    });
    sendAnswer(res, answer);
  };
}

export function headerValue(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.slice(0, 100) : null;
}
