import type { Grant, ReleasableCategory, Role } from '../../common/access';
import type { Dataset } from '../../common/config';
import { loadMasterSecret } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { MANIFEST_ITEM_FIELDS } from '../../subgraphs/imaging/extract';
import { loadAllFixtures } from '../fixtures/sites';
import {
  type DataField,
  fieldPath,
  flatten,
  selectionOf,
  SITE_POLICIES,
  subjectFields,
  supergraphSchema,
  valuesAt,
} from '../helpers/policy-fields';
import { embedToken, postEmbed } from '../helpers/embed';
import { demoGrants, insertProject, sleep } from '../helpers/projects';
import { type GraphQLBody, startTestStack, type TestStack } from '../helpers/stack';

/** The fixture subject with a row in every table: C34.1 and E11.9, chest CT and brain MRI. */
const LINKAGE_KEY = 12;

const DAY_MS = 86_400_000;

/** Projects this file adds beside the demo ones, each for a grant shape the demos lack. */
const TEST_PROJECTS: Record<string, Grant[]> = {
  'core-only': [
    { dataset: 'ehr', level: 'RECORD', maxCategory: 'core', expiresAt: null },
    { dataset: 'imaging', level: 'RECORD', maxCategory: 'core', expiresAt: null },
  ],
  'mixed-grants': [
    { dataset: 'ehr', level: 'RECORD', maxCategory: 'special', expiresAt: null },
    { dataset: 'imaging', level: 'COUNT', maxCategory: 'special', expiresAt: null },
    { dataset: 'genomics', level: 'RECORD', maxCategory: 'core', expiresAt: null },
  ],
  expired: (['ehr', 'imaging', 'genomics'] as const).map((dataset) => ({
    dataset,
    level: 'RECORD' as const,
    maxCategory: 'special' as const,
    expiresAt: new Date(Date.now() - DAY_MS).toISOString(),
  })),
};

interface Caller {
  name: string;
  role: Role;
  project: string | null;
  grants: Grant[];
}

function analyst(project: string): Caller {
  const grants = TEST_PROJECTS[project] ?? demoGrants(project);
  return { name: `an analyst of ${project}`, role: 'analyst', project, grants };
}

const CALLERS: Caller[] = [
  analyst('feasibility'),
  analyst('demo-lung'),
  analyst('demo-dementia'),
  analyst('core-only'),
  analyst('mixed-grants'),
  analyst('expired'),
  { name: 'governance staff', role: 'governance', project: null, grants: [] },
  {
    name: 'an embed of feasibility',
    role: 'embed',
    project: 'feasibility',
    grants: demoGrants('feasibility'),
  },
];

/** Record fields of the extract manifest (imaging policy), tested in extracts.test.ts. */
const EXTRACT_MANIFEST_FIELDS = [
  'ExtractRequest.manifest',
  ...['edges', 'pageInfo', 'totalCount'].map((field) => `ExtractManifestConnection.${field}`),
  ...['cursor', 'node'].map((field) => `ExtractManifestEdge.${field}`),
  ...['hasNextPage', 'endCursor'].map((field) => `ExtractManifestPageInfo.${field}`),
  ...MANIFEST_ITEM_FIELDS.map((field) => `ExtractManifestItem.${field}`),
];

const SCHEMA = supergraphSchema();
const TREES = new Map(
  SITE_POLICIES.map((policy) => [policy.dataset as Dataset, subjectFields(policy, SCHEMA)]),
);
const FIELDS = [...TREES.values()].flatMap(flatten);

/** What a caller should see of a field: the value, or FORBIDDEN naming the field refused. */
type Expectation = { released: true } | { released: false; field: string; path: string };

const RANK: ReleasableCategory[] = ['core', 'supplemental', 'special'];

/**
 * DESIGN.md's rule, written out here rather than imported, so that a fault in the product's
 * `releases()` cannot move the expectations with it: a live RECORD grant up to the category.
 */
function allows(grant: Grant | undefined, category: ReleasableCategory): boolean {
  if (grant?.level !== 'RECORD') {
    return false;
  }
  if (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= Date.now()) {
    return false;
  }
  return RANK.indexOf(category) <= RANK.indexOf(grant.maxCategory);
}

function grantOn(caller: Caller, dataset: Dataset): Grant | undefined {
  return caller.grants.find((grant) => grant.dataset === dataset);
}

