import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { Client } from 'pg';

import { type DatabaseConfig, type Dataset, DATASETS, type SubgraphName } from '../common/config';
import { parseCriterion } from '../common/criteria';
import { quoteIdent } from '../common/db/data-source';
import { type InternalIdentity, InternalTokenSigner } from '../common/internal-token';
import { loadSigningKey } from '../common/keys';
import { createLogger } from '../common/logger';
import { type Stack, startStack } from '../cli/stack';
import { seedPopulation } from '../seed/load';
import { disclosureSettingsFromEnv } from '../subgraphs/cohort/disclosure-control';
import { selectKeys } from '../subgraphs/cohort/select-keys';
import { SiteClient } from '../subgraphs/cohort/site-client';
import { EXEMPLARS } from './cohort';
import { elapsedMs, percentile, report } from './stats';

export const summary =
  'exemplar counts through the gateway against one SQL query over one PostgreSQL database';

/** The tables the cohort language reads, copied into the single database. */
const SINGLE_TABLES: Record<Dataset, string[]> = {
  ehr: ['person', 'diagnosis', 'prescription', 'lab_result'],
  imaging: ['study'],
  genomics: ['apoe', 'genotype', 'polygenic_score'],
};

/**
 * What a DBA would give the one database for these questions: each selecting column ahead
 * of the key (index-only scans of one criterion), and the key ahead of the selecting
 * columns (index-only probes for EXISTS). Changing this list rebuilds the copy.
 */
const SINGLE_INDEXES = [
  'CREATE INDEX ON diagnosis (icd10 text_pattern_ops, linkage_key)',
  'CREATE INDEX ON diagnosis (linkage_key, icd10)',
  'CREATE INDEX ON prescription (bnf_code text_pattern_ops, linkage_key)',
  'CREATE INDEX ON prescription (linkage_key, bnf_code)',
  'CREATE INDEX ON lab_result (test_code, value, linkage_key)',
  'CREATE INDEX ON study (modality, body_part, linkage_key)',
  'CREATE INDEX ON study (linkage_key, modality, body_part)',
  'CREATE INDEX ON apoe (e4_copies, linkage_key)',
  'CREATE UNIQUE INDEX ON person (linkage_key)',
  'CREATE INDEX ON genotype (rs_id, alt_alleles, linkage_key)',
  'CREATE INDEX ON polygenic_score (trait, percentile, linkage_key)',
];

const CT_CHEST = `SELECT linkage_key FROM study WHERE modality = 'CT' AND body_part = 'CHEST'`;
const MR_HEAD = `SELECT linkage_key FROM study WHERE modality = 'MR' AND body_part = 'HEAD'`;
const has = (table: string, condition: string) =>
  `EXISTS (SELECT 1 FROM ${table} x WHERE x.linkage_key = p.linkage_key AND ${condition})`;

/**
 * The exemplars as a DBA would ask the one database, in two natural forms: a set
 * intersection of the keys each criterion selects, and people for whom each criterion
 * EXISTS. The faster of the two per exemplar is the baseline, to be fair to the monolith.
 */
const SINGLE_SQL: Record<string, { intersect: string; exists: string }> = {
  lung: {
    intersect: `SELECT count(*)::int AS n FROM (
      SELECT linkage_key FROM diagnosis WHERE icd10 LIKE 'C34%'
      INTERSECT ${CT_CHEST}) s`,
    exists: `SELECT count(*)::int AS n
      FROM (SELECT DISTINCT linkage_key FROM diagnosis WHERE icd10 LIKE 'C34%') p
      WHERE ${has('study', `x.modality = 'CT' AND x.body_part = 'CHEST'`)}`,
  },
  heart: {
    intersect: `SELECT count(*)::int AS n FROM (
      SELECT linkage_key FROM diagnosis WHERE icd10 LIKE 'I20%' OR icd10 LIKE 'I25%'
      INTERSECT ${CT_CHEST}) s`,
    exists: `SELECT count(*)::int AS n
      FROM (SELECT DISTINCT linkage_key FROM diagnosis
            WHERE icd10 LIKE 'I20%' OR icd10 LIKE 'I25%') p
      WHERE ${has('study', `x.modality = 'CT' AND x.body_part = 'CHEST'`)}`,
  },
  dementia: {
    intersect: `SELECT count(*)::int AS n FROM (
      SELECT linkage_key FROM diagnosis WHERE icd10 LIKE 'E11%'
      INTERSECT ${MR_HEAD}
      INTERSECT SELECT linkage_key FROM apoe WHERE e4_copies >= 1) s`,
    exists: `SELECT count(*)::int AS n
      FROM (SELECT DISTINCT linkage_key FROM diagnosis WHERE icd10 LIKE 'E11%') p
      WHERE ${has('study', `x.modality = 'MR' AND x.body_part = 'HEAD'`)}
        AND ${has('apoe', 'x.e4_copies >= 1')}`,
  },
};

