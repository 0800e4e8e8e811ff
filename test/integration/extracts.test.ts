import { FIXTURE, loadAllFixtures } from '../fixtures/sites';
import { insertProject, revokeGrant, sleep } from '../helpers/projects';
import { startTestStack, type TestStack } from '../helpers/stack';
import { closedPort, startGatewayWith } from '../helpers/upstreams';

/** E11 with a brain MRI: keys 10–22 (thirteen people); their MR studies have 2 images each. */
const DIABETES_MRI = {
  all: [{ diagnosis: { codePrefix: 'E11' } }, { imaging: { modality: 'MR', bodyPart: 'HEAD' } }],
};
const MEMBERS = FIXTURE.brainMri.filter((key) => FIXTURE.diabetes.includes(key));

const SAVE =
  'mutation ($n: String!, $c: CohortCriterion!) { saveCohort(name: $n, criteria: $c) { id } }';
const REQUEST = `mutation ($c: ID!, $i: ImagingCriterion) { requestExtract(cohortId: $c, imaging: $i) {
  id status project cohortId cohortName subjectCount studyCount seriesCount instanceCount tables } }`;
const APPROVE = 'mutation ($id: ID!) { approveExtract(id: $id, note: "protocol 7") { status } }';
const MANIFEST = `query ($id: ID!, $first: Int, $after: String) { extractRequest(id: $id) {
  status manifest(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { releaseId studyUid seriesUid instanceUid modality bodyPart studyDate
  seriesNumber instanceNumber storageRef } } } } }`;

interface ManifestNode {
  releaseId: string;
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
  modality: string;
  bodyPart: string;
  studyDate: string;
  seriesNumber: number;
  instanceNumber: number;
  storageRef: string;
}

interface ManifestPage {
  extractRequest: {
    status: string;
    manifest: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ cursor: string; node: ManifestNode }>;
    };
  } | null;
}

