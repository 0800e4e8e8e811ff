import { E11, HBA1C_HIGH, loadCountsFixture, sex } from '../fixtures/counts';
import { startTestStack, type TestStack } from '../helpers/stack';

interface Budget {
  limit: number;
  used: number;
  remaining: number;
  resetsAt: string;
}

const ME = '{ me { subject project queryBudget { limit used remaining resetsAt } } }';
const COUNT = `query ($c: CohortCriterion!) { cohortCount(criteria: $c) { value } }`;

describe('the query budget, visible in me (issue 5)', () => {
  let stack: TestStack;
  const before = process.env.QUERY_BUDGET_PER_DAY;

  beforeAll(async () => {
    process.env.QUERY_BUDGET_PER_DAY = '6';
    stack = await startTestStack();
    await loadCountsFixture(stack);
  });

  afterAll(async () => {
    await stack.stop();
    if (before === undefined) {
      delete process.env.QUERY_BUDGET_PER_DAY;
    } else {
      process.env.QUERY_BUDGET_PER_DAY = before;
    }
  });

  function caller(subject: string, project = 'feasibility') {
    return stack.issuer.mint({ role: 'analyst', project, subject });
  }

  async function budget(token: string): Promise<Budget | null> {
    const { body } = await stack.query<{ me: { queryBudget: Budget | null } }>(token, ME);
    expect(body.errors).toBeUndefined();
    return body.data!.me.queryBudget;
  }

  async function count(token: string, criteria: unknown) {
    return (
      await stack.query<{ cohortCount: { value: number | null } }>(token, COUNT, { c: criteria })
    ).body;
  }

  it('should charge new questions, not repeats, and refuse what the budget cannot cover', async () => {
    const alice = await caller('alice');
    const bob = await caller('bob');
    const midnight = new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000).toISOString();
    expect(await budget(alice)).toEqual({ limit: 6, used: 0, remaining: 6, resetsAt: midnight });

    await count(alice, E11);
    await count(alice, E11);
    await count(alice, { all: [E11, E11] });
    // The same question with the same answer, from another caller of the project: free too.
    await count(bob, E11);
    expect(await budget(alice)).toMatchObject({ used: 1, remaining: 5 });

    await count(alice, { diagnosis: { codePrefix: 'C34' } });
    // A breakdown by sex costs its four cells.
    const table = await stack.query(
      bob,
      'query ($c: CohortCriterion!) { cohortBreakdown(criteria: $c, by: [SEX]) { total { value } } }',
      { c: E11 },
    );
    expect(table.body.errors).toBeUndefined();
    expect(await budget(bob)).toMatchObject({ used: 6, remaining: 0 });

    const over = await count(alice, sex('FEMALE'));
    expect(over.data).toBeNull();
    expect(over.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    const wait = over.errors![0].extensions!.retryAfterSeconds as number;
    expect(Math.abs(Date.now() + wait * 1000 - Date.parse(midnight))).toBeLessThan(60_000);
    expect(await budget(alice)).toMatchObject({ used: 6, remaining: 0 });

    // Repeats still cost nothing, so they are still answered.
    expect((await count(alice, E11)).data?.cohortCount.value).toBe(120);
    // Budgets are per project.
    expect(await budget(await caller('carol', 'demo-dementia'))).toMatchObject({ used: 0 });
  });

  it('should charge a question refused as differencing, so refusals cannot be probed for free', async () => {
    const dave = await caller('dave', 'demo-lung');
    await count(dave, E11);
    const refused = await count(dave, { all: [E11, HBA1C_HIGH] });
    expect(refused.errors?.[0]?.extensions?.code).toBe('DISCLOSURE_REFUSED');
    expect(await budget(dave)).toMatchObject({ used: 2 });
  });

  it('should show no budget to a caller without a project', async () => {
    const staff = await stack.token('governance');
    expect(await budget(staff)).toBeNull();
  });
});