/** Milliseconds between progress lines on stderr while seeding. */
const PROGRESS_EVERY_MS = 60_000;

/** The issue's goal for a count through the gateway. */
const GOAL_P95_MS = 500;

const QUERY =
  'query ($c: CohortCriterion!) { cohortCount(criteria: $c) { value display roundedTo } }';

interface Released {
  value: number | null;
  display: string;
  roundedTo: number;
}

/**
 * `npm run bench -- counts [--subjects 1000000] [--runs 30] [--reseed]`: the exemplar counts
 * through the gateway (federation) and as one SQL query over one database holding the same
 * rows, p50/p95 of each and the ratio federated / single-database. PostgreSQL only
 * (DATABASE_URL): the single database is a schema on the same server.
 *
 * The population is seeded once into schemas `bench_counts_<subjects>_<site>` and reused
 * by later runs (a marker row records it); `--reseed` drops and seeds again. The cohort
 * and governance services get fresh schemas each run, dropped afterwards.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      subjects: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '30' },
      reseed: { type: 'boolean', default: false },
    },
  });
  const subjects = Number(values.subjects);
  const runs = Number(values.runs);
  if (!Number.isSafeInteger(subjects) || subjects < 1 || !Number.isSafeInteger(runs) || runs < 1) {
    throw new TypeError(
      `--subjects and --runs take positive whole numbers, got ${values.subjects} and ${values.runs}`,
    );
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new TypeError(
      'The counts benchmark compares with one PostgreSQL database: set DATABASE_URL',
    );
  }

  const prefix = `bench_counts_${subjects}_`;
  const ephemeral = `${prefix}run_${randomBytes(3).toString('hex')}_`;
  const admin = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pictures-graph-bench-counts-'));
  let stack: Stack | undefined;
  try {
    const markers = new Markers(admin, `${prefix}bench`);
    await markers.open();
    const seeded = !values.reseed && (await markers.has('population', String(subjects)));
    if (!seeded) {
      await markers.forget();
      for (const site of [...DATASETS, 'single']) {
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(prefix + site)} CASCADE`);
      }
    }

    const database = (service: SubgraphName): DatabaseConfig => ({
      kind: 'postgres',
      url,
      schema: (DATASETS as readonly string[]).includes(service)
        ? `${prefix}${service}`
        : `${ephemeral}${service}`,
    });
    stack = await startStack({
      logger: createLogger('bench', 'silent'),
      ports: { gateway: 0, imaging: 0, genomics: 0, ehr: 0, cohort: 0, governance: 0 },
      keysDir: path.join(root, 'keys'),
      database,
      rateLimit: { perSecond: 1e6, burst: 1e6 },
    });

    if (seeded) {
      console.log(`reusing ${subjects} subjects seeded in schemas ${prefix}<site>`);
    } else {
      const started = process.hrtime.bigint();
      let lastLine = Date.now();
      await seedPopulation({
        subjects,
        databases: {
          ehr: stack.services.ehr.db,
          imaging: stack.services.imaging.db,
          genomics: stack.services.genomics.db,
        },
        onProgress: ({ subjectsDone, phase }) => {
          if (Date.now() - lastLine >= PROGRESS_EVERY_MS) {
            lastLine = Date.now();
            console.error(`counts bench: seeding, ${subjectsDone}/${subjects} subjects, ${phase}`);
          }
        },
      });
      report(`seeded ${subjects} subjects`, elapsedMs(started) / 1000, 's');
      await markers.set('population', String(subjects));
    }
    await copySingle(admin, markers, prefix);

    await compare(stack, admin, `${prefix}single`, runs, root);
  } finally {
    await stack?.stop();
    for (const service of ['cohort', 'governance']) {
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(ephemeral + service)} CASCADE`);
    }
    await admin.end();
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** Rows in `<prefix>bench.marker` saying what a past run already built. */
class Markers {
  constructor(
    private readonly admin: Client,
    private readonly schema: string,
  ) {}

