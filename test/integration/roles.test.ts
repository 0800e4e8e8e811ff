import { loadMasterSecret } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { loadAllFixtures } from '../fixtures/sites';
import { embedCount, embedToken, postEmbed } from '../helpers/embed';
import { startTestStack, type TestStack } from '../helpers/stack';

const COUNT = `query ($c: CohortCriterion!) {
  cohortCount(criteria: $c) { value display suppressed threshold roundedTo }
}`;
const SUBJECT = 'query ($id: ID!) { subject(id: $id) { id sex } }';
const ME = '{ me { subject role project grants { dataset level maxCategory } } }';
const SAVE = `mutation ($c: CohortCriterion!) { saveCohort(name: "mine", criteria: $c) { id } }`;

/** The role gate refuses before any ID is looked at, so any well-formed one will do. */
const ANY_ID = '0'.repeat(32);

const LUNG = { diagnosis: { codePrefix: 'C34' } };
/** One leaf per site: E11 (EHR), brain MRI (imaging), APOE e4 (genomics); keys 12–22. */
const ALL_SITES = {
  all: [
    { diagnosis: { codePrefix: 'E11' } },
    { imaging: { modality: 'MR', bodyPart: 'HEAD' } },
    { apoe: { minE4Copies: 1 } },
  ],
};

describe('what each role may ask', () => {
  let stack: TestStack;
  let pseudonyms: Pseudonymiser;
  let governance: string;
  let embed: string;
  let feasibility: string;

  beforeAll(async () => {
    stack = await startTestStack();
    pseudonyms = new Pseudonymiser(await loadMasterSecret(stack.keysDir));
    await loadAllFixtures(stack);
    [governance, embed, feasibility] = await Promise.all([
      stack.token('governance'),
      embedToken(stack),
      stack.token('analyst', 'feasibility'),
    ]);
  });

  afterAll(() => stack.stop());

  /** The one error of a request the gateway refused before running it. */
  async function refusal(token: string, query: string, variables?: Record<string, unknown>) {
    const { status, body } = await stack.query(token, query, variables);
    return { status, data: body.data, extensions: body.errors?.map((error) => error.extensions) };
  }

  describe('governance', () => {
    it('should call me and see its role, with no project and no grants', async () => {
      const { status, body } = await stack.query(governance, ME);
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { me: { subject: 'dev-governance', role: 'GOVERNANCE', project: null, grants: [] } },
      });
    });

    it.each([
      ['Query.cohortCount', COUNT, { c: LUNG }],
      ['Query.subject', SUBJECT, { id: ANY_ID }],
      ['Mutation.saveCohort', SAVE, { c: LUNG }],
    ])('should be refused %s', async (field, query, variables) => {
      expect(await refusal(governance, query, variables)).toEqual({
        status: 403,
        data: undefined,
        extensions: [{ code: 'FORBIDDEN', field }],
      });
    });
  });

  describe('embed', () => {
    it('should count a cohort, rounded to the nearest 10', async () => {
      const { status, body } = await embedCount(stack, embed, LUNG);
      expect(status).toBe(200);
      expect(body).toEqual({
        data: {
          cohortCount: {
            value: 20,
            display: '20',
            suppressed: false,
            threshold: 10,
            roundedTo: 10,
          },
        },
      });
    });

    it.each([
      ['Query.me', ME, undefined],
      ['Query.subject', SUBJECT, { id: ANY_ID }],
      ['Mutation.saveCohort', SAVE, { c: LUNG }],
    ])('should be refused %s', async (field, query, variables) => {
      const { status, body } = await postEmbed(stack, embed, { query, variables });
      expect({
        status,
        data: body.data,
        extensions: body.errors?.map((e) => e.extensions),
      }).toEqual({
        status: 403,
        data: undefined,
        extensions: [{ code: 'FORBIDDEN', field }],
      });
    });
  });

  describe('an analyst of feasibility', () => {
    it('should count across all three sites, rounded to 5', async () => {
      const { body } = await stack.query(feasibility, COUNT, { c: ALL_SITES });
      expect(body).toEqual({
        data: {
          cohortCount: { value: 10, display: '10', suppressed: false, threshold: 10, roundedTo: 5 },
        },
      });
    });

    it('should see its COUNT grants on every dataset', async () => {
      const { body } = await stack.query(feasibility, ME);
      expect(body.data).toEqual({
        me: {
          subject: 'dev-analyst',
          role: 'ANALYST',
          project: 'feasibility',
          grants: [
            { dataset: 'EHR', level: 'COUNT', maxCategory: 'CORE' },
            { dataset: 'GENOMICS', level: 'COUNT', maxCategory: 'CORE' },
            { dataset: 'IMAGING', level: 'COUNT', maxCategory: 'CORE' },
          ],
        },
      });
    });

    it('should be refused subject() for one of its own release IDs', async () => {
      const id = pseudonyms.releaseId('feasibility', 12);
      const { status, body } = await stack.query(feasibility, SUBJECT, { id });
      expect(status).toBe(200);
      expect(body.data).toEqual({ subject: null });
      expect(body.errors).toEqual([
        expect.objectContaining({
          path: ['subject'],
          extensions: { code: 'FORBIDDEN', field: 'Query.subject' },
        }),
      ]);
    });

    it('should be refused saving a cohort, which would give record access', async () => {
      const { body } = await stack.query(feasibility, SAVE, { c: LUNG });
      expect(body.data).toBeNull();
      expect(body.errors?.map((error) => error.extensions)).toEqual([
        { code: 'FORBIDDEN', field: 'Mutation.saveCohort' },
      ]);
    });
  });
});
