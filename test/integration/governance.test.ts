import { loadAllFixtures } from '../fixtures/sites';
import { startTestStack, type TestStack } from '../helpers/stack';

const PROJECTS = `{ projects { id grants { dataset level maxCategory grantedBy reason revokedAt revokedBy revokeReason } } }`;
const REQUEST = `mutation ($c: ID!) { requestExtract(cohortId: $c, imaging: { modality: CT, bodyPart: "CHEST" }) {
  id project status requestedBy imaging } }`;
const APPROVE =
  'mutation ($id: ID!, $note: String) { approveExtract(id: $id, note: $note) { id status decidedBy note } }';
const REJECT = 'mutation ($id: ID!) { rejectExtract(id: $id) { id status } }';
const SAVE = `mutation { saveCohort(name: "lung", criteria: { all: [
  { diagnosis: { codePrefix: "C34" } }, { imaging: { modality: CT, bodyPart: "CHEST" } }] }) { id } }`;

describe('governance of projects, grants and extracts', () => {
  let stack: TestStack;
  let staff: string;
  let analyst: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await loadAllFixtures(stack);
    staff = await stack.issuer.mint({ role: 'governance', subject: 'staff-a' });
    analyst = await stack.token('analyst', 'demo-lung');
  });

  afterAll(() => stack.stop());

  /** A saved cohort of the token's project, to request extracts of. */
  async function savedCohort(token: string): Promise<string> {
    const saved = await stack.query<{ saveCohort: { id: string } }>(token, SAVE);
    return saved.body.data!.saveCohort.id;
  }

  it('should create a project, grant, narrow and revoke, recording who and why', async () => {
    const created = await stack.query(
      staff,
      'mutation { createProject(id: "study-x", title: "Study X") { id grants { dataset } } }',
    );
    expect(created.body.data).toEqual({ createProject: { id: 'study-x', grants: [] } });

    const grant = `mutation ($m: FieldCategory!) { grantDataset(project: "study-x", dataset: EHR, level: RECORD,
      maxCategory: $m, reason: "approved protocol v2") { id } }`;
    expect((await stack.query(staff, grant, { m: 'SUPPLEMENTAL' })).body.errors).toBeUndefined();
    expect((await stack.query(staff, grant, { m: 'CORE' })).body.errors).toBeUndefined();
    const revoked = await stack.query(
      staff,
      'mutation { revokeGrant(project: "study-x", dataset: EHR, reason: "study closed") { id } }',
    );
    expect(revoked.body.errors).toBeUndefined();

    const { body } = await stack.query<{
      projects: Array<{ id: string; grants: Array<Record<string, unknown>> }>;
    }>(staff, PROJECTS);
    const study = body.data!.projects.find((project) => project.id === 'study-x')!;
    expect(study.grants).toEqual([
      expect.objectContaining({
        maxCategory: 'CORE',
        grantedBy: 'staff-a',
        revokedBy: 'staff-a',
        revokeReason: 'study closed',
      }),
      expect.objectContaining({
        maxCategory: 'SUPPLEMENTAL',
        revokedBy: 'staff-a',
        revokeReason: 'replaced: approved protocol v2',
      }),
    ]);

    const again = await stack.query(
      staff,
      'mutation { revokeGrant(project: "study-x", dataset: EHR, reason: "twice") { id } }',
    );
    expect(again.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'dataset',
    });
  });

  it('should refuse project management to analysts and bad input with coded errors', async () => {
    const denied = await stack.query(analyst, PROJECTS);
    expect(denied.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'Query.projects',
    });
    const bad = await stack.query(
      staff,
      'mutation { createProject(id: "Bad Id!", title: "x") { id } }',
    );
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'id',
    });
    const noReason = await stack.query(
      staff,
      'mutation { grantDataset(project: "demo-lung", dataset: EHR, level: RECORD, maxCategory: CORE, reason: "") { id } }',
    );
    expect(noReason.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'reason',
    });
  });

  it('should approve an extract only once, never by its requester', async () => {
    const requested = await stack.query<{
      requestExtract: { id: string; status: string; project: string };
    }>(analyst, REQUEST, { c: await savedCohort(analyst) });
    expect(requested.body.data?.requestExtract).toMatchObject({
      status: 'PENDING',
      project: 'demo-lung',
    });
    const id = requested.body.data!.requestExtract.id;

    // The same person holding a governance token may not approve their own request.
    const self = await stack.issuer.mint({ role: 'governance', subject: 'dev-analyst' });
    const own = await stack.query(self, APPROVE, { id });
    expect(own.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const approved = await stack.query(staff, APPROVE, { id, note: 'ethics ref 123' });
    expect(approved.body.data).toEqual({
      approveExtract: { id, status: 'APPROVED', decidedBy: 'staff-a', note: 'ethics ref 123' },
    });
    const twice = await stack.query(staff, APPROVE, { id });
    expect(twice.body.errors?.[0]).toMatchObject({
      message: 'The request is already approved',
      extensions: { code: 'BAD_USER_INPUT' },
    });

    const second = await stack.query<{ requestExtract: { id: string } }>(analyst, REQUEST, {
      c: await savedCohort(analyst),
    });
    const rejectedId = second.body.data!.requestExtract.id;
    expect((await stack.query(staff, REJECT, { id: rejectedId })).body.errors).toBeUndefined();
    const late = await stack.query(staff, APPROVE, { id: rejectedId });
    expect(late.body.errors?.[0]?.message).toBe('The request is already rejected');
  });

  it('should show analysts only their own project’s requests', async () => {
    const other = await stack.token('analyst', 'demo-dementia');
    await stack.query(other, REQUEST, { c: await savedCohort(other) });
    const list = '{ extractRequests { totalCount edges { node { project } } } }';
    const mine = await stack.query<{
      extractRequests: { edges: Array<{ node: { project: string } }> };
    }>(other, list);
    expect(mine.body.data!.extractRequests.edges.map((edge) => edge.node.project)).toEqual([
      'demo-dementia',
    ]);
    const all = await stack.query<{ extractRequests: { totalCount: number } }>(staff, list);
    expect(all.body.data!.extractRequests.totalCount).toBe(3);
    const coded = await stack.query(analyst, REQUEST, { c: 'not-a-uuid' });
    expect(coded.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'cohortId',
    });
    const countsOnly = await stack.query(await stack.token('analyst', 'feasibility'), REQUEST, {
      c: await savedCohort(analyst),
    });
    expect(countsOnly.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
