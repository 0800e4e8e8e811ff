import { loadAllFixtures } from '../fixtures/sites';
import { startTestStack, type TestStack } from '../helpers/stack';

const COUNT = `query ($c: CohortCriterion!) {
  cohortCount(criteria: $c) { value display suppressed threshold roundedTo }
}`;

const LUNG = {
  all: [{ diagnosis: { codePrefix: 'C34' } }, { imaging: { modality: 'CT', bodyPart: 'CHEST' } }],
};
const DEMENTIA = {
  all: [
    { diagnosis: { codePrefix: 'E11' } },
    { imaging: { modality: 'MR', bodyPart: 'HEAD' } },
    { apoe: { minE4Copies: 1 } },
  ],
};

describe('cohorts across sites', () => {
  let stack: TestStack;
  let lung: string;
  let dementia: string;
  let feasibility: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await loadAllFixtures(stack);
    [lung, dementia, feasibility] = await Promise.all([
      stack.token('analyst', 'demo-lung'),
      stack.token('analyst', 'demo-dementia'),
      stack.token('analyst', 'feasibility'),
    ]);
  });

  afterAll(() => stack.stop());

  async function count(token: string, criteria: unknown) {
    const { body } = await stack.query<{ cohortCount: Record<string, unknown> }>(token, COUNT, {
      c: criteria,
    });
    return body;
  }

  it.each([
    ['diagnosis prefix', { diagnosis: { codePrefix: 'C34' } }, 20],
    ['diagnosis without the dot', { diagnosis: { codePrefix: 'C341' } }, 20],
    [
      'diagnosis in a date range',
      { diagnosis: { codePrefix: 'C34', from: '2015-03-01', to: '2015-03-12' } },
      10,
    ],
    ['prescription', { prescription: { bnfPrefix: '0601022' } }, 15],
    ['lab range', { lab: { code: 'HBA1C', min: 60, max: 100 } }, 15],
    ['demographics', { demographics: { sex: 'FEMALE' } }, 15],
    ['birth years', { demographics: { birthYearFrom: 1951, birthYearTo: 1970 } }, 20],
    ['health board', { demographics: { healthBoard: 'Tayside' } }, 30],
    [
      'deprivation deciles (12 people round to 10)',
      { any: [1, 2, 3, 4].map((decile) => ({ demographics: { deprivationDecile: decile } })) },
      10,
    ],
    ['imaging', { imaging: { modality: 'MR', bodyPart: 'head' } }, 15],
    ['variant', { variant: { rsId: 'rs7903146', minAltAlleles: 1 } }, 20],
    ['apoe', { apoe: { minE4Copies: 1 } }, 15],
    ['polygenic score', { polygenicScore: { trait: 'T2D', minPercentile: 60 } }, 10],
    ['all (lung exemplar)', LUNG, 15],
    ['all (dementia exemplar, 11 rounds to 10)', DEMENTIA, 10],
    ['any', { any: [{ imaging: { modality: 'CT' } }, { imaging: { modality: 'MR' } }] }, 20],
    ['not alone', { not: { diagnosis: { codePrefix: 'C34' } } }, 10],
  ])('should count a %s criterion', async (name, criteria, expected) => {
    // A caller per case: one caller asking all of these in turn would meet the ledger's
    // differencing check (C34, then C34 in a date range), tested in counts.test.ts.
    const caller = await stack.issuer.mint({
      role: 'analyst',
      project: 'feasibility',
      subject: `counter of ${name}`,
    });
    const body = await count(caller, criteria);
    expect(body.errors).toBeUndefined();
    expect(body.data?.cohortCount).toEqual({
      value: expected,
      display: String(expected),
      suppressed: false,
      threshold: 10,
      roundedTo: 5,
    });
  });

  it('should suppress a count below the threshold', async () => {
    // C34 without chest CT: keys 16–20, five people.
    const body = await count(feasibility, {
      all: [
        { diagnosis: { codePrefix: 'C34' } },
        { not: { imaging: { modality: 'CT', bodyPart: 'CHEST' } } },
      ],
    });
    expect(body.data?.cohortCount).toEqual({
      value: null,
      display: '<10',
      suppressed: true,
      threshold: 10,
      roundedTo: 5,
    });
  });

  it('should refuse a count over a dataset the project has no grant on', async () => {
    const body = await count(lung, { apoe: { minE4Copies: 1 } });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'Query.cohortCount',
    });
    expect(body.errors?.[0]?.message).toContain('genomics');
  });

  it.each([
    ['no field set', {}, 'got none'],
    [
      'two fields set',
      { apoe: { minE4Copies: 1 }, diagnosis: { codePrefix: 'C34' } },
      'diagnosis, apoe',
    ],
    ['a bad ICD-10 code', { diagnosis: { codePrefix: 'lung' } }, 'criteria.diagnosis.codePrefix'],
    [
      'a reversed date range',
      { diagnosis: { codePrefix: 'C34', from: '2020-01-01', to: '2019-01-01' } },
      'is after',
    ],
    ['an impossible date', { diagnosis: { codePrefix: 'C34', from: '2020-02-30' } }, 'YYYY-MM-DD'],
    ['an unknown lab test', { lab: { code: 'XYZ' } }, 'unknown lab test'],
    ['an empty all', { all: [] }, 'non-empty list'],
    ['a bad rsID', { variant: { rsId: 'APOE4' } }, 'rsID'],
    ['an unknown health board', { demographics: { healthBoard: 'Mordor' } }, 'healthBoard'],
  ])('should answer %s with BAD_USER_INPUT naming the problem', async (_name, criteria, words) => {
    const body = await count(feasibility, criteria);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain(words);
  });

  it('should save a lung cohort and read its EHR and imaging fields in one query', async () => {
    const { body } = await stack.query<{
      saveCohort: {
        id: string;
        count: { value: number };
        subjects: {
          edges: Array<{ node: Record<string, unknown> }>;
          pageInfo: { hasNextPage: boolean };
        };
      };
    }>(
      lung,
      `mutation ($c: CohortCriterion!) {
        saveCohort(name: "Lung cancer with chest CT", criteria: $c) {
          id name count { value display }
          subjects(first: 100) {
            edges { cursor node { id sex birthYear diagnoses { code date } imagingStudies(modality: CT) { uid modality bodyPart date } } }
            pageInfo { hasNextPage endCursor }
          }
        }
      }`,
      { c: LUNG },
    );
    expect(body.errors).toBeUndefined();
    const saved = body.data!.saveCohort;
    expect(saved.count.value).toBe(15);
    expect(saved.subjects.edges).toHaveLength(15);
    expect(saved.subjects.pageInfo.hasNextPage).toBe(false);
    for (const { node } of saved.subjects.edges) {
      expect(node.id).toMatch(/^[0-9a-f]{32}$/);
      expect(node.diagnoses).toContainEqual({
        code: 'C34.1',
        date: expect.stringMatching(/^2015-03-\d\d$/),
      });
      expect(node.imagingStudies).toEqual([
        {
          uid: expect.stringMatching(/^2\.25\.\d+$/),
          modality: 'CT',
          bodyPart: 'CHEST',
          date: '2016-06-01',
        },
      ]);
    }
    const ids = saved.subjects.edges.map((edge) => edge.node.id as string);
    expect([...ids].sort()).toEqual(ids);
  });

  it('should save a dementia cohort and read genomics too', async () => {
    const { body } = await stack.query<{
      saveCohort: {
        subjects: { edges: Array<{ node: { apoe: string; diagnoses: Array<{ code: string }> } }> };
      };
    }>(
      dementia,
      `mutation ($c: CohortCriterion!) {
        saveCohort(name: "Diabetes, brain MRI, APOE e4", criteria: $c) {
          subjects { edges { node { apoe diagnoses { code } imagingStudies(modality: MR) { bodyPart } } } }
        }
      }`,
      { c: DEMENTIA },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.saveCohort.subjects.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(11);
    for (const node of nodes) {
      expect(node.apoe).toBe('e3/e4');
      expect(node.diagnoses.map((d) => d.code)).toContain('E11.9');
    }
  });

  it('should page through a saved cohort without overlap and refuse a foreign cursor', async () => {
    const save = await stack.query<{ saveCohort: { id: string } }>(
      lung,
      'mutation ($c: CohortCriterion!) { saveCohort(name: "paging", criteria: $c) { id } }',
      { c: { diagnosis: { codePrefix: 'C34' } } },
    );
    const id = save.body.data!.saveCohort.id;
    const page = `query ($id: ID!, $after: String) {
      cohort(id: $id) { subjects(first: 8, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }
    }`;
    const seen: string[] = [];
    type Page = {
      cohort: {
        subjects: {
          edges: Array<{ node: { id: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    let after: string | null = null;
    for (let i = 0; i < 5; i += 1) {
      const result = await stack.query<Page>(lung, page, { id, after });
      const connection: Page['cohort']['subjects'] = result.body.data!.cohort.subjects;
      seen.push(...connection.edges.map((edge) => edge.node.id));
      after = connection.pageInfo.endCursor;
      if (!connection.pageInfo.hasNextPage) {
        break;
      }
    }
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);

    const other = await stack.query<{ saveCohort: { id: string } }>(
      lung,
      'mutation ($c: CohortCriterion!) { saveCohort(name: "other", criteria: $c) { id } }',
      { c: LUNG },
    );
    const foreign = await stack.query(lung, page, { id: other.body.data!.saveCohort.id, after });
    expect(foreign.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });

    const tooBig = await stack.query(
      lung,
      'query ($id: ID!) { cohort(id: $id) { subjects(first: 1001) { edges { cursor } } } }',
      { id },
    );
    expect(tooBig.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
  });

  it('should answer the same for a cohort of another project and one that does not exist', async () => {
    const save = await stack.query<{ saveCohort: { id: string } }>(
      lung,
      'mutation ($c: CohortCriterion!) { saveCohort(name: "mine", criteria: $c) { id } }',
      { c: LUNG },
    );
    const query = 'query ($id: ID!) { cohort(id: $id) { id name } }';
    const foreign = await stack.query(dementia, query, { id: save.body.data!.saveCohort.id });
    const missing = await stack.query(dementia, query, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    const garbage = await stack.query(dementia, query, { id: 'not-a-uuid' });
    expect(foreign.body).toEqual({ data: { cohort: null } });
    expect(missing.body).toEqual(foreign.body);
    expect(garbage.body).toEqual(foreign.body);
  });

  it('should keep the matchers out of reach of callers', async () => {
    const { status, body } = await stack.query(lung, '{ ehrMatch(leaves: ["{}"]) }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
