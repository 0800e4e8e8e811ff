import { startTestStack, type TestStack } from '../helpers/stack';

describe('production mode', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ production: true });
  });

  afterAll(() => stack.stop());

  it('should refuse introspection and suggest no field names', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const introspection = await stack.query(token, '{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(introspection.body)).not.toContain('Subject');

    const typo = await stack.query(token, '{ me { rol } }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('should refuse a simple cross-site form post (CSRF prevention)', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: '{"query":"{ me { role } }"}',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: unknown }>;
    };
    expect(body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it('should serve no landing page', async () => {
    const response = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toMatch(/<html/i);
  });
});
