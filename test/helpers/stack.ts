import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { type DatabaseConfig, type SubgraphName, SUBGRAPHS } from '../../common/config';
import { migrate, openDatabase } from '../../common/db/data-source';
import { createLogger } from '../../common/logger';
import type { Role } from '../../common/access';
import { type Stack, type StackOptions, startStack } from '../../cli/stack';
import { MIGRATIONS } from '../../migrations';

/** True when the tests run against a PostgreSQL server (DATABASE_URL) rather than PGlite. */
export const ON_POSTGRES = Boolean(process.env.DATABASE_URL);

export interface TestStack extends Stack {
  /** A caller token from the dev issuer. */
  token: (role: Role, project?: string | null, ttl?: string) => Promise<string>;
  /** POSTs a GraphQL request to the gateway and returns status and body. */
  query: <T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<{ status: number; body: GraphQLBody<T> }>;
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

/**
 * Starts the whole federation on free ports with fresh databases: a copy of a migrated
 * PGlite template per stack, or fresh schemas on PostgreSQL when DATABASE_URL is set.
 */
export async function startTestStack(overrides: Partial<StackOptions> = {}): Promise<TestStack> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-test-'));
  const { database, cleanup } = ON_POSTGRES
    ? await postgresDatabases()
    : await pgliteDatabases(root);
  const stack = await startStack({
    logger: createLogger('test', process.env.LOG_LEVEL ?? 'silent'),
    ports: { gateway: 0, imaging: 0, genomics: 0, ehr: 0, cohort: 0, governance: 0 },
    keysDir: path.join(root, 'keys'),
    database,
    ...overrides,
  });

  const stop = async () => {
    await stack.stop();
    await cleanup();
    await fs.rm(root, { recursive: true, force: true });
  };
  return {
    ...stack,
    stop,
    token: (role, project = null, ttl = '10m') =>
      stack.issuer.mint({ role, project: project ?? undefined, ttl }),
    query: async (token, query, variables) => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLBody<never> };
    },
  };
}

async function postgresDatabases() {
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const url = process.env.DATABASE_URL as string;
  return {
    database: (service: SubgraphName): DatabaseConfig => ({
      kind: 'postgres',
      url,
      schema: `${prefix}${service}`,
    }),
    cleanup: async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        for (const service of SUBGRAPHS) {
          await client.query(`DROP SCHEMA IF EXISTS "${prefix}${service}" CASCADE`);
        }
      } finally {
        await client.end();
      }
    },
  };
}

async function pgliteDatabases(root: string) {
  const template = await pgliteTemplate();
  await fs.cp(template, path.join(root, 'db'), { recursive: true });
  return {
    database: (service: SubgraphName): DatabaseConfig => ({
      kind: 'pglite',
      dir: path.join(root, 'db', service),
    }),
    cleanup: async () => undefined,
  };
}

/**
 * A migrated PGlite directory per service, made once per set of migrations and shared by
 * every test file: a new PGlite database takes seconds to initialise, a copy milliseconds.
 */
async function pgliteTemplate(): Promise<string> {
  const names = SUBGRAPHS.flatMap((service) =>
    MIGRATIONS[service].map((migration) => migration.name),
  ).join(',');
  const hash = createHash('sha256').update(names).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `pictures-graph-template-${hash}`);
  const ready = path.join(dir, 'ready');
  if (await exists(ready)) {
    return dir;
  }
  try {
    await fs.mkdir(dir);
  } catch {
    // Another worker is making it: wait for its `ready` mark.
    for (let waited = 0; waited < 120_000; waited += 200) {
      if (await exists(ready)) {
        return dir;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Timed out waiting for the PGlite template in ${dir}`);
  }
  for (const service of SUBGRAPHS) {
    const db = await openDatabase(
      { kind: 'pglite', dir: path.join(dir, service) },
      { entities: [], migrations: MIGRATIONS[service] },
    );
    await migrate(db);
    await db.destroy();
  }
  await fs.writeFile(ready, new Date().toISOString());
  return dir;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
