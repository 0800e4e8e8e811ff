// Also the child process's entry point: bootstrap before any Apollo module loads.
import '../common/bootstrap';

import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import autocannon from 'autocannon';

import { createLogger } from '../common/logger';
import { startStack } from '../cli/stack';
import { DevIssuer } from '../gateway/dev-issuer';
import { SAFELIST_FILE } from '../gateway/embed/safelist';
import { seedPopulation } from '../seed/load';
import { benchDatabases, report } from './stats';

export const summary =
  'embedded counts under autocannon (50 connections): cache hits vs misses, req/s and p99';

/** The page origin the benchmark's embed token is issued for. */
const ORIGIN = 'https://portal.bench';

/** What the child process running the federation tells the parent. */
interface Ready {
  gatewayUrl: string;
  token: string;
  /** Where the dev issuer's key is, for the parent to mint one token per miss. */
  keysDir: string;
}

/**
 * `npm run bench -- embed [--connections 50] [--duration 10] [--misses 1000] [--subjects 2000]`:
 * starts the federation in a child process (so that the load generator does not share its
 * event loop) on fresh databases with a seeded population, then drives the safelisted
 * EmbedCohortCount with autocannon: the same criteria for `duration` seconds (cache hits,
 * still audited), then `misses` requests each from a new subject with a new definition
 * (Apollo, the cohort service, the matchers and the ledger). The per-app and per-caller
 * rate limits and the query budget are lifted for the run.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      subjects: { type: 'string', default: '2000' },
      misses: { type: 'string', default: '1000' },
    },
  });
  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const child = fork(__filename, [values.subjects], {
    env: {
      ...process.env,
      BENCH_EMBED_CHILD: '1',
      EMBED_RATE_PER_SECOND: '1000000000',
      EMBED_RATE_BURST: '1000000000',
      QUERY_BUDGET_PER_DAY: '1000000000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { gatewayUrl, token, keysDir } = await ready(child);
    const issuer = await DevIssuer.load(keysDir);
    const tokens = await Promise.all(
      Array.from({ length: Number(values.misses) }, (_, i) =>
        issuer.mint({
          role: 'embed',
          project: 'feasibility',
          subject: `bench-miss-${i}`,
          origins: [ORIGIN],
          ttl: '1h',
        }),
      ),
    );
    let next = 0;
    const sha256Hash = await countHash();
    const body = (criteria: unknown) =>
      JSON.stringify({
        operationName: 'EmbedCohortCount',
        variables: { criteria },
        extensions: { persistedQuery: { version: 1, sha256Hash } },
      });
    const common = {
      url: gatewayUrl,
      connections,
      method: 'POST' as const,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        origin: ORIGIN,
      },
    };

    // One request first, so that every request of the run is a hit.
    const lung = {
      all: [
        { diagnosis: { codePrefix: 'C34' } },
        { imaging: { modality: 'CT', bodyPart: 'CHEST' } },
      ],
    };
    await fetch(gatewayUrl, { method: 'POST', headers: common.headers, body: body(lung) });
    const hits = await autocannon({ ...common, duration, body: body(lung) });

    // Each request from a subject never seen before, with a definition never asked before:
    // one subject asking ever-closer definitions would be refused as differencing.
    const misses = await autocannon({
      ...common,
      amount: tokens.length,
      requests: [
        {
          setupRequest: (request) => {
            next += 1;
            const criteria = { lab: { code: 'HBA1C', min: 30 + next / 1000 } };
            const headers = { ...common.headers, authorization: `Bearer ${tokens[next - 1]}` };
            return { ...request, headers, body: body(criteria) };
          },
        },
      ],
    });

    const hit = figures(hits);
    const miss = figures(misses);
    console.log(
      `connections: ${connections}; hits for ${duration} s, then ${tokens.length} misses`,
    );
    report('cache hits requests/s', hit.perSecond, 'req/s');
    report('cache hits p50', hit.p50, 'ms');
    report('cache hits p99', hit.p99, 'ms');
    report('cache hits errors', hit.errors, '');
    report('cache misses requests/s', miss.perSecond, 'req/s');
    report('cache misses p50', miss.p50, 'ms');
    report('cache misses p99', miss.p99, 'ms');
    report('cache misses errors', miss.errors, '');
    report('hits over misses', hit.perSecond, 'req/s', { name: 'misses', value: miss.perSecond });
    const met = hit.perSecond >= 1000 && hit.p99 <= 50 && hit.errors === 0;
    console.log(`goal (hits ≥ 1,000 req/s, p99 ≤ 50 ms, 0 errors): ${met ? 'met' : 'not met'}`);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** Requests answered 200 per second over the run, latencies, and everything else. */
function figures(result: autocannon.Result) {
  return {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function countHash(): Promise<string> {
  const content = JSON.parse(await fs.readFile(SAFELIST_FILE, 'utf8')) as {
    operations: Array<{ name: string; sha256: string }>;
  };
  const operation = content.operations.find(({ name }) => name === 'EmbedCohortCount');
  if (!operation) {
    throw new TypeError(`${SAFELIST_FILE} has no EmbedCohortCount`);
  }
  return operation.sha256;
}

function ready(child: ChildProcess): Promise<Ready> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as Ready));
    child.once('exit', (code) => reject(new Error(`the federation stopped (exit ${code})`)));
  });
}

/** The child: the federation on fresh databases, seeded, until the parent says stop. */
async function serve(subjects: number): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-bench-embed-'));
  const databases = benchDatabases(root, 'embed');
  console.log(`database: ${databases.kind}; subjects: ${subjects}`);
  const stack = await startStack({
    logger: createLogger('bench', 'silent'),
    ports: { gateway: 0, imaging: 0, genomics: 0, ehr: 0, cohort: 0, governance: 0 },
    keysDir: path.join(root, 'keys'),
    database: databases.database,
    rateLimit: { perSecond: 1e9, burst: 1e9 },
  });
  await seedPopulation({
    subjects,
    databases: {
      ehr: stack.services.ehr.db,
      imaging: stack.services.imaging.db,
      genomics: stack.services.genomics.db,
    },
  });
  const token = await stack.issuer.mint({
    role: 'embed',
    project: 'feasibility',
    subject: 'bench-portal',
    origins: [ORIGIN],
    ttl: '1h',
  });
  process.on('message', () => {
    void stack
      .stop()
      .then(() => databases.drop())
      .then(() => fs.rm(root, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  });
  process.send?.({ gatewayUrl: stack.gatewayUrl, token, keysDir: stack.keysDir } satisfies Ready);
}

if (require.main === module && process.env.BENCH_EMBED_CHILD) {
  serve(Number(process.argv[2])).catch((error: unknown) => {
    console.error('embed benchmark server failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
