import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

import type { DataSource } from 'typeorm';

import { type ServiceName, type SubgraphName, SUBGRAPHS } from '../common/config';
import { migrate, openDatabase } from '../common/db/data-source';
import { ensureKeys } from '../common/keys';
import { projectRoot } from '../common/paths';
import { DevIssuer } from '../gateway/dev-issuer';
import { MIGRATIONS } from '../migrations';
import { seedPopulation } from '../seed/load';
import { seedGovernanceDemo } from '../subgraphs/governance/demo';
import { DatasetGrantEntity, ProjectEntity } from '../subgraphs/governance/project.entity';
import { benchDatabases, elapsedMs, report } from './stats';

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

/** Peak resident memory of each watched process while a phase runs, sampled every 50 ms. */
function memoryPeaks(pids: Record<string, number>): { stop: () => Record<string, number> } {
  const peak: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      peak[name] = Math.max(peak[name], residentMb(pid));
    }
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** A process's resident set (VmRSS), in MB. */
function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * Starts every service as its own process (`node dist/<service>/main.js`), as a deployment
 * runs them, and waits until each answers /health.
 */
async function startProcesses(
  env: NodeJS.ProcessEnv,
  ports: Record<ServiceName, number>,
): Promise<{ pids: Record<ServiceName, number>; stop: () => Promise<void> }> {
  const children = new Map<ServiceName, ChildProcess>();
  for (const name of [...SUBGRAPHS, 'gateway'] as ServiceName[]) {
    const entry = name === 'gateway' ? 'gateway/main.js' : `subgraphs/${name}/main.js`;
    const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', entry)], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(name, child);
  }
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) {
              done();
              return;
            }
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (const [name, port] of Object.entries(ports)) {
      for (let waited = 0; ; waited += 200) {
        if (children.get(name as ServiceName)?.exitCode !== null) {
          throw new Error(`${name} exited while starting`);
        }
        const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
          (response) => response.ok,
          () => false,
        );
        if (healthy) {
          break;
        }
        if (waited > 120_000) {
          throw new Error(`${name} did not start within 2 minutes`);
        }
        await new Promise((done) => setTimeout(done, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const pids = Object.fromEntries(
    [...children].map(([name, child]) => [name, child.pid as number]),
  ) as Record<ServiceName, number>;
  return { pids, stop };
}

/**
 * `npm run bench -- extract [--subjects 100000] [--rows 300000]`: seeds a population, starts
 * every service as its own process (as deployed), saves the chest CT cohort for demo-lung,
 * requests and approves its extract (timing the freeze), then reads `--rows` manifest rows
 * three ways: straight from the imaging database (the baseline of what reading costs),
 * streamed as NDJSON through the gateway, and paged through GraphQL 5,000 at a time. The
 * gateway's and the imaging subgraph's resident memory is sampled while each runs; reading
 * half the rows first shows whether memory grows with the size of the download.
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
  const keysDir = path.join(root, 'keys');
  const { prefix, kind, database, drop } = benchDatabases(root, 'e');
  console.log(`database: ${kind}; subjects: ${subjects}; rows: ${rows}`);

  // Seeded before the services start: an embedded database has one owner at a time.
  await ensureKeys(keysDir);
  const seeding = process.hrtime.bigint();
  const dbs = {} as Record<SubgraphName, DataSource>;
  try {
    for (const name of SUBGRAPHS) {
      dbs[name] = await openDatabase(database(name), {
        // The demo projects are written through the governance entities.
        entities: name === 'governance' ? [ProjectEntity, DatasetGrantEntity] : [],
        migrations: MIGRATIONS[name],
      });
      await migrate(dbs[name]);
    }
    await seedGovernanceDemo(dbs.governance);
    await seedPopulation({
      subjects,
      databases: { ehr: dbs.ehr, imaging: dbs.imaging, genomics: dbs.genomics },
    });
  } finally {
    for (const db of Object.values(dbs)) {
      await db.destroy();
    }
  }
  report(`seeded ${subjects} subjects`, elapsedMs(seeding) / 1000, 's');

  const ports = {} as Record<ServiceName, number>;
  for (const name of [...SUBGRAPHS, 'gateway'] as ServiceName[]) {
    ports[name] = await freePort();
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APOLLO_TELEMETRY_DISABLED: 'true',
    LOG_LEVEL: 'warn',
    DATA_DIR: root,
    KEYS_DIR: keysDir,
    PORT: String(ports.gateway),
    ...(process.env.DATABASE_URL ? { DATABASE_SCHEMA_PREFIX: prefix } : {}),
    ...Object.fromEntries(
      SUBGRAPHS.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])]),
    ),
  };
  const services = await startProcesses(env, ports);
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
  const watched = { gateway: services.pids.gateway, imaging: services.pids.imaging };
  const imaging = process.env.DATABASE_URL
    ? await openDatabase(database('imaging'), { entities: [], migrations: [] })
    : null;
  const issuer = await DevIssuer.load(keysDir);
  try {
    const analyst = await issuer.mint({ role: 'analyst', project: 'demo-lung', ttl: '2h' });
    const staff = await issuer.mint({ role: 'governance', subject: 'bench-approver' });
    const graphql = async <T>(token: string, query: string, variables: unknown): Promise<T> => {
      const response = await fetch(gatewayUrl, {
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

    // Baseline: the same rows read from the imaging database, in pages of 5,000 (PGlite has
    // one owner, the imaging process: there the baseline is left out).
    let started = process.hrtime.bigint();
    for (let after = 0; imaging && after < wanted; after += 5000) {
      await imaging.query(
        `SELECT x.seq, st.linkage_key, st.id, se.id, i.id, st.modality, st.body_part,
                st.study_date, se.series_number, i.instance_number
         FROM extract_item x JOIN instance i ON i.id = x.instance_id
         JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id
         WHERE x.extract_id = $1 AND x.seq > $2 AND x.seq <= $2 + 5000 ORDER BY x.seq`,
        [request.id, after],
      );
    }
    const sqlRate = imaging ? wanted / (elapsedMs(started) / 1000) : Number.NaN;
    if (imaging) {
      report('database read (baseline)', sqlRate, 'rows/s');
    }

    const stream = async (limit: number) => {
      const memory = memoryPeaks(watched);
      const begun = process.hrtime.bigint();
      const response = await fetch(
        `${gatewayUrl.replace(/\/graphql$/, '')}/extracts/${request.id}/manifest.ndjson`,
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
    // Half first (which also warms the processes up), then all: memory that grew with the
    // size of the download would nearly double.
    const small = await stream(Math.ceil(wanted / 2));
    const full = await stream(wanted);
    report('NDJSON stream', full.rate, 'rows/s', { name: 'goal', value: NDJSON_GOAL });
    if (imaging) {
      report('NDJSON stream', full.rate, 'rows/s', { name: 'database read', value: sqlRate });
    }
    for (const name of Object.keys(watched)) {
      report(`${name} peak RSS, half the rows`, small.memory[name], 'MB');
      report(`${name} peak RSS, all rows`, full.memory[name], 'MB', {
        name: 'half',
        value: small.memory[name],
      });
    }

    const pagedTarget = Math.min(graphqlRows, wanted);
    const memory = memoryPeaks(watched);
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
    const pagingPeaks = memory.stop();
    for (const name of Object.keys(watched)) {
      report(`${name} peak RSS while paging`, pagingPeaks[name], 'MB');
    }
  } finally {
    await imaging?.destroy();
    await services.stop();
    await fs.rm(root, { recursive: true, force: true });
    await drop();
  }
}
