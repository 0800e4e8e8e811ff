import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startStack } from '../cli/stack';
import { type DatabaseConfig, type SubgraphName } from '../common/config';
import { createLogger } from '../common/logger';
import { seedPopulation } from '../seed/load';
import { elapsedMs, report } from './stats';

export const summary =
  'extract manifest: NDJSON rows/s and GraphQL paging rows/s, with peak memory while streaming';

/** Goals of issue #7, used as the baselines the figures are compared with. */
const NDJSON_GOAL = 100_000;
const GRAPHQL_GOAL = 20_000;

/** Chest CT: at 100,000 subjects its studies hold a few hundred thousand images. */
const COHORT = { imaging: { modality: 'CT', bodyPart: 'CHEST' } };

const MANIFEST = `query ($id: ID!, $after: String) { extractRequest(id: $id) {
  manifest(first: 5000, after: $after) { pageInfo { hasNextPage endCursor }
  edges { cursor node { releaseId studyUid seriesUid instanceUid modality bodyPart studyDate
  seriesNumber instanceNumber storageRef } } } } }`;

interface Memory {
  rssMb: number;
  heapMb: number;
}

/** Samples this process's memory every 50 ms until stopped; answers the peaks. */
function memoryPeaks(): { stop: () => Memory } {
  const peak = { rss: 0, heap: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heap = Math.max(peak.heap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { rssMb: peak.rss / 2 ** 20, heapMb: peak.heap / 2 ** 20 };
    },
  };
}

