import { loadMasterSecret } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { LEAK_PATTERN, postGraphQL } from '../helpers/caller-tokens';
import { startTestStack, type TestStack } from '../helpers/stack';
import { closedPort, startGatewayWith, startSilentServer } from '../helpers/upstreams';

const LINKAGE_KEY = 1;
const TIMEOUT_MS = 500;
/** The longest a caller may wait for an answer about a site that is down or slow. */
const PROMPT_MS = 3_000;
const SUBJECT_SEX = 'query ($id: ID!) { subject(id: $id) { sex } }';

describe('a subgraph that is down or slow', () => {
  let stack: TestStack;
  let id: string;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    stack = await startTestStack();
    id = new Pseudonymiser(await loadMasterSecret(stack.keysDir)).releaseId(
      'demo-lung',
      LINKAGE_KEY,
    );
    await stack.services.ehr.db.query(
      `INSERT INTO person (linkage_key, sex, birth_year, deprivation_decile, health_board)
       VALUES ($1, 'M', 1961, 5, 'Tayside')`,
      [LINKAGE_KEY],
    );
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop();
    }
  });

  afterAll(() => stack.stop());

  /** Starts a gateway with some subgraphs replaced, stopped after the test. */
  async function gatewayWith(replaced: Parameters<typeof startGatewayWith>[1]) {
    const gateway = await startGatewayWith(stack, replaced, TIMEOUT_MS);
    stops.push(gateway.stop);
    return gateway.url;
  }

  async function timed(url: string, query: string, variables?: Record<string, unknown>) {
    const token = await stack.token('analyst', 'demo-lung');
    const started = Date.now();
    const response = await postGraphQL(url, `Bearer ${token}`, query, variables);
    return { ...response, elapsed: Date.now() - started };
  }

  function expectUnavailable(
    result: Awaited<ReturnType<typeof timed>>,
    service: string,
    port: number,
  ): void {
    expect(result.elapsed).toBeLessThan(PROMPT_MS);
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', service }),
      }),
    ]);
    expect(result.text).not.toMatch(LEAK_PATTERN);
    expect(result.text).not.toContain(String(port));
    expect(result.text).not.toMatch(/ECONNREFUSED|fetch failed|aborted|timeout/i);
  }

  it('should read EHR fields through a gateway built this way when every site is up', async () => {
    const url = await gatewayWith({});
    const { status, body } = await timed(url, SUBJECT_SEX, { id });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { subject: { sex: 'MALE' } } });
  });

  it('should answer UPSTREAM_UNAVAILABLE promptly when EHR refuses connections', async () => {
    const port = await closedPort();
    const url = await gatewayWith({ ehr: `http://127.0.0.1:${port}/graphql` });

    const result = await timed(url, SUBJECT_SEX, { id });
    expectUnavailable(result, 'ehr', port);
    expect(result.body.data).toEqual({ subject: { sex: null } });

    const me = await timed(url, '{ me { role } }');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ data: { me: { role: 'ANALYST' } } });
  });

  it('should give up on an EHR that accepts but never answers after the timeout', async () => {
    const silent = await startSilentServer();
    stops.push(silent.close);
    const url = await gatewayWith({ ehr: `http://127.0.0.1:${silent.port}/graphql` });

    const result = await timed(url, SUBJECT_SEX, { id });
    expect(silent.requests()).toBe(1);
    expect(result.elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expectUnavailable(result, 'ehr', silent.port);

    const me = await timed(url, '{ me { role } }');
    expect(me.body).toEqual({ data: { me: { role: 'ANALYST' } } });
    const again = await timed(url, SUBJECT_SEX, { id });
    expectUnavailable(again, 'ehr', silent.port);
  });

  it('should deny with 503 when governance is down, since grants cannot be read', async () => {
    const port = await closedPort();
    const url = await gatewayWith({ governance: `http://127.0.0.1:${port}/graphql` });

    const result = await timed(url, '{ me { role } }');
    expect(result.status).toBe(503);
    expect(result.body.data ?? null).toBeNull();
    expectUnavailable(result, 'governance', port);

    const records = await timed(url, SUBJECT_SEX, { id });
    expect(records.status).toBe(503);
    expect(records.body.data ?? null).toBeNull();
    expect(JSON.stringify(records.body)).not.toContain('MALE');
  });

  it('should deny with 503 promptly when governance accepts but never answers', async () => {
    const silent = await startSilentServer();
    stops.push(silent.close);
    const url = await gatewayWith({ governance: `http://127.0.0.1:${silent.port}/graphql` });

    const result = await timed(url, '{ me { role } }');
    // One grants lookup, then one audit append of the refusal; each waited out once.
    expect(silent.requests()).toBe(2);
    expect(result.status).toBe(503);
    expectUnavailable(result, 'governance', silent.port);
  });
});
