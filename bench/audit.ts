import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type AuditEntry, canonicalJson } from '../common/audit-entry';
import { type DatabaseConfig, type SubgraphName, SUBGRAPHS } from '../common/config';
import { migrate, openDatabase } from '../common/db/data-source';
import { ensureKeys, loadPublicJwk } from '../common/keys';
import { createLogger } from '../common/logger';
import { governanceMigrations } from '../migrations/governance';
import { type Stack, startStack } from '../cli/stack';
import { chainHash, GENESIS, verifyChain } from '../subgraphs/governance/audit-chain';
import { elapsedMs, percentile, report } from './stats';

export const summary = 'gateway latency with the audit log on vs off; verifying 1,000,000 entries';

const PORTS = { gateway: 0, imaging: 0, genomics: 0, ehr: 0, cohort: 0, governance: 0 };

function databases(root: string): (service: SubgraphName) => DatabaseConfig {
  const prefix = `bench${randomBytes(3).toString('hex')}_`;
  return (service) =>
    process.env.DATABASE_URL
      ? { kind: 'postgres', url: process.env.DATABASE_URL, schema: `${prefix}${service}` }
      : { kind: 'pglite', dir: path.join(root, service) };
}

/** Latencies of `requests` sequential `me` queries (after a warm-up), in ms. */
async function latencies(stack: Stack, requests: number): Promise<number[]> {
  const token = await stack.issuer.mint({ role: 'analyst', project: 'demo-lung', ttl: '1h' });
  const send = () =>
    fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query":"{ me { role project grants { dataset level } } }"}',
    }).then((response) => response.text());
  for (let i = 0; i < 50; i += 1) {
    await send();
  }
  const samples: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const started = process.hrtime.bigint();
    await send();
    samples.push(elapsedMs(started));
  }
  return samples;
}

async function latencyRatio(requests: number): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-bench-audit-'));
  const logger = createLogger('bench', 'silent');
  const database = databases(root);
  const common = {
    logger,
    ports: PORTS,
    keysDir: path.join(root, 'keys'),
    database,
    rateLimit: { perSecond: 1e6, burst: 1e6 },
  };
  try {
    // Two stacks on the same databases, one after the other: only the audit differs.
    const off = await startStack({ ...common, withoutAuditForBenchmark: true });
    const without = await latencies(off, requests);
    await off.stop();
    const on = await startStack(common);
    const withAudit = await latencies(on, requests);
    await on.stop();
    const baseP50 = percentile(without, 50);
    const baseP95 = percentile(without, 95);
    report('audit off p50', baseP50, 'ms');
    report('audit off p95', baseP95, 'ms');
    report('audit on p50', percentile(withAudit, 50), 'ms', { name: 'audit off', value: baseP50 });
    report('audit on p95', percentile(withAudit, 95), 'ms', { name: 'audit off', value: baseP95 });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** Fills a fresh governance database with a valid chain of `count` entries, then verifies it. */
async function verification(count: number): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-bench-chain-'));
  const config = databases(root)('governance');
  const db = await openDatabase(config, { entities: [], migrations: governanceMigrations });
  try {
    await migrate(db);
    const started = process.hrtime.bigint();
    let prev = GENESIS;
    const batch = 10_000;
    for (let from = 1; from <= count; from += batch) {
      const seqs: number[] = [];
      const texts: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (let seq = from; seq < Math.min(from + batch, count + 1); seq += 1) {
        const entry: Partial<AuditEntry> = {
          at: new Date(1_780_000_000_000 + seq * 1000).toISOString(),
          caller: `analyst-${seq % 50}`,
          operationName: 'CohortCount',
          outcome: 'OK',
          coordinates: ['Query.cohortCount', 'CohortCount.display'],
          releasedCounts: ['1,230'],
        };
        const text = canonicalJson(entry);
        const hash = chainHash(prev, seq, text);
        seqs.push(seq);
        texts.push(text);
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await db.query(
        `INSERT INTO audit_log (seq, at, outcome, entry, prev_hash, hash)
         SELECT s, now(), 'OK', e, p, h FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(s, e, p, h)`,
        [seqs, texts, prevs, hashes],
      );
    }
    report('chain written', elapsedMs(started) / 1000, 's');
    const keysDir = path.join(root, 'keys');
    await ensureKeys(keysDir);
    const verified = await verifyChain(db, await loadPublicJwk(keysDir, 'governance'));
    if (!verified.ok || verified.entries !== count) {
      throw new Error(`verification did not hold: ${verified.reason ?? ''}`);
    }
    report(`verify ${count} entries`, verified.durationMs / 1000, 's');
    report('verify rate', count / (verified.durationMs / 1000), 'entries/s');
  } finally {
    await db.destroy();
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** `npm run bench -- audit [--requests N] [--entries N]`. */
export async function run(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? Number(args[index + 1]) : fallback;
  };
  console.log(
    `database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; services: ${SUBGRAPHS.length}`,
  );
  await latencyRatio(option('requests', 500));
  await verification(option('entries', 1_000_000));
}