/**
 * `npm run bench -- extract [--subjects 100000] [--rows 300000]`: seeds a population, saves
 * the chest CT cohort for demo-lung, requests and approves its extract (timing the freeze),
 * then reads `--rows` manifest rows three ways: straight from the imaging database (the
 * baseline of what reading costs), streamed as NDJSON through the gateway, and paged through
 * GraphQL 5,000 at a time. Memory is sampled while each runs; the gateway and every subgraph
 * share this process, so a peak bounds each of them. Reading a tenth of the rows first shows
 * whether memory grows with the size of the download.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      subjects: { type: 'string', default: '100000' },
      rows: { type: 'string', default: '300000' },
      'graphql-rows': { type: 'string', default: '100000' },
    },
  });
  const subjects = Number(values.subjects);
  const rows = Number(values.rows);
  const graphqlRows = Number(values['graphql-rows']);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-bench-extract-'));
  const prefix = `benche${randomBytes(3).toString('hex')}_`;
  const database = (service: SubgraphName): DatabaseConfig =>
    process.env.DATABASE_URL
      ? { kind: 'postgres', url: process.env.DATABASE_URL, schema: `${prefix}${service}` }
      : { kind: 'pglite', dir: path.join(root, service) };
  console.log(
    `database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; subjects: ${subjects}; rows: ${rows}`,
  );

  const stack = await startStack({
    logger: createLogger('bench', 'silent'),
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

    const analyst = await stack.issuer.mint({ role: 'analyst', project: 'demo-lung', ttl: '2h' });
    const staff = await stack.issuer.mint({ role: 'governance', subject: 'bench-approver' });
    const graphql = async <T>(token: string, query: string, variables: unknown): Promise<T> => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors || !body.data) {
        throw new Error(body.errors?.[0]?.message ?? 'no data');
      }
      return body.data;
    };

    const saved = await graphql<{ saveCohort: { id: string } }>(
      analyst,
      'mutation ($c: CohortCriterion!) { saveCohort(name: "chest CT", criteria: $c) { id } }',
      { c: COHORT },
    );
    const freezing = process.hrtime.bigint();
    const { requestExtract: request } = await graphql<{
      requestExtract: { id: string; instanceCount: number; subjectCount: number };
    }>(
      analyst,
      'mutation ($id: ID!) { requestExtract(cohortId: $id, imaging: { modality: CT, bodyPart: "CHEST" }) { id instanceCount subjectCount } }',
      { id: saved.saveCohort.id },
    );
    const freezeSeconds = elapsedMs(freezing) / 1000;
    report(
      `requestExtract froze ${request.instanceCount} images of ${request.subjectCount} subjects`,
      freezeSeconds,
      's',
    );
    await graphql(staff, 'mutation ($id: ID!) { approveExtract(id: $id) { status } }', {
      id: request.id,
    });
    if (request.instanceCount < rows) {
      console.log(`(the extract has ${request.instanceCount} images: reading all of them)`);
    }
    const wanted = Math.min(rows, request.instanceCount);

    // Baseline: the same rows read from the imaging database, in pages of 5,000.
    const imaging = stack.services.imaging.db;
    let started = process.hrtime.bigint();
    for (let after = 0; after < wanted; after += 5000) {
      await imaging.query(
        `SELECT x.seq, st.linkage_key, st.id, se.id, i.id, st.modality, st.body_part,
                st.study_date, se.series_number, i.instance_number
         FROM extract_item x JOIN instance i ON i.id = x.instance_id
         JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id
         WHERE x.extract_id = $1 AND x.seq > $2 AND x.seq <= $2 + 5000 ORDER BY x.seq`,
        [request.id, after],
      );
    }
    const sqlRate = wanted / (elapsedMs(started) / 1000);
    report('database read (baseline)', sqlRate, 'rows/s');

    const stream = async (limit: number) => {
      const memory = memoryPeaks();
      const begun = process.hrtime.bigint();
      const response = await fetch(
        `${stack.gatewayUrl.replace(/\/graphql$/, '')}/extracts/${request.id}/manifest.ndjson`,
        { headers: { authorization: `Bearer ${analyst}` } },
      );
      if (!response.ok || !response.body) {
        throw new Error(`manifest.ndjson answered ${response.status}`);
      }
      let lines = 0;
      const reader = response.body.getReader();
      while (lines < limit) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) {
          lines += 1;
        }
      }
      await reader.cancel();
      const seconds = elapsedMs(begun) / 1000;
      return { rate: Math.min(lines, limit) / seconds, memory: memory.stop() };
    };
    const small = await stream(Math.ceil(wanted / 10));
    const full = await stream(wanted);
    report('NDJSON stream', full.rate, 'rows/s', { name: 'goal', value: NDJSON_GOAL });
    report('NDJSON stream', full.rate, 'rows/s', { name: 'database read', value: sqlRate });
    report('peak RSS, tenth of the rows', small.memory.rssMb, 'MB');
    report('peak RSS, all rows', full.memory.rssMb, 'MB', {
      name: 'tenth',
      value: small.memory.rssMb,
    });
    report('peak heap, all rows', full.memory.heapMb, 'MB', {
      name: 'tenth',
      value: small.memory.heapMb,
    });

    const pagedTarget = Math.min(graphqlRows, wanted);
    const memory = memoryPeaks();
    started = process.hrtime.bigint();
    let paged = 0;
    let after: string | null = null;
    while (paged < pagedTarget) {
      const data: {
        extractRequest: {
          manifest: {
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            edges: unknown[];
          };
        };
      } = await graphql(analyst, MANIFEST, { id: request.id, after });
      paged += data.extractRequest.manifest.edges.length;
      if (!data.extractRequest.manifest.pageInfo.hasNextPage) {
        break;
      }
      after = data.extractRequest.manifest.pageInfo.endCursor;
    }
    const pagedRate = paged / (elapsedMs(started) / 1000);
    report(`GraphQL paging (${paged} rows, 5,000 a page)`, pagedRate, 'rows/s', {
      name: 'goal',
      value: GRAPHQL_GOAL,
    });
    report('peak RSS while paging', memory.stop().rssMb, 'MB');
  } finally {
    await stack.stop();
    await fs.rm(root, { recursive: true, force: true });
  }
}
