import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express from 'express';

import type { SubgraphName } from '../common/config';
import { ERROR_CATALOGUE, isErrorCode } from '../common/errors';
import { errorHandler, notFound } from '../common/http-errors';
import { InternalTokenSigner } from '../common/internal-token';
import { loadSigningKey } from '../common/keys';
import type { Logger } from '../common/logger';
import { type AuthOptions, CallerAuthenticator } from './auth';
import { auditFactsPlugin, AuditWriter } from './audit';
import { mountConsole } from './console';
import type { GatewayContext } from './context';
import type { DevIssuer } from './dev-issuer';
import { createEmbedGate, mountEmbedComponent, preflight } from './embed';
import { mountExtractDownloads } from './extract-download';
import { formatGatewayError } from './format-error';
import { GrantsClient, grantsPlugin } from './grants';
import { graphqlHandler, graphqlRunner } from './graphql-handler';
import { DEFAULT_LIMITS, type OperationLimits, operationLimitsPlugin } from './limits';
import { loopbackGraphqlUrl, mountLogExport } from './log-export';
import { type RateLimit, RateLimiter } from './rate-limit';
import { roleGatePlugin } from './role-gate';
import { SubgraphSource } from './subgraph-source';

export interface GatewayOptions {
  /** The composed supergraph (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** Where each subgraph answers, e.g. `http://127.0.0.1:4001/graphql`. */
  subgraphUrls: Record<SubgraphName, string>;
  keysDir: string;
  logger: Logger;
  auth: AuthOptions;
  /** Serves the dev issuer's JWKS at /.well-known/jwks.json when given. */
  devIssuer?: DevIssuer;
  /** Longest wait for one subgraph fetch, in ms. */
  subgraphTimeoutMs: number;
  /** Production mode: no introspection. */
  production: boolean;
  limits?: OperationLimits;
  rateLimit?: RateLimit;
  /** How long grants are reused before governance is asked again (default 30 s). */
  grantsTtlMs?: number;
  /** Benchmark only: answer without writing the audit log (`npm run bench -- audit`). */
  withoutAuditForBenchmark?: boolean;
}

/**
 * When a response carries no data, its HTTP status follows the first error's code, so
 * that a refused operation is not a 200.
 */
const statusFromErrors: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const body = response.body;
        if (body.kind !== 'single' || body.singleResult.data != null) {
          return;
        }
        const code = body.singleResult.errors?.[0]?.extensions?.code;
        if (isErrorCode(code) && response.http.status === undefined) {
          response.http.status = ERROR_CATALOGUE[code].status;
        }
      },
    };
  },
};

/** Builds the gateway app: authentication, internal tokens, routing, masking. */
export async function createGatewayApp(
  options: GatewayOptions,
): Promise<{ app: express.Express; stop: () => Promise<void> }> {
  const { logger } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const rateLimiter = new RateLimiter(options.rateLimit);
  const signer = new InternalTokenSigner(
    'gateway',
    await loadSigningKey(options.keysDir, 'gateway'),
  );
  const authenticator = new CallerAuthenticator(options.auth);
  const grants = new GrantsClient(
    options.subgraphUrls.governance,
    signer,
    options.subgraphTimeoutMs,
    options.grantsTtlMs,
  );

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    // Route by name to the configured URLs, not the placeholders composed into the supergraph.
    buildService: ({ name }) => {
      const subgraph = name as SubgraphName;
      return new SubgraphSource(
        subgraph,
        options.subgraphUrls[subgraph],
        signer,
        options.subgraphTimeoutMs,
      );
    },
  });

  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: limits.maxTokens },
    formatError: formatGatewayError(logger),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Nothing reads cache hints; computing them costs a hook per field of large answers.
      ApolloServerPluginCacheControlDisabled(),
      auditFactsPlugin,
      operationLimitsPlugin<GatewayContext>(limits),
      roleGatePlugin,
      grantsPlugin(grants),
      statusFromErrors,
    ],
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (options.devIssuer) {
    const jwks = options.devIssuer.jwks();
    app.get('/.well-known/jwks.json', (_req, res) => {
      res.json(jwks);
    });
  }
  const writer = new AuditWriter(
    options.subgraphUrls.governance,
    signer,
    options.subgraphTimeoutMs,
    logger,
  );
  // Only the audit benchmark turns the log off, to measure what it costs; no setting does.
  const audit = options.withoutAuditForBenchmark ? { record: () => Promise.resolve() } : writer;
  const handlerDeps = { server, authenticator, rateLimiter, audit, logger };
  const embed = createEmbedGate({
    supergraphSdl: options.supergraphSdl,
    authenticator,
    grants,
    run: graphqlRunner(handlerDeps),
    audit,
    logger,
  });
  app.options('/graphql', preflight);
  app.use('/graphql', express.json({ limit: '100kb' }), embed, graphqlHandler(handlerDeps));
  mountEmbedComponent(app, { logger });
  mountExtractDownloads(app, {
    authenticator,
    rateLimiter,
    grants,
    signer,
    subgraphUrls: options.subgraphUrls,
    audit,
    timeoutMs: options.subgraphTimeoutMs,
    logger,
  });
  mountConsole(app, { logger });
  mountLogExport(app, { graphqlUrl: loopbackGraphqlUrl, logger });
  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, stop: () => server.stop() };
}