  async open(): Promise<void> {
    await this.admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
    await this.admin.query(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(this.schema)}.marker
         (what text PRIMARY KEY, detail text NOT NULL, done_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  async has(what: string, detail: string): Promise<boolean> {
    const { rows } = await this.admin.query<{ detail: string }>(
      `SELECT detail FROM ${quoteIdent(this.schema)}.marker WHERE what = $1`,
      [what],
    );
    return rows[0]?.detail === detail;
  }

  async set(what: string, detail: string): Promise<void> {
    await this.admin.query(
      `INSERT INTO ${quoteIdent(this.schema)}.marker (what, detail) VALUES ($1, $2)
       ON CONFLICT (what) DO UPDATE SET detail = $2, done_at = now()`,
      [what, detail],
    );
  }

  async forget(): Promise<void> {
    await this.admin.query(`DELETE FROM ${quoteIdent(this.schema)}.marker`);
  }
}

/**
 * Copies the sites' tables into one schema, indexes them for the exemplar queries and
 * analyses them; skipped when a past run built the same copy with the same indexes.
 */
async function copySingle(admin: Client, markers: Markers, prefix: string): Promise<void> {
  const single = quoteIdent(`${prefix}single`);
  const ddl = createHash('sha256').update(SINGLE_INDEXES.join('\n')).digest('hex').slice(0, 16);
  if (await markers.has('single', ddl)) {
    console.log(`reusing the single-database copy in schema ${prefix}single`);
    return;
  }
  const started = process.hrtime.bigint();
  await admin.query(`DROP SCHEMA IF EXISTS ${single} CASCADE`);
  await admin.query(`CREATE SCHEMA ${single}`);
  for (const [site, tables] of Object.entries(SINGLE_TABLES)) {
    for (const table of tables) {
      await admin.query(
        `CREATE TABLE ${single}.${table} AS SELECT * FROM ${quoteIdent(prefix + site)}.${table}`,
      );
    }
  }
  const copied = elapsedMs(started);
  await admin.query(`SET search_path = ${single}`);
  for (const statement of SINGLE_INDEXES) {
    await admin.query(statement);
  }
  // Index-only scans need the visibility map that VACUUM sets; the planner needs statistics.
  for (const table of Object.values(SINGLE_TABLES).flat()) {
    await admin.query(`VACUUM (ANALYZE) ${table}`);
  }
  await admin.query('RESET search_path');
  await markers.set('single', ddl);
  report('single database: copy', copied / 1000, 's');
  report('single database: copy, index and analyse', elapsedMs(started) / 1000, 's');
}

/**
 * Checks that both ways count the same people, then times each exemplar both ways,
 * alternating, so that load from others on the machine falls on both alike.
 */
async function compare(
  stack: Stack,
  admin: Client,
  schema: string,
  runs: number,
  root: string,
): Promise<void> {
  const token = await stack.issuer.mint({ role: 'analyst', project: 'feasibility', ttl: '2h' });
  const federated = async (criteria: unknown): Promise<Released> => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { c: criteria } }),
    });
    const body = (await response.json()) as {
      data?: { cohortCount: Released };
      errors?: Array<{ message: string }>;
    };
    if (body.errors || !body.data) {
      throw new Error(`the gateway answered: ${body.errors?.[0]?.message ?? 'no data'}`);
    }
    return body.data.cohortCount;
  };
  await admin.query(`SET search_path = ${quoteIdent(schema)}`);
  const single = async (sql: string): Promise<number> => {
    const { rows } = await admin.query<{ n: number }>(sql);
    return rows[0].n;
  };
  const trueCounts = await federationTrueCounts(stack, root);

  const ratios: number[] = [];
  let slowest = 0;
  for (const [name, criteria] of Object.entries(EXEMPLARS)) {
    const forms = SINGLE_SQL[name];
    const released = await federated(criteria);
    const counts = { intersect: await single(forms.intersect), exists: await single(forms.exists) };
    check(name, trueCounts[name], counts, released);

    const samples = {
      federated: [] as number[],
      intersect: [] as number[],
      exists: [] as number[],
    };
    for (let i = 0; i < runs; i += 1) {
      let started = process.hrtime.bigint();
      await federated(criteria);
      samples.federated.push(elapsedMs(started));
      started = process.hrtime.bigint();
      await single(forms.intersect);
      samples.intersect.push(elapsedMs(started));
      started = process.hrtime.bigint();
      await single(forms.exists);
      samples.exists.push(elapsedMs(started));
    }

    const fastest = (['intersect', 'exists'] as const).reduce((best, form) =>
      percentile(samples[form], 50) < percentile(samples[best], 50) ? form : best,
    );
    const base = { name: `single ${fastest}`, value: percentile(samples[fastest], 50) };
    console.log(`${name}: both ways count the same people (released as ${released.display})`);
    report(`${name} single-database INTERSECT p50`, percentile(samples.intersect, 50), 'ms');
    report(`${name} single-database INTERSECT p95`, percentile(samples.intersect, 95), 'ms');
    report(`${name} single-database EXISTS p50`, percentile(samples.exists, 50), 'ms');
    report(`${name} single-database EXISTS p95`, percentile(samples.exists, 95), 'ms');
    report(`${name} federated p50`, percentile(samples.federated, 50), 'ms', base);
    report(`${name} federated p95`, percentile(samples.federated, 95), 'ms', {
      name: `single ${fastest} p95`,
      value: percentile(samples[fastest], 95),
    });
    ratios.push(percentile(samples.federated, 50) / base.value);
    slowest = Math.max(slowest, percentile(samples.federated, 95));
  }
  await admin.query('RESET search_path');
  const worst = Math.max(...ratios);
  console.log(`ratio federated / single-database, p50, worst exemplar: ${worst.toFixed(2)}`);
  console.log(
    `goals: ratio <= 1.0 ${worst <= 1 ? 'met' : 'not met'}; ` +
      `p95 through the gateway < ${GOAL_P95_MS} ms ${slowest < GOAL_P95_MS ? 'met' : 'not met'}`,
  );
}

