import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { Client } from 'pg';

import { type DatabaseConfig, type SubgraphName, SUBGRAPHS } from '../common/config';

/**
 * Small helpers every benchmark shares: where its databases live, timing, percentiles, one
 * printed line a figure.
 */

/**
 * A benchmark's own databases: new schemas under a random prefix when DATABASE_URL is set
 * (dropped by `drop`, since a seeded population takes gigabytes), else PGlite directories
 * under `root` (removed with it).
 */
export function benchDatabases(root: string, label: string) {
  const prefix = `bench${label}${randomBytes(3).toString('hex')}_`;
  const url = process.env.DATABASE_URL;
  return {
    prefix,
    kind: url ? 'PostgreSQL' : 'PGlite',
    database: (service: SubgraphName): DatabaseConfig =>
      url
        ? { kind: 'postgres', url, schema: `${prefix}${service}` }
        : { kind: 'pglite', dir: path.join(root, 'db', service) },
    drop: async (): Promise<void> => {
      if (!url) {
        return;
      }
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

/** The value below which `p` (0–100) percent of the samples fall (nearest rank). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) {
    return Number.NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Prints one figure as `name: value unit (ratio x baseline)`, the form every benchmark
 * uses so results can be compared across runs and pasted into notes.
 */
export function report(
  name: string,
  value: number,
  unit: string,
  baseline?: { name: string; value: number },
) {
  const shown = value >= 100 ? value.toFixed(0) : value.toFixed(2);
  const ratio = baseline ? ` (${(value / baseline.value).toFixed(2)}x ${baseline.name})` : '';
  console.log(`${name}: ${shown} ${unit}${ratio}`);
}
