import { E11, HBA1C_HIGH, loadCountsFixture, type Person, sex } from '../fixtures/counts';
import { embedToken, persisted, postEmbed } from '../helpers/embed';
import { type GraphQLBody, startTestStack, type TestStack } from '../helpers/stack';

type Count = { value: number | null; display: string; suppressed: boolean };
interface Breakdown {
  by: string[];
  total: Count;
  margins: Array<{ dimension: string; value: string; count: Count }>;
  cells: Array<{ values: string[]; count: Count }>;
}

const BREAKDOWN = `query ($c: CohortCriterion!, $by: [BreakdownDimension!]!) {
  cohortBreakdown(criteria: $c, by: $by) {
    by total { value display suppressed }
    margins { dimension value count { value display suppressed } }
    cells { values count { value display suppressed } }
  }
}`;
const COUNT = `query ($c: CohortCriterion!) { cohortCount(criteria: $c) { value display suppressed } }`;

const released = (value: number): Count => ({ value, display: String(value), suppressed: false });
const WITHHELD: Count = { value: null, display: 'suppressed', suppressed: true };

describe('breakdowns and complement attacks (issue 5)', () => {
  let stack: TestStack;
  let people: Person[];
  let callers = 0;

  beforeAll(async () => {
    stack = await startTestStack();
    people = await loadCountsFixture(stack);
  });

  afterAll(() => stack.stop());

  function newCaller(role: 'analyst' | 'embed' = 'analyst') {
    callers += 1;
    return stack.issuer.mint({ role, project: 'feasibility', subject: `breakdowns-${callers}` });
  }

  async function breakdown(token: string, criteria: unknown, by: string[]) {
    const { body } = await stack.query<{ cohortBreakdown: Breakdown }>(token, BREAKDOWN, {
      c: criteria,
      by,
    });
    return body;
  }

  async function count(token: string, criteria: unknown) {
    return (await stack.query<{ cohortCount: Count }>(token, COUNT, { c: criteria })).body;
  }

  function expectRefused(body: GraphQLBody<unknown>, field: string) {
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'DISCLOSURE_REFUSED', field });
  }

  it('should withhold a small cell and the smallest other cell of its line', async () => {
    const body = await breakdown(await newCaller(), E11, ['SEX']);
    expect(body.errors).toBeUndefined();
    // True counts: 100 women, 17 men, 3 unknown, none unrecorded. Three unknown alone would
    // be 120 − 100 − 17: the men are withheld with them.
    expect(body.data?.cohortBreakdown).toEqual({
      by: ['SEX'],
      total: released(120),
      margins: [],
      cells: [
        { values: ['FEMALE'], count: released(100) },
        { values: ['MALE'], count: WITHHELD },
        { values: ['UNKNOWN'], count: WITHHELD },
        { values: ['NOT_RECORDED'], count: WITHHELD },
      ],
    });
  });

  it('should refuse a count of a cell withheld before, however it is worded (complement attack)', async () => {
    const token = await newCaller();
    await breakdown(token, E11, ['SEX']);
    expectRefused(await count(token, { all: [E11, sex('MALE')] }), 'Query.cohortCount');
    expectRefused(
      await count(token, { all: [E11, { not: sex('FEMALE') }, { not: sex('UNKNOWN') }] }),
      'Query.cohortCount',
    );
    // The released cell and the total are repeats, answered as before.
    expect((await count(token, { all: [sex('FEMALE'), E11] })).data?.cohortCount).toEqual(
      released(100),
    );
    expect((await count(token, E11)).data?.cohortCount).toEqual(released(120));
  });

  it('should refuse the count of a withheld cell asked beside the breakdown in one request', async () => {
    const token = await newCaller();
    const { body } = await stack.query(
      token,
      `query ($c: CohortCriterion!, $m: CohortCriterion!) {
        table: cohortBreakdown(criteria: $c, by: [SEX]) { total { value } }
        men: cohortCount(criteria: $m) { value }
      }`,
      { c: E11, m: { all: [E11, sex('MALE')] } },
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      path: ['men'],
      extensions: { code: 'DISCLOSURE_REFUSED' },
    });
  });

  it('should not protect a cell with one released before: it withholds another instead', async () => {
    const token = await newCaller();
    expect((await count(token, { all: [E11, sex('MALE')] })).data?.cohortCount).toEqual(
      released(15),
    );
    const body = await breakdown(token, E11, ['SEX']);
    expect(body.data?.cohortBreakdown.cells.map((cell) => cell.count)).toEqual([
      WITHHELD,
      released(15),
      WITHHELD,
      WITHHELD,
    ]);
  });

  it('should check a breakdown’s total against the caller’s history like a count', async () => {
    const token = await newCaller();
    expect((await count(token, { all: [E11, HBA1C_HIGH] })).errors).toBeUndefined();
    expectRefused(await breakdown(token, E11, ['SEX']), 'Query.cohortBreakdown');
  });

  it('should refuse a count one condition inside a released cell by a few people', async () => {
    const token = await newCaller();
    await breakdown(token, E11, ['SEX']);
    // Women with diabetes: 100; of them with a high HbA1c: 96.
    expectRefused(
      await count(token, { all: [E11, sex('FEMALE'), HBA1C_HIGH] }),
      'Query.cohortCount',
    );
  });

  it('should give a repeated breakdown the same answer', async () => {
    const token = await newCaller();
    const first = await breakdown(token, E11, ['SEX', 'AGE_BAND']);
    const second = await breakdown(token, { all: [E11, E11] }, ['SEX', 'AGE_BAND']);
    expect(first.errors).toBeUndefined();
    expect(second).toEqual(first);
  });

  it('should protect every row, column and margin of a two-way table', async () => {
    const body = await breakdown(await newCaller(), E11, ['SEX', 'AGE_BAND']);
    expect(body.errors).toBeUndefined();
    const table = body.data!.cohortBreakdown;
    const truth = trueTable(people.filter((p) => p.diabetes !== null));
    expect(table.cells.map((cell) => cell.values)).toEqual(truth.cells.map((cell) => cell.values));
    expect(table.margins.map((m) => [m.dimension, m.value])).toEqual(
      truth.margins.map((m) => [m.dimension, m.value]),
    );

    const shown = new Map<string, Count>();
    const actual = new Map<string, number>();
    table.margins.forEach((m) => shown.set(`${m.dimension}:${m.value}`, m.count));
    truth.margins.forEach((m) => actual.set(`${m.dimension}:${m.value}`, m.count));
    table.cells.forEach((c) => shown.set(c.values.join('|'), c.count));
    truth.cells.forEach((c) => actual.set(c.values.join('|'), c.count));
    for (const [key, value] of shown) {
      const trueCount = actual.get(key)!;
      if (value.suppressed) {
        expect(value).toEqual(WITHHELD);
      } else {
        expect([key, value.value]).toEqual([key, Math.max(10, Math.round(trueCount / 5) * 5)]);
      }
    }
    // Every line whose sum is shown, and that withholds a non-empty member, withholds two
    // holding at least ten between them.
    for (const { members, sum } of truth.lines) {
      if (sum !== null && shown.get(sum)!.suppressed) {
        continue;
      }
      const hidden = members.filter((key) => shown.get(key)!.suppressed && actual.get(key)! > 0);
      const mass = hidden.reduce((total, key) => total + actual.get(key)!, 0);
      expect([members, hidden.length === 0 || (hidden.length >= 2 && mass >= 10)]).toEqual([
        members,
        true,
      ]);
    }
    expect(table.cells.some((cell) => cell.count.suppressed)).toBe(true);
  });

  it('should count studies of a modality in a year when both dimensions are asked', async () => {
    const body = await breakdown(await newCaller(), E11, ['MODALITY', 'YEAR']);
    expect(body.errors).toBeUndefined();
    const { cells, margins } = body.data!.cohortBreakdown;
    const shownCells = cells.filter((cell) => !cell.count.suppressed);
    // Chest CT in 2016 for keys 1–60, brain MRI in 2018 for 50–90, nothing for 91–120.
    expect(shownCells).toEqual([
      { values: ['CT', '2016'], count: released(60) },
      { values: ['MR', '2018'], count: released(40) },
      { values: ['NOT_RECORDED', 'NOT_RECORDED'], count: released(30) },
    ]);
    expect(margins.filter((margin) => !margin.count.suppressed)).toEqual([
      { dimension: 'MODALITY', value: 'CT', count: released(60) },
      { dimension: 'MODALITY', value: 'MR', count: released(40) },
      { dimension: 'MODALITY', value: 'NOT_RECORDED', count: released(30) },
      { dimension: 'YEAR', value: '2016', count: released(60) },
      { dimension: 'YEAR', value: '2018', count: released(40) },
      { dimension: 'YEAR', value: 'NOT_RECORDED', count: released(30) },
    ]);
  });

  it('should break down by deprivation decile and health board, recorded or not', async () => {
    // The fixture records neither, so every person falls in NOT_RECORDED.
    const deciles = await breakdown(await newCaller(), E11, ['DEPRIVATION_DECILE']);
    expect(deciles.errors).toBeUndefined();
    const cells = deciles.data!.cohortBreakdown.cells;
    expect(cells.map((cell) => cell.values[0])).toEqual([
      ...Array.from({ length: 10 }, (_, i) => String(i + 1)),
      'NOT_RECORDED',
    ]);
    expect(cells.at(-1)?.count).toEqual(released(120));

    const boards = await breakdown(await newCaller(), E11, ['HEALTH_BOARD']);
    expect(boards.errors).toBeUndefined();
    expect(boards.data!.cohortBreakdown.cells.map((cell) => cell.values[0])).toContain('Tayside');
    expect(boards.data!.cohortBreakdown.cells).toHaveLength(15);
  });

  it('should round an embedded app’s cells to 10', async () => {
    // Embedded apps send the safelisted breakdown from an allowed origin (docs/embedding.md).
    const token = await embedToken(stack, { subject: `breakdowns-${(callers += 1)}` });
    const { body } = await postEmbed<{ cohortBreakdown: Breakdown }>(
      stack,
      token,
      persisted('EmbedCohortBreakdown', { criteria: E11, by: ['MODALITY'] }),
    );
    expect(body.errors).toBeUndefined();
    const shown = body.data!.cohortBreakdown.cells.filter((cell) => !cell.count.suppressed);
    expect(shown).toEqual([
      { values: ['CT'], count: released(60) },
      { values: ['MR'], count: released(40) },
      { values: ['NOT_RECORDED'], count: released(30) },
    ]);
  });

  it.each([
    [[], 'by: give 1 to 2 dimensions'],
    [['SEX', 'AGE_BAND', 'YEAR'], 'by: give 1 to 2 dimensions'],
    [['SEX', 'SEX'], 'by: a dimension may appear once'],
  ])('should answer by %j with BAD_USER_INPUT', async (by, message) => {
    const body = await breakdown(await newCaller(), E11, by);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toBe(message);
  });
});