/**
 * The federation's true counts, before disclosure control: the sites' matchers asked with
 * the cohort service's own identity and the sets combined as the cohort service does.
 */
async function federationTrueCounts(stack: Stack, root: string): Promise<Record<string, number>> {
  const signer = new InternalTokenSigner(
    'cohort',
    await loadSigningKey(path.join(root, 'keys'), 'cohort'),
  );
  const urls = Object.fromEntries(DATASETS.map((site) => [site, stack.subgraphUrls[site]]));
  const sites = new SiteClient(urls as Record<Dataset, string>, signer, 60_000);
  const identity: InternalIdentity = {
    issuer: 'cohort',
    scope: 'matcher',
    subject: 'cohort',
    role: null,
    project: null,
    grants: [],
    requestId: null,
  };
  const counts: Record<string, number> = {};
  for (const [name, criteria] of Object.entries(EXEMPLARS)) {
    counts[name] = (await selectKeys(parseCriterion(criteria), { sites, identity })).keys.length;
  }
  return counts;
}

/** Both ways must count the same people; the released count within its rounding of them. */
function check(
  name: string,
  trueCount: number,
  single: Record<string, number>,
  released: Released,
): void {
  for (const [form, count] of Object.entries(single)) {
    if (count !== trueCount) {
      throw new Error(
        `${name}: the single database's ${form} query counts ${count}, the federation ${trueCount}`,
      );
    }
  }
  // Noise, when on, moves a count by a few people before rounding.
  const { noise, noiseMax } = disclosureSettingsFromEnv();
  const slack = released.roundedTo / 2 + (noise ? noiseMax : 0);
  if (released.value !== null && Math.abs(released.value - trueCount) > slack) {
    throw new Error(`${name}: released ${released.value}, more than rounding from the true count`);
  }
}