/** What DESIGN.md promises: records to analysts only, at the granted level, per dataset. */
function expectationFor(caller: Caller, field: DataField): Expectation {
  if (caller.role !== 'analyst') {
    // The gateway refuses the root field before planning: the error has no path.
    return { released: false, field: 'Query.subject', path: '' };
  }
  if (!caller.grants.some((grant) => allows(grant, 'core'))) {
    return { released: false, field: 'Query.subject', path: 'subject' };
  }
  // A refused list is never descended into, so its fields are refused with it.
  const refused = [...field.ancestors, field].find(
    (candidate) => !allows(grantOn(caller, candidate.dataset), candidate.category),
  );
  return refused
    ? { released: false, field: refused.coordinate, path: ['subject', ...refused.path].join('.') }
    : { released: true };
}

const MATRIX = CALLERS.flatMap((caller) =>
  FIELDS.map((field) => {
    const expected = expectationFor(caller, field);
    const verb = expected.released ? 'release' : `refuse (naming ${expected.field})`;
    return { caller, field, expected, title: `${verb} ${field.coordinate} to ${caller.name}` };
  }),
);

const DATE_FIELDS = FIELDS.filter((field) => field.description.includes('YYYY-MM-DD'));

type Answer = { status: number; body: GraphQLBody<{ subject: Record<string, unknown> | null }> };