const SEXES: Record<Person['sex'], string> = { F: 'FEMALE', M: 'MALE', U: 'UNKNOWN' };

/** The true SEX × AGE_BAND table of some people, as planBreakdown lays it out. */
function trueTable(group: Person[]) {
  const year = new Date().getUTCFullYear();
  const rows = ['FEMALE', 'MALE', 'UNKNOWN', 'NOT_RECORDED'];
  const columns = [...Array.from({ length: 10 }, (_, i) => `${i * 10}-${i * 10 + 9}`), '100+'];
  columns.push('NOT_RECORDED');
  const band = (p: Person) => {
    const age = year - p.birthYear;
    return age >= 100 ? '100+' : `${Math.floor(age / 10) * 10}-${Math.floor(age / 10) * 10 + 9}`;
  };
  const cells = rows.flatMap((row) =>
    columns.map((column) => ({
      values: [row, column],
      count: group.filter((p) => SEXES[p.sex] === row && band(p) === column).length,
    })),
  );
  const margins = [
    ...rows.map((value) => ({
      dimension: 'SEX',
      value,
      count: group.filter((p) => SEXES[p.sex] === value).length,
    })),
    ...columns.map((value) => ({
      dimension: 'AGE_BAND',
      value,
      count: group.filter((p) => band(p) === value).length,
    })),
  ];
  const lines = [
    { members: rows.map((value) => `SEX:${value}`), sum: null },
    { members: columns.map((value) => `AGE_BAND:${value}`), sum: null },
    ...rows.map((row) => ({
      members: columns.map((column) => `${row}|${column}`),
      sum: `SEX:${row}`,
    })),
    ...columns.map((column) => ({
      members: rows.map((row) => `${row}|${column}`),
      sum: `AGE_BAND:${column}`,
    })),
  ];
  return { cells, margins, lines };
}
