import { loadMasterSecret } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { startTestStack, type TestStack } from '../helpers/stack';

const LINKAGE_KEY = 4242;

describe('federation skeleton', () => {
  let stack: TestStack;
  let pseudonyms: Pseudonymiser;

  beforeAll(async () => {
    stack = await startTestStack();
    pseudonyms = new Pseudonymiser(await loadMasterSecret(stack.keysDir));
    await stack.services.ehr.db.query(
      `INSERT INTO person (linkage_key, sex, birth_year, deprivation_decile, health_board)
       VALUES ($1, 'F', 1950, 3, 'Lothian')`,
      [LINKAGE_KEY],
    );
    await stack.services.genomics.db.query(
      `INSERT INTO apoe (linkage_key, genotype, e4_copies) VALUES ($1, 'e3/e4', 1)`,
      [LINKAGE_KEY],
    );
  });

  afterAll(() => stack.stop());

  it('should answer me with role, project and live grants for a demo-lung analyst', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const { status, body } = await stack.query(
      token,
      '{ me { subject role project grants { dataset level maxCategory } } }',
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        me: {
          subject: 'dev-analyst',
          role: 'ANALYST',
          project: 'demo-lung',
          grants: [
            { dataset: 'EHR', level: 'RECORD', maxCategory: 'SUPPLEMENTAL' },
            { dataset: 'IMAGING', level: 'RECORD', maxCategory: 'SUPPLEMENTAL' },
          ],
        },
      },
    });
  });

  it('should resolve a release ID back to the subject’s records through the federation', async () => {
    const token = await stack.token('analyst', 'demo-dementia');
    const id = pseudonyms.releaseId('demo-dementia', LINKAGE_KEY);
    const { body } = await stack.query(
      token,
      'query ($id: ID!) { subject(id: $id) { id sex birthYear apoe } }',
      { id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ subject: { id, sex: 'FEMALE', birthYear: 1950, apoe: 'e3/e4' } });
  });

  it('should give two projects different release IDs that do not resolve across projects', async () => {
    const lungId = pseudonyms.releaseId('demo-lung', LINKAGE_KEY);
    const dementiaId = pseudonyms.releaseId('demo-dementia', LINKAGE_KEY);
    expect(lungId).not.toBe(dementiaId);
    expect(pseudonyms.linkageKey('demo-lung', lungId)).toBe(LINKAGE_KEY);
    expect(pseudonyms.linkageKey('demo-dementia', lungId)).toBeNull();

    const token = await stack.token('analyst', 'demo-dementia');
    const { body } = await stack.query(token, 'query ($id: ID!) { subject(id: $id) { id sex } }', {
      id: lungId,
    });
    expect(body).toEqual({ data: { subject: null } });
  });

  it('should deny a field the project is not granted with FORBIDDEN naming the field', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const id = pseudonyms.releaseId('demo-lung', LINKAGE_KEY);
    const { body } = await stack.query(
      token,
      'query ($id: ID!) { subject(id: $id) { sex apoe } }',
      {
        id,
      },
    );
    expect(body.data).toEqual({ subject: { sex: 'FEMALE', apoe: null } });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Subject.apoe'),
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Subject.apoe' }),
      }),
    ]);
  });

  it('should refuse records to a project with only COUNT grants', async () => {
    const token = await stack.token('analyst', 'feasibility');
    const id = pseudonyms.releaseId('feasibility', LINKAGE_KEY);
    const { body } = await stack.query(token, 'query ($id: ID!) { subject(id: $id) { sex } }', {
      id,
    });
    expect(body.data).toEqual({ subject: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'Query.subject',
    });
  });

  it('should answer malformed requests with 400 and a coded error', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const syntax = await stack.query(token, '{ me { role ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const unknown = await stack.query(token, '{ me { password } }');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })],
    });
  });

  it('should keep hosts, stacks and SQL out of every error', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const { body } = await stack.query(token, '{ subject(id: "zz") { sex apoe } me { password } }');
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|stacktrace|SELECT|at \w+ \(/);
  });
});
