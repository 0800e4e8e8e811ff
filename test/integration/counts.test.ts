import { E11, HBA1C_HIGH, loadCountsFixture, sex } from '../fixtures/counts';
import { embedCount, embedToken } from '../helpers/embed';
import { type GraphQLBody, startTestStack, type TestStack } from '../helpers/stack';

type Count = { value: number | null; display: string; suppressed: boolean };

const COUNT = `query ($c: CohortCriterion!) { cohortCount(criteria: $c) { value display suppressed } }`;

describe('counts under the query ledger (issue 5)', () => {
  let stack: TestStack;
  let callers = 0;

  beforeAll(async () => {
    stack = await startTestStack();
    await loadCountsFixture(stack);
  });

  afterAll(() => stack.stop());

  /** A fresh analyst of the feasibility project: each test starts with an empty history. */
  function newCaller(project = 'feasibility', role: 'analyst' | 'embed' = 'analyst') {
    callers += 1;
    return stack.issuer.mint({ role, project, subject: `counts-${callers}` });
  }

  async function count(
    token: string,
    criteria: unknown,
  ): Promise<GraphQLBody<{ cohortCount: Count }>> {
    return (await stack.query<{ cohortCount: Count }>(token, COUNT, { c: criteria })).body;
  }

  function expectRefused(body: GraphQLBody<unknown>, field = 'Query.cohortCount') {
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'DISCLOSURE_REFUSED', field });
  }

  describe('differencing', () => {
    it('should refuse a count one condition narrower than an earlier one by fewer than the threshold', async () => {
      const token = await newCaller();
      // Diabetes: 120. Diabetes with HbA1c ≥ 48: 116. Their difference would count four people.
      expect((await count(token, E11)).data?.cohortCount.value).toBe(120);
      expectRefused(await count(token, { all: [E11, HBA1C_HIGH] }));
    });

    it('should refuse the wider count after the narrower, the same way', async () => {
      const token = await newCaller();
      expect((await count(token, { all: [E11, HBA1C_HIGH] })).data?.cohortCount.value).toBe(115);
      expectRefused(await count(token, E11));
    });

    it('should refuse a leaf whose parameters narrowed: a date range moved by a day', async () => {
      const token = await newCaller();
      expect((await count(token, E11)).data?.cohortCount.value).toBe(120);
      // Keys 1–3 were diagnosed on 2010-01-01: starting a day later drops three people.
      expectRefused(await count(token, { diagnosis: { codePrefix: 'E11', from: '2010-01-02' } }));
    });

    it('should refuse a narrower definition with the same set, so a refusal never tells an empty difference from a small one', async () => {
      const token = await newCaller();
      expect((await count(token, E11)).data?.cohortCount.value).toBe(120);
      // E11.9 selects the same 120 people; answering it would set this case apart.
      const sameSet = await count(token, { diagnosis: { codePrefix: 'E11.9' } });
      expectRefused(sameSet);

      const other = await newCaller();
      await count(other, E11);
      const fourFewer = await count(other, { all: [E11, HBA1C_HIGH] });
      expect(sameSet.errors).toEqual(fourFewer.errors);
    });

    it('should answer definitions that differ by one criterion when the counts are far apart', async () => {
      const token = await newCaller();
      expect((await count(token, E11)).data?.cohortCount.value).toBe(120);
      // Diabetic women: 100, twenty fewer.
      expect((await count(token, { all: [E11, sex('FEMALE')] })).data?.cohortCount.value).toBe(100);
    });

    it('should answer close counts whose definitions differ by more than one criterion', async () => {
      const token = await newCaller();
      expect((await count(token, E11)).data?.cohortCount.value).toBe(120);
      const twoMore = { all: [E11, HBA1C_HIGH, { imaging: { modality: 'CT' } }] };
      expect((await count(token, twoMore)).errors).toBeUndefined();
      // Women and men are not nested, so their difference counts no group.
      expect((await count(token, sex('FEMALE'))).errors).toBeUndefined();
      expect((await count(token, sex('MALE'))).errors).toBeUndefined();
    });

    it('should keep each caller’s history apart', async () => {
      const first = await newCaller();
      const second = await newCaller();
      expect((await count(first, E11)).errors).toBeUndefined();
      expect((await count(second, { all: [E11, HBA1C_HIGH] })).errors).toBeUndefined();
    });

    /** What the ledger recorded for a caller, in order. */
    async function outcomes(subject: string): Promise<string[]> {
      const rows: Array<{ outcome: string }> = await stack.services.cohort.db.query(
        'SELECT outcome FROM query_ledger WHERE caller = $1 ORDER BY id',
        [subject],
      );
      return rows.map((row) => row.outcome);
    }

    it('should refuse both of a pair asked through aliases in one request, with the same error', async () => {
      const token = await newCaller();
      const { body } = await stack.query(
        token,
        `query ($a: CohortCriterion!, $b: CohortCriterion!) {
          a: cohortCount(criteria: $a) { value }
          b: cohortCount(criteria: $b) { value }
        }`,
        { a: E11, b: { all: [E11, HBA1C_HIGH] } },
      );
      // The fields are non-null, so the first refusal nulls the whole answer.
      expect(body.data).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['DISCLOSURE_REFUSED']);
      expect(await outcomes(`counts-${callers}`)).toEqual(['refused', 'refused']);

      const fromHistory = await newCaller();
      await count(fromHistory, E11);
      const refused = await count(fromHistory, { all: [E11, HBA1C_HIGH] });
      expect({ ...body.errors![0], path: null }).toEqual({ ...refused.errors![0], path: null });

      // Neither was released: asked alone afterwards, the first is answered.
      expect((await count(token, E11)).data?.cohortCount.value).toBe(120);
    });

    it('should refuse a pair hidden in fragments', async () => {
      const token = await newCaller();
      const { body } = await stack.query(
        token,
        `query ($a: CohortCriterion!, $b: CohortCriterion!) { ...First ...Second }
         fragment First on Query { first: cohortCount(criteria: $a) { value } }
         fragment Second on Query { second: cohortCount(criteria: $b) { display } }`,
        { a: { all: [HBA1C_HIGH, E11] }, b: E11 },
      );
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('DISCLOSURE_REFUSED');
      expect(await outcomes(`counts-${callers}`)).toEqual(['refused', 'refused']);
    });

    it('should answer one of a pair and refuse the other when sent in two concurrent requests', async () => {
      const token = await newCaller();
      const [a, b] = await Promise.all([
        count(token, E11),
        count(token, { all: [E11, HBA1C_HIGH] }),
      ]);
      const refused = [a, b].filter(
        (body) => body.errors?.[0]?.extensions?.code === 'DISCLOSURE_REFUSED',
      );
      expect(refused).toHaveLength(1);
    });

    it('should refuse an embed caller the same way', async () => {
      // Embedded apps send the safelisted count from an allowed origin (docs/embedding.md).
      const token = await embedToken(stack, { subject: `counts-${(callers += 1)}` });
      const embedded = (criteria: unknown) =>
        embedCount<{ cohortCount: Count }>(stack, token, criteria).then(({ body }) => body);
      expect((await embedded(E11)).data?.cohortCount).toMatchObject({
        value: 120,
        display: '120',
        suppressed: false,
      });
      expectRefused(await embedded({ all: [E11, HBA1C_HIGH] }));
    });
  });

  describe('repeats and rewording', () => {
    it('should give a repeat and an equivalent rewording the same answer, and never refuse them', async () => {
      const token = await newCaller();
      const definition = { all: [E11, HBA1C_HIGH, sex('FEMALE')] };
      const rewordings = [
        definition,
        { all: [sex('FEMALE'), { all: [HBA1C_HIGH, E11] }] },
        { all: [HBA1C_HIGH, sex('FEMALE'), E11, E11] },
        { not: { not: definition } },
        { any: [definition, definition] },
      ];
      const answers = [];
      for (const criteria of [...rewordings, ...rewordings]) {
        const body = await count(token, criteria);
        expect(body.errors).toBeUndefined();
        answers.push(body.data!.cohortCount);
      }
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
      // Keys 21–116: women with diabetes and a high HbA1c.
      expect(answers[0].value).toBe(95);
    });

    it('should answer aliases of the same count alike', async () => {
      const token = await newCaller();
      const { body } = await stack.query<Record<string, Count>>(
        token,
        `query ($a: CohortCriterion!, $b: CohortCriterion!) {
          x: cohortCount(criteria: $a) { value display }
          y: cohortCount(criteria: $b) { value display }
          z: cohortCount(criteria: $a) { value display }
        }`,
        { a: { all: [E11, sex('MALE')] }, b: { all: [sex('MALE'), E11] } },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({
        x: { value: 15, display: '15' },
        y: { value: 15, display: '15' },
        z: { value: 15, display: '15' },
      });
    });
  });

  describe('matching', () => {
    it('should ask a site once for a leaf that concurrent requests need at the same time', async () => {
      const db = stack.services.ehr.db;
      const original = db.query.bind(db);
      const leafQueries: string[] = [];
      // The EHR site answers slowly, so the five requests overlap for certain.
      db.query = (async (sql: string, params?: unknown[]) => {
        if (sql.includes('linkage_key AS k')) {
          leafQueries.push(sql);
          await new Promise((resolve) => setTimeout(resolve, 1500));
        }
        return original(sql, params);
      }) as typeof db.query;
      try {
        const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => newCaller()));
        const bodies = await Promise.all(
          tokens.map((token) => count(token, { lab: { code: 'HBA1C', min: 59, max: 61 } })),
        );
        expect(bodies.map((body) => body.data?.cohortCount.value)).toEqual([
          115, 115, 115, 115, 115,
        ]);
        expect(leafQueries).toHaveLength(1);
      } finally {
        db.query = original;
      }
    });
  });
});
