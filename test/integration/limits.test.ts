import type { SubgraphName } from '../../common/config';
import { countStatements, notAuditAppend } from '../helpers/sql-counter';
import { startTestStack, type TestStack } from '../helpers/stack';

const SERVICES: SubgraphName[] = ['imaging', 'genomics', 'ehr', 'cohort', 'governance'];

describe('operation limits at the gateway', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack({
      limits: { maxDepth: 6, maxAliases: 5, maxCost: 2_000, maxTokens: 300 },
      rateLimit: { perSecond: 1, burst: 5 },
    });
    token = await stack.token('analyst', 'demo-lung');
  });

  afterAll(() => stack.stop());

  /** Runs a query; returns the first error and the SQL it cost beyond its audit entry. */
  async function refused(query: string, variables?: Record<string, unknown>) {
    const counters = SERVICES.map((name) =>
      countStatements(stack.services[name].db, notAuditAppend),
    );
    const result = await stack.query(token, query, variables);
    counters.forEach((counter) => counter.detach());
    return {
      status: result.status,
      error: result.body.errors?.[0],
      statements: counters.reduce((sum, counter) => sum + counter.count(), 0),
    };
  }

  it.each([
    [
      'too deep',
      '{ cohort(id: "x") { subjects { edges { node { imagingStudies { series { uid } } } } } } }',
      'maxDepth',
    ],
    [
      'too many aliases',
      '{ a: me { role } b: me { role } c: me { role } d: me { role } e: me { role } f: me { role } }',
      'maxAliases',
    ],
    [
      'too costly through page sizes',
      '{ cohort(id: "x") { subjects(first: 1000) { edges { node { id sex birthYear } } } } }',
      'maxCost',
    ],
    ['too many tokens', `{ me { ${'role '.repeat(400)} } }`, 'maxTokens'],
  ])('should refuse a query %s with QUERY_TOO_COMPLEX and no SQL', async (_name, query, limit) => {
    const { status, error, statements } = await refused(query);
    expect(status).toBe(400);
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
    expect(statements).toBe(0);
  });

  it('should count page sizes given through variables', async () => {
    const { error } = await refused(
      'query ($n: Int) { cohort(id: "x") { subjects(first: $n) { edges { node { id sex } } } } }',
      { n: 1000 },
    );
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
  });

  it('should refuse a flood with RATE_LIMITED, Retry-After, and serve other callers', async () => {
    const flooder = await stack.token('analyst', 'demo-lung', '5m');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i += 1) {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${flooder}` },
        body: JSON.stringify({ query: '{ me { role } }' }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(await response.json()).toMatchObject({
          errors: [{ extensions: { code: 'RATE_LIMITED' } }],
        });
      }
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(2);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);

    const other = await stack.token('analyst', 'demo-dementia');
    expect((await stack.query(other, '{ me { role } }')).status).toBe(200);
  });
});