describe('extracts: request, approval, manifest and linked tables', () => {
  let stack: TestStack;
  let dementia: string;
  let lung: string;
  let staff: string;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack({ grantsTtlMs: 300 });
    await loadAllFixtures(stack);
    await insertProject(stack, 'core-imaging', [
      { dataset: 'imaging', level: 'RECORD', maxCategory: 'core', expiresAt: null },
      { dataset: 'ehr', level: 'COUNT', maxCategory: 'core', expiresAt: null },
    ]);
    dementia = await stack.issuer.mint({
      role: 'analyst',
      project: 'demo-dementia',
      subject: 'ana',
    });
    lung = await stack.issuer.mint({ role: 'analyst', project: 'demo-lung', subject: 'lou' });
    staff = await stack.issuer.mint({ role: 'governance', subject: 'gov-1' });
    base = stack.gatewayUrl.replace(/\/graphql$/, '');
  });

  afterAll(() => stack.stop());

  const get = (token: string | null, path: string) =>
    fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function requested(token: string, name: string, imaging?: Record<string, unknown>) {
    const saved = await stack.query<{ saveCohort: { id: string } }>(token, SAVE, {
      n: name,
      c: DIABETES_MRI,
    });
    expect(saved.body.errors).toBeUndefined();
    const request = await stack.query<{
      requestExtract: Record<string, unknown> & {
        id: string;
        tables: string[];
        instanceCount: number;
      };
    }>(token, REQUEST, { c: saved.body.data!.saveCohort.id, i: imaging ?? { modality: 'MR' } });
    expect(request.body.errors).toBeUndefined();
    return {
      ...request.body.data!.requestExtract,
      cohortId: saved.body.data!.saveCohort.id,
      id: request.body.data!.requestExtract.id,
    };
  }

  async function approved(token: string, name: string) {
    const request = await requested(token, name);
    const decision = await stack.query(staff, APPROVE, { id: request.id });
    expect(decision.body.errors).toBeUndefined();
    return request;
  }

  async function wholeManifest(token: string, id: string, first: number): Promise<ManifestNode[]> {
    const nodes: ManifestNode[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { body: { data?: ManifestPage | null; errors?: unknown } } =
        await stack.query<ManifestPage>(token, MANIFEST, { id, first, after });
      expect(page.body.errors).toBeUndefined();
      const manifest = page.body.data!.extractRequest!.manifest;
      nodes.push(...manifest.edges.map((edge) => edge.node));
      if (!manifest.pageInfo.hasNextPage) {
        return nodes;
      }
      after = manifest.pageInfo.endCursor;
    }
  }

  async function ndjson(token: string, path: string) {
    const response = await get(token, path);
    expect(response.status).toBe(200);
    const text = await response.text();
    return {
      response,
      rows: text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ManifestNode & { cursor: string }),
    };
  }

  it('should freeze the request with its figures and keep it pending until approved', async () => {
    const request = await requested(dementia, 'pending');
    expect(request).toMatchObject({
      status: 'PENDING',
      project: 'demo-dementia',
      cohortName: 'pending',
      subjectCount: MEMBERS.length,
      studyCount: MEMBERS.length,
      seriesCount: MEMBERS.length,
      instanceCount: MEMBERS.length * 2,
    });
    expect(request.tables).toEqual(
      expect.arrayContaining([
        'ehr/diagnoses',
        'ehr/subjects',
        'genomics/apoe',
        'genomics/genotypes',
      ]),
    );

    const early = await stack.query<ManifestPage>(dementia, MANIFEST, { id: request.id });
    expect(early.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(early.body.errors?.[0]?.message).toMatch(/pending/);
    const download = await get(dementia, `/extracts/${request.id}/manifest.ndjson`);
    expect(download.status).toBe(403);
    expect(await download.json()).toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN' } }],
    });
    const index = await get(dementia, `/extracts/${request.id}`);
    expect(await index.json()).toMatchObject({ status: 'PENDING', files: [] });

    // The requester cannot approve their own request, even with a governance role.
    const self = await stack.issuer.mint({ role: 'governance', subject: 'ana' });
    const refused = await stack.query(self, APPROVE, { id: request.id });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should page the approved manifest through GraphQL with per-project identifiers', async () => {
    const request = await approved(dementia, 'paged');
    const nodes = await wholeManifest(dementia, request.id, 5);
    expect(nodes).toHaveLength(MEMBERS.length * 2);
    expect(new Set(nodes.map((node) => node.instanceUid)).size).toBe(nodes.length);
    expect(new Set(nodes.map((node) => node.releaseId)).size).toBe(MEMBERS.length);
    for (const node of nodes) {
      expect(node).toMatchObject({ modality: 'MR', bodyPart: 'HEAD', studyDate: '2018-09-15' });
      expect(node.studyUid).toMatch(/^2\.25\.\d+$/);
      expect(node.instanceUid).toMatch(/^2\.25\.\d+$/);
      expect(node.storageRef).toMatch(new RegExp(`^extract/${request.id}/\\d+$`));
      expect(JSON.stringify(node)).not.toMatch(/1\.2\.826|s3:/);
    }
    // Release IDs are the project's own: the cohort's subjects resolve to the same IDs.
    const subjects = await stack.query<{
      cohort: { subjects: { edges: Array<{ node: { id: string } }> } };
    }>(
      dementia,
      'query ($id: ID!) { cohort(id: $id) { subjects(first: 100) { edges { node { id } } } } }',
      {
        id: request.cohortId,
      },
    );
    expect(new Set(subjects.body.data!.cohort.subjects.edges.map((edge) => edge.node.id))).toEqual(
      new Set(nodes.map((node) => node.releaseId)),
    );
  });

  it('should stream the same manifest as NDJSON and CSV, resumable from any cursor', async () => {
    const request = await approved(dementia, 'streamed');
    const paged = await wholeManifest(dementia, request.id, 1000);
    const { response, rows } = await ndjson(dementia, `/extracts/${request.id}/manifest.ndjson`);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(response.headers.get('x-total-rows')).toBe(String(paged.length));
    expect(rows.map(({ cursor: _cursor, ...node }) => node)).toEqual(paged);

    const resumed = await ndjson(
      dementia,
      `/extracts/${request.id}/manifest.ndjson?after=${encodeURIComponent(rows[9].cursor)}`,
    );
    expect(resumed.rows).toEqual(rows.slice(10));
    expect(resumed.response.headers.get('x-total-rows')).toBe(String(rows.length - 10));

    const csv = await get(dementia, `/extracts/${request.id}/manifest.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'cursor,releaseId,studyUid,seriesUid,instanceUid,modality,bodyPart,studyDate,seriesNumber,instanceNumber,storageRef',
    );
    expect(lines.slice(1).map((line) => line.split(',')[4])).toEqual(
      paged.map((node) => node.instanceUid),
    );
  });

  it('should keep an extract fixed when the data changes after the request', async () => {
    const request = await requested(dementia, 'frozen');
    // A new brain MRI and a new diagnosis for a member arrive after the request.
    const imaging = stack.services.imaging.db;
    await imaging.query(
      `INSERT INTO study (id, linkage_key, study_uid, modality, body_part, study_date, description)
       VALUES (900, $1, '1.2.826.0.1.3680043.10.1.900', 'MR', 'HEAD', '2024-01-01', 'late')`,
      [MEMBERS[0]],
    );
    await imaging.query(
      `INSERT INTO series (id, study_id, series_uid, series_number, modality, description, image_count)
       VALUES (900, 900, '1.2.826.0.1.3680043.10.2.900', 1, 'MR', 'late', 1)`,
    );
    await imaging.query(
      `INSERT INTO instance (id, series_id, instance_uid, instance_number, storage_ref)
       VALUES (9001, 900, '1.2.826.0.1.3680043.10.3.9001', 1, 's3://fixture/late.dcm')`,
    );
    await stack.services.ehr.db.query(
      `INSERT INTO diagnosis (linkage_key, icd10, diagnosed_on) VALUES ($1, 'I10', '2024-02-02')`,
      [MEMBERS[0]],
    );
    await stack.query(staff, APPROVE, { id: request.id });

    const { rows } = await ndjson(dementia, `/extracts/${request.id}/manifest.ndjson`);
    expect(rows).toHaveLength(MEMBERS.length * 2);
    expect(rows.some((row) => row.studyDate === '2024-01-01')).toBe(false);
    const diagnoses = await (
      await get(dementia, `/extracts/${request.id}/tables/diagnoses.csv`)
    ).text();
    expect(diagnoses).not.toMatch(/I10/);

    // A request made now sees the new study.
    const later = await requested(dementia, 'later');
    expect(later.instanceCount).toBe(MEMBERS.length * 2 + 1);
  });

  it('should serve the granted linked tables keyed by release ID', async () => {
    const request = await approved(dementia, 'tables');
    const index = (await (await get(dementia, `/extracts/${request.id}`)).json()) as {
      files: Array<{ name: string; url: string }>;
    };
    expect(index.files.map((file) => file.name)).toEqual(
      expect.arrayContaining(['manifest.ndjson', 'manifest.csv', 'diagnoses.csv', 'apoe.csv']),
    );
    const { rows } = await ndjson(dementia, `/extracts/${request.id}/manifest.ndjson`);
    const releaseIds = new Set(rows.map((row) => row.releaseId));

    const subjects = (
      await (await get(dementia, `/extracts/${request.id}/tables/subjects.csv`)).text()
    )
      .trim()
      .split('\r\n');
    // demo-dementia's EHR grant stops at supplemental: the special columns are left out.
    expect(subjects[0]).toBe('release_id,sex,birth_year');
    expect(new Set(subjects.slice(1).map((line) => line.split(',')[0]))).toEqual(releaseIds);

    const apoe = (await (await get(dementia, `/extracts/${request.id}/tables/apoe.csv`)).text())
      .trim()
      .split('\r\n');
    expect(apoe[0]).toBe('release_id,genotype,e4_copies');
    expect(apoe).toHaveLength(MEMBERS.length + 1);

    const labs = (
      await (await get(dementia, `/extracts/${request.id}/tables/lab_results.csv`)).text()
    )
      .trim()
      .split('\r\n');
    expect(labs[0]).toBe('release_id,code,value,unit,date');
    expect(labs[1]).toMatch(/^[0-9a-f]{32},HBA1C,\d+,mmol\/mol,2020-05-01$/);
  });

  it('should give two projects extracts of the same images that share no identifier', async () => {
    const mine = await approved(dementia, 'mine');
    const theirs = await approved(lung, 'theirs');
    const a = (await ndjson(dementia, `/extracts/${mine.id}/manifest.ndjson`)).rows;
    const b = (await ndjson(lung, `/extracts/${theirs.id}/manifest.ndjson`)).rows;
    expect(a).toHaveLength(b.length);
    const identifiers = (rows: typeof a) =>
      new Set(
        rows.flatMap((row) => [
          row.cursor,
          row.releaseId,
          row.studyUid,
          row.seriesUid,
          row.instanceUid,
          row.storageRef,
        ]),
      );
    const shared = [...identifiers(a)].filter((value) => identifiers(b).has(value));
    expect(shared).toEqual([]);
  });

  it('should refuse bad requests with coded errors and release nothing', async () => {
    const request = await approved(dementia, 'guarded');
    const other = await approved(lung, 'other');

    // A cohort of another project.
    const foreign = await stack.query(lung, REQUEST, { c: request.cohortId });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(foreign.body.errors?.[0]?.message).toMatch(/not a saved cohort of this project/);
    // minStudies chooses subjects, not images.
    const minStudies = await stack.query(dementia, REQUEST, {
      c: request.cohortId,
      i: { minStudies: 2 },
    });
    expect(minStudies.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Another project's extract is invisible, through GraphQL and HTTP alike.
    const invisible = await stack.query<ManifestPage>(lung, MANIFEST, { id: request.id });
    expect(invisible.body.data?.extractRequest).toBeNull();
    for (const path of [`/extracts/${request.id}`, `/extracts/${request.id}/manifest.ndjson`]) {
      const response = await get(lung, path);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        errors: [{ extensions: { code: 'BAD_USER_INPUT' } }],
      });
    }
    // A cursor of another extract, and a page above the maximum.
    const theirs = (await ndjson(lung, `/extracts/${other.id}/manifest.ndjson`)).rows;
    const crossed = await stack.query<ManifestPage>(dementia, MANIFEST, {
      id: request.id,
      after: theirs[0].cursor,
    });
    expect(crossed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const crossedHttp = await get(
      dementia,
      `/extracts/${request.id}/manifest.ndjson?after=${theirs[0].cursor}`,
    );
    expect(crossedHttp.status).toBe(400);
    const huge = await stack.query<ManifestPage>(dementia, MANIFEST, {
      id: request.id,
      first: 5001,
    });
    expect(huge.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // A table the project's grants do not release (demo-lung has nothing on genomics).
    const table = await get(lung, `/extracts/${other.id}/tables/apoe.csv`);
    expect(table.status).toBe(403);
    // No token, a governance token, an unknown file.
    expect((await get(null, `/extracts/${request.id}/manifest.ndjson`)).status).toBe(401);
    expect((await get(staff, `/extracts/${request.id}/manifest.ndjson`)).status).toBe(403);
    const unknown = await get(dementia, `/extracts/${request.id}/secrets.txt`);
    expect(unknown.status).toBe(400);
    // The imaging site's own route refuses anyone but the gateway.
    const direct = await fetch(
      new URL(`/internal/extracts/${request.id}/manifest`, stack.subgraphUrls.imaging),
    );
    expect(direct.status).toBe(401);
    expect(JSON.stringify(await direct.json())).not.toMatch(/2\.25\./);
  });

  it('should audit every download, with the rows it released', async () => {
    const request = await approved(dementia, 'audited');
    await ndjson(dementia, `/extracts/${request.id}/manifest.ndjson`);
    await get(lung, `/extracts/${request.id}/manifest.csv`);
    const log = await stack.query<{
      queryLog: {
        edges: Array<{
          node: { operationName: string; caller: string; rowsReturned: number; outcome: string };
        }>;
      };
    }>(
      staff,
      '{ queryLog(first: 200) { edges { node { operationName caller rowsReturned outcome } } } }',
    );
    const downloads = log.body
      .data!.queryLog.edges.map((edge) => edge.node)
      .filter((node) => node.operationName === 'extractDownload');
    expect(downloads).toEqual(
      expect.arrayContaining([
        {
          operationName: 'extractDownload',
          caller: 'ana',
          rowsReturned: MEMBERS.length * 2,
          outcome: 'OK',
        },
        { operationName: 'extractDownload', caller: 'lou', rowsReturned: 0, outcome: 'REFUSED' },
      ]),
    );
  });

  it('should follow the live grant: years on a core grant, nothing once it is revoked', async () => {
    const core = await stack.issuer.mint({
      role: 'analyst',
      project: 'core-imaging',
      subject: 'cy',
    });
    const request = await approved(core, 'core grant');
    expect(request.tables).toEqual([]);
    const nodes = await wholeManifest(core, request.id, 100);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.studyDate).toMatch(/^\d{4}$/);
    }
    const index = (await (await get(core, `/extracts/${request.id}`)).json()) as {
      files: Array<{ name: string }>;
    };
    expect(index.files.map((file) => file.name)).toEqual(['manifest.ndjson', 'manifest.csv']);

    await revokeGrant(stack, 'core-imaging', 'imaging');
    await sleep(400);
    const refused = await stack.query<ManifestPage>(core, MANIFEST, { id: request.id });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'ExtractRequest.manifest',
    });
    expect(JSON.stringify(refused.body)).not.toMatch(/2\.25\./);
    expect((await get(core, `/extracts/${request.id}/manifest.ndjson`)).status).toBe(403);
  });

  it('should answer UPSTREAM_UNAVAILABLE, naming no host, when the site or governance is down', async () => {
    const request = await approved(dementia, 'outage');
    for (const down of ['imaging', 'governance'] as const) {
      const port = await closedPort();
      const gateway = await startGatewayWith(
        stack,
        { [down]: `http://127.0.0.1:${port}/graphql` },
        500,
      );
      try {
        const response = await fetch(
          `${gateway.url.replace(/\/graphql$/, '')}/extracts/${request.id}/manifest.ndjson`,
          { headers: { authorization: `Bearer ${dementia}` } },
        );
        expect(response.status).toBe(503);
        const text = await response.text();
        expect(JSON.parse(text)).toMatchObject({
          errors: [{ extensions: { code: 'UPSTREAM_UNAVAILABLE' } }],
        });
        expect(text).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${port}`));
      } finally {
        await gateway.stop();
      }
    }
  });
});
