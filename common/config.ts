import path from 'node:path';

/** The five subgraphs, in the order the supergraph lists them. */
export const SUBGRAPHS = ['imaging', 'genomics', 'ehr', 'cohort', 'governance'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];
export type ServiceName = SubgraphName | 'gateway';

/** The datasets a grant can name: one per data site. */
export const DATASETS = ['imaging', 'genomics', 'ehr'] as const;
export type Dataset = (typeof DATASETS)[number];

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 4000,
  imaging: 4001,
  genomics: 4002,
  ehr: 4003,
  cohort: 4004,
  governance: 4005,
};

/** Issuer and audience of the dev issuer, used when no AUTH_ISSUER is configured. */
export const DEV_ISSUER = 'pictures-graph-dev';
export const DEFAULT_AUDIENCE = 'pictures-graph';

type Env = Record<string, string | undefined>;

function envName(service: ServiceName, suffix: string): string {
  return `${service.toUpperCase()}_${suffix}`;
}

/** DATA_DIR (default `.data` under the working directory): embedded databases and dev keys. */
export function dataDir(env: Env = process.env): string {
  return path.resolve(env.DATA_DIR ?? '.data');
}

/** KEYS_DIR (default `<DATA_DIR>/keys`): signing keys, public keys of peers, master secret. */
export function keysDir(env: Env = process.env): string {
  return path.resolve(env.KEYS_DIR ?? path.join(dataDir(env), 'keys'));
}

/** `<SERVICE>_PORT`, or PORT for the gateway, else the default port. */
export function servicePort(service: ServiceName, env: Env = process.env): number {
  const raw = env[envName(service, 'PORT')] ?? (service === 'gateway' ? env.PORT : undefined);
  if (raw === undefined) {
    return DEFAULT_PORTS[service];
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${envName(service, 'PORT')} must be a port number, got "${raw}"`);
  }
  return port;
}

/** `<SUBGRAPH>_URL`: where the gateway and the cohort service reach a subgraph. */
export function subgraphUrl(service: SubgraphName, env: Env = process.env): string {
  return env[envName(service, 'URL')] ?? `http://127.0.0.1:${servicePort(service, env)}/graphql`;
}

/**
 * Where a service keeps its data: `<SERVICE>_DATABASE_URL`, else DATABASE_URL (each service
 * then in its own schema), else an embedded PGlite database under DATA_DIR.
 */
export type DatabaseConfig =
  { kind: 'postgres'; url: string; schema: string } | { kind: 'pglite'; dir: string | null };

export function databaseConfig(service: SubgraphName, env: Env = process.env): DatabaseConfig {
  const own = env[envName(service, 'DATABASE_URL')];
  if (own) {
    return { kind: 'postgres', url: own, schema: 'public' };
  }
  if (env.DATABASE_URL) {
    const prefix = env.DATABASE_SCHEMA_PREFIX ?? '';
    return { kind: 'postgres', url: env.DATABASE_URL, schema: `${prefix}${service}` };
  }
  return { kind: 'pglite', dir: path.join(dataDir(env), 'db', service) };
}

/** SUBGRAPH_TIMEOUT_MS (default 10 000 ms): the longest the gateway waits for one subgraph. */
export function subgraphTimeoutMs(env: Env = process.env): number {
  return positiveInt(env.SUBGRAPH_TIMEOUT_MS, 10_000, 'SUBGRAPH_TIMEOUT_MS');
}

export function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}
