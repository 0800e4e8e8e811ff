import fs from 'node:fs/promises';

import { PGlite } from '@electric-sql/pglite';
import { Client, type ClientConfig, types } from 'pg';
import { DataSource, type MixedList } from 'typeorm';

import type { DatabaseConfig } from '../config';
import { pgliteDriver } from './pglite-pool';

// Linkage keys and counts fit in a double; dates stay ISO strings so no time zone shifts them.
const INT8 = 20;
const DATE = 1082;
const parseInt8 = (value: string) => Number(value);
const keepDate = (value: string) => value;

export interface DatabaseOptions {
  // TypeORM's own types for these lists are wide; the classes are checked where they are made.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

/**
 * Opens a service's own database (never `synchronize`): a PGlite directory (or memory when
 * `dir` is null) or a PostgreSQL schema, created if missing. Migrations are not run here.
 */
export async function openDatabase(
  config: DatabaseConfig,
  options: DatabaseOptions,
): Promise<DataSource> {
  const common = {
    type: 'postgres' as const,
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };

  if (config.kind === 'pglite') {
    if (config.dir) {
      await fs.mkdir(config.dir, { recursive: true });
    }
    const db = await PGlite.create(config.dir ?? undefined, {
      parsers: { [INT8]: parseInt8, [DATE]: keepDate },
    });
    const source = new DataSource({ ...common, driver: pgliteDriver(db) });
    return source.initialize();
  }

  await ensureSchema(config.url, config.schema);
  const source = new DataSource({
    ...common,
    url: config.url,
    schema: config.schema,
    poolSize: options.poolSize ?? 10,
    connectTimeoutMS: 5_000,
    extra: {
      options: `-c search_path=${quoteIdent(config.schema)}`,
      types: pgTypes(),
    },
  });
  return source.initialize();
}

/** Runs pending migrations, each in its own transaction; returns the names applied. */
export async function migrate(source: DataSource): Promise<string[]> {
  const applied = await source.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } finally {
    await client.end();
  }
}

function pgTypes(): NonNullable<ClientConfig['types']> {
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === INT8) {
        return parseInt8;
      }
      if (oid === DATE) {
        return keepDate;
      }
      return types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
    }) as NonNullable<ClientConfig['types']>['getTypeParser'],
  };
}

/** Quotes a PostgreSQL identifier (schema names come from configuration, not callers). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new TypeError(`A schema name must be lower-case letters, digits and _, got "${name}"`);
  }
  return `"${name}"`;
}
