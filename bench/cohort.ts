import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { createLogger } from '../common/logger';
import { startStack } from '../cli/stack';
import { seedPopulation } from '../seed/load';
import { benchDatabases, elapsedMs, percentile, report } from './stats';

export const summary =
  'cohortCount latency (p50/p95) for the exemplar criteria, through the gateway';

/** The exemplar definitions of DESIGN.md, as an analyst of `feasibility` would send them. */
export const EXEMPLARS: Record<string, unknown> = {
  lung: {
    all: [{ diagnosis: { codePrefix: 'C34' } }, { imaging: { modality: 'CT', bodyPart: 'CHEST' } }],
  },
  heart: {
    all: [
      { any: [{ diagnosis: { codePrefix: 'I20' } }, { diagnosis: { codePrefix: 'I25' } }] },
      { imaging: { modality: 'CT', bodyPart: 'CHEST' } },
    ],
  },
  dementia: {
    all: [
      { diagnosis: { codePrefix: 'E11' } },
      { imaging: { modality: 'MR', bodyPart: 'HEAD' } },
      { apoe: { minE4Copies: 1 } },
    ],
  },
};

const QUERY = 'query ($c: CohortCriterion!) { cohortCount(criteria: $c) { display } }';

/**
 * `npm run bench -- cohort [--subjects 100000] [--runs 30]`: seeds a population into fresh
 * databases (PGlite under a temp dir, or new schemas when DATABASE_URL is set), starts the
 * federation on them and times each exemplar count. The baseline is the same request to
 * `me`, which touches one subgraph and no matcher: the ratio is what matching costs.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      subjects: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '30' },
    },
  });
  const subjects = Number(values.subjects);
  const runs = Number(values.runs);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-bench-cohort-'));
  const { database, drop } = benchDatabases(root, 'c');
  const logger = createLogger('bench', 'silent');
  console.log(
    `database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; subjects: ${subjects}`,
  );

  const stack = await startStack({
    logger,
    ports: { gateway: 0, imaging: 0, genomics: 0, ehr: 0, cohort: 0, governance: 0 },
    keysDir: path.join(root, 'keys'),
    database,
    rateLimit: { perSecond: 1e6, burst: 1e6 },
  });
  try {
    const seeding = process.hrtime.bigint();
    await seedPopulation({
      subjects,
      databases: {
        ehr: stack.services.ehr.db,
        imaging: stack.services.imaging.db,
        genomics: stack.services.genomics.db,
      },
    });
    report(`seeded ${subjects} subjects`, elapsedMs(seeding) / 1000, 's');

    const token = await stack.issuer.mint({ role: 'analyst', project: 'feasibility', ttl: '2h' });
    const send = async (query: string, variables?: unknown) => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { errors?: Array<{ message: string }> };
      if (body.errors) {
        throw new Error(body.errors[0].message);
      }
    };
    const time = async (query: string, variables?: unknown) => {
      await send(query, variables);
      const samples: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const started = process.hrtime.bigint();
        await send(query, variables);
        samples.push(elapsedMs(started));
      }
      return samples;
    };

    const baseline = await time('{ me { role } }');
    report('me (baseline) p50', percentile(baseline, 50), 'ms');
    const base = { name: 'me', value: percentile(baseline, 50) };
    for (const [name, criteria] of Object.entries(EXEMPLARS)) {
      const samples = await time(QUERY, { c: criteria });
      report(`${name} p50`, percentile(samples, 50), 'ms', base);
      report(`${name} p95`, percentile(samples, 95), 'ms', base);
    }
  } finally {
    await stack.stop();
    await fs.rm(root, { recursive: true, force: true });
    await drop();
  }
}
