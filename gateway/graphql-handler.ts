import { randomUUID } from 'node:crypto';

import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { RequestHandler } from 'express';

import { errorBody } from '../common/errors';
import type { Logger } from '../common/logger';
import { type AuditWriter, buildEntry, rawFacts } from './audit';
import type { CallerAuthenticator } from './auth';
import type { GatewayContext } from './context';
import type { RateLimiter } from './rate-limit';

export interface GraphqlHandlerDeps {
  server: ApolloServer<GatewayContext>;
  authenticator: CallerAuthenticator;
  rateLimiter: RateLimiter;
  audit: Pick<AuditWriter, 'record'>;
  logger: Logger;
}

/**
 * POST /graphql: authenticates, runs the operation, then writes its audit entry and only
 * then answers. Apollo's own Express integration answers as soon as the operation ends,
 * which would let data out before it is logged.
 */
export function graphqlHandler(deps: GraphqlHandlerDeps): RequestHandler {
  const { server, authenticator, rateLimiter, audit, logger } = deps;
  return async (req, res) => {
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
        search: new URL(req.url, 'http://gateway').search,
        body: req.body as unknown,
      },
      context: async () => {
        const caller = await authenticator.authenticate(req.headers.authorization);
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
    let status = response.status ?? 200;

    // Written before the answer leaves: if the log cannot take it, nothing is released.
    const request = (req.body ?? {}) as { variables?: unknown };
    try {
      await audit.record(
        buildEntry({
          at,
          requestId,
          context,
          facts: (context as GatewayContext | null)?.audit.facts ?? rawFacts(req.body),
          variables: request.variables ?? null,
          clientName: headerValue(req.headers['apollographql-client-name']),
          clientVersion: headerValue(req.headers['apollographql-client-version']),
          status,
          body,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
    } catch {
      status = 503;
      body = JSON.stringify(
        errorBody(
          'UPSTREAM_UNAVAILABLE',
          'The audit log could not be written; nothing was released',
          { service: 'governance' },
        ),
      );
      response.headers.set('content-type', 'application/json; charset=utf-8');
    }
    for (const [key, value] of response.headers) {
      res.setHeader(key, value);
    }
    res.status(status).send(body);
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.slice(0, 100) : null;
}
