import type express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';

import type { DatabaseConfig, SubgraphName } from './config';
import { type DatabaseOptions, migrate, openDatabase } from './db/data-source';
import type { DisclosurePolicy } from './disclosure';
import {
  type InternalIdentity,
  type InternalIssuer,
  type InternalScope,
  InternalTokenVerifier,
} from './internal-token';
import { loadMasterSecret, loadPublicJwk } from './keys';
import type { Logger } from './logger';
import { Pseudonymiser } from './pseudonym';
import { bearerToken, createSubgraphApp, type SubgraphContext } from './subgraph-server';

/** What every service is given by whoever starts it (its main, `npm start`, or a test). */
export interface ServiceDeps {
  logger: Logger;
  keysDir: string;
  database: DatabaseConfig;
  /** URLs of the services this one calls (the cohort service's sites), by name. */
  peers: Partial<Record<SubgraphName, string>>;
  /** Longest wait for one call to a peer, in ms. */
  peerTimeoutMs: number;
}

/** A built service: an app to mount or listen, its database, and how to stop both. */
export interface ServiceHandle {
  name: SubgraphName;
  app: express.Express;
  db: DataSource;
  stop: () => Promise<void>;
}

/** Per-request context of a service with a database and pseudonyms. */
export interface ServiceContext extends SubgraphContext {
  db: DataSource;
  pseudonyms: Pseudonymiser;
}

export interface SubgraphSpec<TContext extends ServiceContext> extends DatabaseOptions {
  name: SubgraphName;
  schema: GraphQLSchema;
  policy: DisclosurePolicy;
  /** Which signers this service accepts: the gateway always, the cohort service for matchers. */
  trust: InternalIssuer[];
  /** Adds per-request state, such as DataLoaders, to the base context (may wait for it). */
  context?: (base: ServiceContext) => TContext | Promise<TContext>;
  /** Service scopes that may send large bodies (see createSubgraphApp). */
  largeBodyScopes?: InternalScope[];
  /** Extra HTTP routes beside /graphql (streamed downloads), with what they need. */
  routes?: (app: express.Express, tools: RouteTools) => void;
}

/** What a service's extra routes are given: its database, pseudonyms and token check. */
export interface RouteTools {
  db: DataSource;
  pseudonyms: Pseudonymiser;
  logger: Logger;
  /** The identity behind a request's internal token; UNAUTHENTICATED otherwise. */
  verify: (req: express.Request) => Promise<InternalIdentity>;
}

/** Opens the database, applies migrations and builds the app of one subgraph service. */
export async function buildSubgraphService<TContext extends ServiceContext>(
  spec: SubgraphSpec<TContext>,
  deps: ServiceDeps,
): Promise<ServiceHandle> {
  const logger = deps.logger.child({ service: spec.name });
  const db = await openDatabase(deps.database, spec);
  try {
    const applied = await migrate(db);
    if (applied.length > 0) {
      logger.info({ event: 'migrated', migrations: applied }, 'migrations applied');
    }
    const trusted: Partial<Record<InternalIssuer, Awaited<ReturnType<typeof loadPublicJwk>>>> = {};
    for (const issuer of spec.trust) {
      trusted[issuer] = await loadPublicJwk(deps.keysDir, issuer);
    }
    const pseudonyms = new Pseudonymiser(await loadMasterSecret(deps.keysDir));
    const verifier = new InternalTokenVerifier(spec.name, trusted);
    const { app, stop } = await createSubgraphApp<TContext>({
      schema: spec.schema,
      policy: spec.policy,
      verifier,
      logger,
      largeBodyScopes: spec.largeBodyScopes,
      context: (base) => {
        const context: ServiceContext = { ...base, db, pseudonyms };
        return spec.context ? spec.context(context) : (context as TContext);
      },
    });
    spec.routes?.(app, {
      db,
      pseudonyms,
      logger,
      verify: (req) => verifier.verify(bearerToken(req)),
    });
    return {
      name: spec.name,
      app,
      db,
      stop: async () => {
        await stop();
        await db.destroy();
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