describe('access matrix through the gateway', () => {
  let stack: TestStack;
  let pseudonyms: Pseudonymiser;
  const tokens = new Map<Caller, Promise<string>>();
  const answers = new Map<string, Promise<Answer>>();

  beforeAll(async () => {
    stack = await startTestStack();
    pseudonyms = new Pseudonymiser(await loadMasterSecret(stack.keysDir));
    await loadAllFixtures(stack);
    await stack.services.genomics.db.query(
      `INSERT INTO sample (id, linkage_key, assay, collected_on)
       VALUES (1, $1, 'GSA-24v3', '2019-04-02')`,
      [LINKAGE_KEY],
    );
    for (const [id, grants] of Object.entries(TEST_PROJECTS)) {
      await insertProject(stack, id, grants);
    }
  });

  afterAll(() => stack.stop());

  /** One request per caller and site, asking for every record field that site serves. */
  function subjectQuery(caller: Caller, dataset: Dataset): Promise<Answer> {
    const key = `${caller.name}/${dataset}`;
    const cached = answers.get(key);
    if (cached) {
      return cached;
    }
    if (!tokens.has(caller)) {
      tokens.set(
        caller,
        caller.role === 'embed'
          ? embedToken(stack, { project: caller.project ?? undefined })
          : stack.token(caller.role, caller.project),
      );
    }
    const selection = selectionOf(TREES.get(dataset) ?? []);
    const query = `query ($id: ID!) { subject(id: $id) { id ${selection} } }`;
    // Governance has no project: the gateway refuses it before any ID is read.
    const id = pseudonyms.releaseId(caller.project ?? 'none', LINKAGE_KEY);
    const answer = (tokens.get(caller) as Promise<string>).then(
      // An embedded app sends its requests from a web page: with an Origin.
      (token) =>
        (caller.role === 'embed'
          ? postEmbed(stack, token, { query, variables: { id } })
          : stack.query(token, query, { id })) as Promise<Answer>,
    );
    answers.set(key, answer);
    return answer;
  }

  it.each(SITE_POLICIES.map((policy) => [policy.dataset, policy]))(
    'should cover every record field of the %s policy',
    (_dataset, policy) => {
      // The extract manifest is reached through an approved extract, not a Subject: its
      // fields are exercised by extracts.test.ts (released, refused before approval, after
      // revocation, to another project).
      const covered = [...FIELDS.map((field) => field.coordinate), ...EXTRACT_MANIFEST_FIELDS];
      const listed = Object.entries(policy.fields)
        .filter(([, access]) => ['core', 'supplemental', 'special'].includes(access))
        .map(([coordinate]) => coordinate);
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.filter((coordinate) => !covered.includes(coordinate))).toEqual([]);
    },
  );

  it.each(MATRIX)('should $title', async ({ caller, field, expected }) => {
    const { status, body } = await subjectQuery(caller, field.dataset);
    const values = valuesAt(body.data?.subject, field.path);
    const at = (path: string) => (body.errors ?? []).filter((e) => fieldPath(e.path) === path);

    if (expected.released) {
      expect(status).toBe(200);
      expect(at(['subject', ...field.path].join('.'))).toEqual([]);
      expect(values.length).toBeGreaterThan(0);
      expect(values).not.toContain(null);
      return;
    }
    expect(status).toBe(expected.path === '' ? 403 : 200);
    const errors = at(expected.path);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.extensions).toEqual({ code: 'FORBIDDEN', field: expected.field });
      expect(error.message).toContain(expected.field);
    }
    expect(values.filter((value) => value !== null)).toEqual([]);
  });

  it.each(CALLERS.flatMap((caller) => [...TREES.keys()].map((dataset) => ({ caller, dataset }))))(
    'should answer $caller.name on $dataset with no error but the expected refusals',
    async ({ caller, dataset }) => {
      const { body } = await subjectQuery(caller, dataset);
      const fields = FIELDS.filter((field) => field.dataset === dataset);
      const refusals = new Set(
        fields
          .map((field) => expectationFor(caller, field))
          .flatMap((expected) => (expected.released ? [] : [expected.field])),
      );
      const seen = new Set((body.errors ?? []).map((error) => error.extensions?.field));
      expect([...seen].sort()).toEqual([...refusals].sort());
      expect((body.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN')).toEqual([]);
      if (refusals.has('Query.subject')) {
        expect(body.data?.subject ?? null).toBeNull();
      } else {
        const id = pseudonyms.releaseId(caller.project as string, LINKAGE_KEY);
        expect(body.data?.subject?.id).toBe(id);
      }
    },
  );

  const datePrecision = CALLERS.flatMap((caller) =>
    DATE_FIELDS.filter((field) => expectationFor(caller, field).released).map((field) => {
      const exact = allows(grantOn(caller, field.dataset), 'supplemental');
      return {
        caller,
        field,
        format: exact ? 'YYYY-MM-DD' : 'YYYY',
        pattern: exact ? /^\d{4}-\d\d-\d\d$/ : /^\d{4}$/,
      };
    }),
  );

  it('should have date fields to check precision on', () => {
    expect(DATE_FIELDS.map((field) => field.coordinate)).toContain('Diagnosis.date');
    expect(datePrecision.length).toBeGreaterThan(0);
  });

  it.each(datePrecision)(
    'should give $field.coordinate to $caller.name as $format',
    async ({ caller, field, pattern }) => {
      const { body } = await subjectQuery(caller, field.dataset);
      const values = valuesAt(body.data?.subject, field.path);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        expect(value).toMatch(pattern);
      }
    },
  );

  it('should give a core-only project years where demo-lung gets exact dates', async () => {
    const query = 'query ($id: ID!) { subject(id: $id) { diagnoses { code date } } }';
    const read = async (project: string) => {
      const token = await stack.token('analyst', project);
      const id = pseudonyms.releaseId(project, LINKAGE_KEY);
      return (await stack.query(token, query, { id })).body;
    };
    expect(await read('core-only')).toEqual({
      data: {
        subject: {
          diagnoses: [
            { code: 'E11.9', date: '2012' },
            { code: 'C34.1', date: '2015' },
          ],
        },
      },
    });
    expect(await read('demo-lung')).toEqual({
      data: {
        subject: {
          diagnoses: [
            { code: 'E11.9', date: '2012-01-10' },
            { code: 'C34.1', date: '2015-03-12' },
          ],
        },
      },
    });
  });

  it('should list no grants and count nothing once a project’s grants expire', async () => {
    const token = await stack.token('analyst', 'expired');
    const me = await stack.query(token, '{ me { project grants { dataset } } }');
    expect(me.body).toEqual({ data: { me: { project: 'expired', grants: [] } } });

    const count = await stack.query(
      token,
      '{ cohortCount(criteria: { diagnosis: { codePrefix: "C34" } }) { value } }',
    );
    expect(count.body.data).toBeNull();
    expect(count.body.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      field: 'Query.cohortCount',
    });
  });

  // Regression: the gateway once reused grants read before they expired (its cache lasts
  // 30 s), so subject() and counts outlived the grant; it now drops them when handing out.
  it('should stop records and counts the moment a grant expires, cached or not', async () => {
    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    await insertProject(stack, 'expiring', [
      { dataset: 'ehr', level: 'RECORD', maxCategory: 'core', expiresAt },
    ]);
    const token = await stack.token('analyst', 'expiring');
    const id = pseudonyms.releaseId('expiring', LINKAGE_KEY);
    const subject = 'query ($id: ID!) { subject(id: $id) { sex } }';
    const count = '{ cohortCount(criteria: { diagnosis: { codePrefix: "C34" } }) { value } }';
    expect((await stack.query(token, subject, { id })).body).toEqual({
      data: { subject: { sex: 'MALE' } },
    });

    await sleep(Date.parse(expiresAt) - Date.now() + 100);

    const records = await stack.query(token, subject, { id });
    expect(records.body.errors?.map((error) => error.extensions)).toEqual([
      { code: 'FORBIDDEN', field: 'Query.subject' },
    ]);
    const counted = await stack.query(token, count);
    expect(counted.body.errors?.map((error) => error.extensions)).toEqual([
      { code: 'FORBIDDEN', field: 'Query.cohortCount' },
    ]);
  });
});
