import { loadMasterSecret } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { loadAllFixtures } from '../fixtures/sites';
import { insertGrant, revokeGrant, sleep } from '../helpers/projects';
import { startTestStack, type TestStack } from '../helpers/stack';

/** The gateway reuses a project's grants this long; revocation must show after it. */
const GRANTS_TTL_MS = 300;
const PAST_TTL_MS = GRANTS_TTL_MS + 150;

/** A fixture subject with APOE e4, an HbA1c result, E11.9 and C34.1 diagnoses. */
const LINKAGE_KEY = 12;

const SUBJECT = `query ($id: ID!) {
  subject(id: $id) { id apoe labResults { code value date } diagnoses { code date } }
}`;

describe('grant revocation without reissuing tokens', () => {
  let stack: TestStack;
  let pseudonyms: Pseudonymiser;

  beforeAll(async () => {
    stack = await startTestStack({ grantsTtlMs: GRANTS_TTL_MS });
    pseudonyms = new Pseudonymiser(await loadMasterSecret(stack.keysDir));
    await loadAllFixtures(stack);
  });

  afterAll(() => stack.stop());

  async function readSubject(token: string, project: string) {
    const id = pseudonyms.releaseId(project, LINKAGE_KEY);
    return (await stack.query<{ subject: Record<string, unknown> | null }>(token, SUBJECT, { id }))
      .body;
  }

  async function grantedDatasets(token: string): Promise<string[]> {
    const { body } = await stack.query<{ me: { grants: Array<{ dataset: string }> } }>(
      token,
      '{ me { grants { dataset } } }',
    );
    return (body.data?.me.grants ?? []).map((grant) => grant.dataset);
  }

  it('should refuse APOE to an issued token once the genomics grant is revoked', async () => {
    const token = await stack.token('analyst', 'demo-dementia');
    const before = await readSubject(token, 'demo-dementia');
    expect(before.errors).toBeUndefined();
    expect(before.data?.subject?.apoe).toBe('e3/e4');
    expect(await grantedDatasets(token)).toEqual(['EHR', 'GENOMICS', 'IMAGING']);

    await revokeGrant(stack, 'demo-dementia', 'genomics');
    await sleep(PAST_TTL_MS);

    const after = await readSubject(token, 'demo-dementia');
    expect(after.data?.subject).toMatchObject({ apoe: null, labResults: [expect.anything()] });
    expect(after.errors).toEqual([
      expect.objectContaining({
        path: ['subject', 'apoe'],
        extensions: { code: 'FORBIDDEN', field: 'Subject.apoe' },
      }),
    ]);
    expect(await grantedDatasets(token)).toEqual(['EHR', 'IMAGING']);
  });

  it('should narrow EHR to core for the same token: no lab values, years for dates', async () => {
    const token = await stack.token('analyst', 'demo-dementia');
    const query = 'query ($id: ID!) { subject(id: $id) { labResults { code value date } } }';
    const id = pseudonyms.releaseId('demo-dementia', LINKAGE_KEY);
    const before = await stack.query(token, query, { id });
    expect(before.body).toEqual({
      data: { subject: { labResults: [{ code: 'HBA1C', value: 54, date: '2020-05-01' }] } },
    });

    // Narrowing is a revocation and a new grant: one live grant per project and dataset.
    await revokeGrant(stack, 'demo-dementia', 'ehr');
    await insertGrant(stack, 'demo-dementia', {
      dataset: 'ehr',
      level: 'RECORD',
      maxCategory: 'core',
      expiresAt: null,
    });
    await sleep(PAST_TTL_MS);

    const after = await readSubject(token, 'demo-dementia');
    expect(after.data?.subject).toMatchObject({
      labResults: [{ code: 'HBA1C', value: null, date: '2020' }],
      diagnoses: [
        { code: 'E11.9', date: '2012' },
        { code: 'C34.1', date: '2015' },
      ],
    });
    expect(after.errors).toContainEqual(
      expect.objectContaining({
        path: ['subject', 'labResults', 0, 'value'],
        extensions: { code: 'FORBIDDEN', field: 'LabResult.value' },
      }),
    );
    const { body } = await stack.query<{ me: { grants: unknown[] } }>(
      token,
      '{ me { grants { dataset level maxCategory } } }',
    );
    expect(body.data?.me.grants).toContainEqual({
      dataset: 'EHR',
      level: 'RECORD',
      maxCategory: 'CORE',
    });
  });

  it('should refuse subject() itself once a project holds no RECORD grant', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const before = await readSubject(token, 'demo-lung');
    expect(before.data?.subject?.id).toBe(pseudonyms.releaseId('demo-lung', LINKAGE_KEY));

    await revokeGrant(stack, 'demo-lung', 'ehr');
    await revokeGrant(stack, 'demo-lung', 'imaging');
    await sleep(PAST_TTL_MS);

    const after = await readSubject(token, 'demo-lung');
    expect(after.data).toEqual({ subject: null });
    expect(after.errors?.map((error) => error.extensions)).toEqual([
      { code: 'FORBIDDEN', field: 'Query.subject' },
    ]);
    expect(await grantedDatasets(token)).toEqual([]);
  });
});
