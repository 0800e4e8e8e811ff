import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import express from 'express';
import {
  getNamedType,
  type GraphQLFormattedError,
  type GraphQLSchema,
  isObjectType,
  parse,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';

import { type DisclosurePolicy, policyShield } from './disclosure';
import { codedError, errorBody, isErrorCode, newReference } from './errors';
import type { InternalIdentity, InternalScope, InternalTokenVerifier } from './internal-token';
import type { Logger } from './logger';

/** Federation 2 directives the subgraphs use. */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", ' +
  'import: ["@key", "@shareable", "@external", "@requires", "@inaccessible"])';

/**
 * Builds a Federation 2 subgraph schema from type-graphql resolvers plus the
 * `__resolveReference` of each entity this subgraph resolves.
 */
export async function buildFederatedSchema(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>,
  references: GraphQLResolverMap<unknown> = {},
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes: Function[] = [],
): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers, orphanedTypes, skipCheck: true, validate: false });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`);
  const resolverMap = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, extra] of Object.entries(references)) {
    resolverMap[typeName] = { ...(resolverMap[typeName] as object), ...(extra as object) };
  }
  return buildSubgraphSchema({ typeDefs, resolvers: resolverMap });
}

/** The request context every subgraph resolver receives. */
export interface SubgraphContext {
  identity: InternalIdentity;
  logger: Logger;
}

export interface SubgraphOptions<TContext extends SubgraphContext> {
  schema: GraphQLSchema;
  policy: DisclosurePolicy;
  verifier: InternalTokenVerifier;
  logger: Logger;
  /** Adds per-request state (loaders are made per request) to the verified context. */
  context: (base: SubgraphContext) => TContext | Promise<TContext>;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Service scopes whose requests may carry bodies up to 32 MB (key sets of large cohorts). */
  largeBodyScopes?: InternalScope[];
}

/** Body limit of an ordinary request, and of one from a scope listed in `largeBodyScopes`. */
const BODY_LIMIT = 1024 * 1024;
const LARGE_BODY_LIMIT = 32 * 1024 * 1024;

/** The internal token of a request's Authorization header, if any. */
export function bearerToken(req: express.Request): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Parses JSON bodies up to 1 MB; a larger one is read only after its token proves a scope
 * that may send one, so an unauthenticated caller cannot make the service parse megabytes.
 */
function bodyParser(verifier: InternalTokenVerifier, largeScopes: InternalScope[]) {
  const small = express.json({ limit: BODY_LIMIT });
  const large = express.json({ limit: LARGE_BODY_LIMIT });
  return (req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (Number(req.headers['content-length'] ?? 0) <= BODY_LIMIT || largeScopes.length === 0) {
      small(req, res, next);
      return;
    }
    verifier.verify(bearerToken(req)).then(
      (identity) => {
        if (largeScopes.includes(identity.scope)) {
          large(req, res, next);
        } else {
          res.status(413).json(errorBody('QUERY_TOO_COMPLEX', 'The request body is too large'));
        }
      },
      () => {
        res.status(401).json(errorBody('UNAUTHENTICATED', 'A valid internal token is required'));
      },
    );
  };
}

/**
 * An Express app serving one subgraph at `/graphql`. Every request must carry an internal
 * token (Authorization: Bearer); `_service` and `_entities` are no exception.
 */
export async function createSubgraphApp<TContext extends SubgraphContext>(
  options: SubgraphOptions<TContext>,
): Promise<{ app: express.Express; stop: () => Promise<void> }> {
  const { logger } = options;
  const schema = applyMiddleware(options.schema, policyShield(options.policy, logger));
  unwrapRowTypes(schema, options.schema, options.policy);
  const server = new ApolloServer<TContext>({
    schema,
    introspection: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    csrfPrevention: true,
    // Inline traces would hand the gateway per-field timings; nothing here reports them.
    // Cache hints are computed per resolved field and nothing here reads them.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...(options.plugins ?? []),
    ],
    formatError: (formatted) => maskSubgraphError(formatted, logger),
  });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    bodyParser(options.verifier, options.largeBodyScopes ?? []),
    expressMiddleware(server, {
      context: async ({ req }) => {
        const identity = await options.verifier.verify(bearerToken(req));
        return options.context({ identity, logger: logger.child({ rid: identity.requestId }) });
      },
    }),
  );
  return { app, stop: () => server.stop() };
}

/**
 * Row types (a policy's `rowTypes`) are released whole by the one field that returns them,
 * whose rule has already run: checking each of their fields again changes no answer but
 * costs a promise per field, which dominates a page of thousands of rows. Their fields get
 * back the resolvers they had before the shield; every other field keeps its rule.
 */
function unwrapRowTypes(
  shielded: GraphQLSchema,
  original: GraphQLSchema,
  policy: DisclosurePolicy,
) {
  const rowTypes = new Set(policy.rowTypes ?? []);
  for (const type of Object.values(original.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) {
      continue;
    }
    for (const field of Object.values(type.getFields())) {
      const returned = getNamedType(field.type).name;
      const access = policy.fields[`${type.name}.${field.name}`];
      if (rowTypes.has(returned) && !['core', 'supplemental', 'special'].includes(access)) {
        throw new TypeError(
          `${type.name}.${field.name} returns the row type ${returned} without a data category`,
        );
      }
    }
  }
  for (const name of rowTypes) {
    const before = original.getType(name);
    const after = shielded.getType(name);
    if (!isObjectType(before) || !isObjectType(after)) {
      throw new TypeError(`rowTypes: ${name} is not an object type of this schema`);
    }
    const fields = before.getFields();
    for (const [fieldName, field] of Object.entries(after.getFields())) {
      field.resolve = fields[fieldName].resolve;
    }
  }
}

/** Keeps catalogue errors, masks the rest (no stack, SQL, host or value reaches a caller). */
export function maskSubgraphError(formatted: GraphQLFormattedError, logger: Logger) {
  const code = formatted.extensions?.code;
  if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (formatted.extensions?.reference) {
    return formatted;
  }
  // Apollo's own request errors (parse, validation) are the caller's doing.
  if (
    typeof code === 'string' &&
    ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST'].includes(code)
  ) {
    return codedError('BAD_USER_INPUT', formatted.message).toJSON();
  }
  const reference = newReference();
  logger.error({ reference, message: formatted.message, path: formatted.path }, 'masked error');
  return codedError('INTERNAL_SERVER_ERROR', `Internal error (reference ${reference})`, {
    reference,
  }).toJSON();
}
