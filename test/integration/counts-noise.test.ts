import { loadMasterSecret } from '../../common/keys';
import { DEFAULT_DISCLOSURE, releaseCount } from '../../subgraphs/cohort/disclosure-control';
import { SetFingerprints } from '../../subgraphs/cohort/set-fingerprint';
import { E11, loadCountsFixture, sex } from '../fixtures/counts';
import { startTestStack, type TestStack } from '../helpers/stack';

type Count = { value: number | null; display: string };

const COUNT = `query ($c: CohortCriterion!) { cohortCount(criteria: $c) { value display } }`;

describe('counts with noise (issue 5)', () => {
  let stack: TestStack;
  let callers = 0;
  const before = process.env.DISCLOSURE_NOISE;

  beforeAll(async () => {
    process.env.DISCLOSURE_NOISE = 'on';
    stack = await startTestStack();
    await loadCountsFixture(stack);
  });

  afterAll(async () => {
    await stack.stop();
    if (before === undefined) {
      delete process.env.DISCLOSURE_NOISE;
    } else {
      process.env.DISCLOSURE_NOISE = before;
    }
  });

  function newCaller(project = 'feasibility') {
    callers += 1;
    return stack.issuer.mint({ role: 'analyst', project, subject: `noise-${callers}` });
  }

  async function value(token: string, criteria: unknown): Promise<number | null> {
    const { body } = await stack.query<{ cohortCount: Count }>(token, COUNT, { c: criteria });
    expect(body.errors).toBeUndefined();
    return body.data!.cohortCount.value;
  }

  it('should add the noise of each set, from the master secret, before rounding', async () => {
    const fingerprints = new SetFingerprints(await loadMasterSecret(stack.keysDir));
    const year = new Date().getUTCFullYear();
    const changed: boolean[] = [];
    // Diabetics, and others, born by each of ten years: twenty sets of 12 to 180 people.
    for (let age = 20; age < 90; age += 7) {
      for (const diabetic of [true, false]) {
        const born = { demographics: { birthYearTo: year - age } };
        const criteria = { all: [born, diabetic ? E11 : { not: E11 }] };
        const keys = await keysOf(year - age, diabetic);
        const noise = fingerprints.noise(fingerprints.digest(keys), DEFAULT_DISCLOSURE.noiseMax);
        const settings = { ...DEFAULT_DISCLOSURE, noise: true };
        const expected = releaseCount(keys.length, 'analyst', settings, { noise }).value;
        // Each set by its own caller: nested sets asked by one would be refused.
        expect(await value(await newCaller(), criteria)).toBe(expected);
        changed.push(expected !== releaseCount(keys.length, 'analyst').value);
      }
    }
    // Noise of ±2 moves a count over a rounding boundary about two times in five.
    expect(changed).toContain(true);
  });

  /** The linkage keys the EHR site holds for people born by a year, diabetic or not. */
  async function keysOf(bornBy: number, diabetic: boolean): Promise<Uint32Array> {
    const rows: Array<{ k: number }> = await stack.services.ehr.db.query(
      `SELECT linkage_key AS k FROM person WHERE birth_year <= $1
         AND ($2 = EXISTS (SELECT 1 FROM diagnosis d
                           WHERE d.linkage_key = person.linkage_key AND d.icd10 LIKE 'E11%'))
       ORDER BY 1`,
      [bornBy, diabetic],
    );
    return Uint32Array.from(rows.map((row) => row.k));
  }

  it('should give the same answer however often or however worded, so averaging learns nothing', async () => {
    const token = await newCaller();
    const definition = { all: [E11, sex('FEMALE')] };
    const answers = new Set<number | null>();
    for (let i = 0; i < 10; i += 1) {
      answers.add(await value(token, definition));
      answers.add(await value(token, { all: [sex('FEMALE'), { all: [E11] }] }));
    }
    // Other callers with other definitions of the same people: the noise follows the set.
    answers.add(
      await value(await newCaller(), {
        all: [{ diagnosis: { codePrefix: 'E11.9' } }, sex('FEMALE')],
      }),
    );
    answers.add(
      await value(await newCaller('demo-lung'), {
        all: [E11, { not: sex('MALE') }, { not: sex('UNKNOWN') }],
      }),
    );
    expect(answers.size).toBe(1);
  });

  it('should answer a breakdown’s total and cells as the counts of the same sets', async () => {
    const token = await newCaller();
    const { body } = await stack.query<{
      cohortBreakdown: { total: Count; cells: Array<{ values: string[]; count: Count }> };
    }>(
      token,
      `query ($c: CohortCriterion!) { cohortBreakdown(criteria: $c, by: [SEX]) {
        total { value display } cells { values count { value display } } } }`,
      { c: E11 },
    );
    expect(body.errors).toBeUndefined();
    const { total, cells } = body.data!.cohortBreakdown;
    expect(total.value).toBe(await value(await newCaller(), E11));
    expect(cells[0]).toEqual({
      values: ['FEMALE'],
      count: {
        value: await value(token, { all: [E11, sex('FEMALE')] }),
        display: expect.any(String),
      },
    });
  });

  it('should count a saved cohort as cohortCount counts the same set', async () => {
    const token = await newCaller('demo-lung');
    const { body } = await stack.query<{ saveCohort: { count: Count } }>(
      token,
      'mutation ($c: CohortCriterion!) { saveCohort(name: "noisy", criteria: $c) { count { value display } } }',
      { c: { all: [E11, sex('FEMALE')] } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.saveCohort.count.value).toBe(
      await value(await newCaller(), { all: [E11, sex('FEMALE')] }),
    );
  });
});
