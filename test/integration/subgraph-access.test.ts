import { generateKeyPair } from 'jose';

import { type SubgraphName, SUBGRAPHS } from '../../common/config';
import { type InternalIdentity, InternalTokenSigner } from '../../common/internal-token';
import { loadMasterSecret, loadSigningKey, SIGNING_ALG, type SigningKey } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { LEAK_PATTERN, nowSeconds, postGraphQL } from '../helpers/caller-tokens';
import {
  ALL_RECORD_GRANTS,
  freshInternalToken,
  handMadeInternalToken,
} from '../helpers/internal-tokens';
import { startTestStack, type TestStack } from '../helpers/stack';

const LINKAGE_KEY = 4242;
const PROJECT = 'demo-dementia';
const SERVICE = '{ _service { sdl } }';
const ENTITIES = 'query($r:[_Any!]!){ _entities(representations:$r){ ... on Subject { id } } }';

/** Subgraphs that extend Subject; governance has no entity. */
const ENTITY_SUBGRAPHS: SubgraphName[] = ['imaging', 'genomics', 'ehr', 'cohort'];
const DATA_SITES = ['imaging', 'genomics', 'ehr'] as const;

/**
 * Record fields of Subject per data site, what the seeded subject holds in them, and how
 * those values would look in a response body.
 */
const RECORD_FIELDS: Record<
  (typeof DATA_SITES)[number],
  { selection: string; data: object; leaks: string[] }
> = {
  imaging: {
    selection: 'imagingStudies { modality bodyPart }',
    data: { imagingStudies: [{ modality: 'CT', bodyPart: 'CHEST' }] },
    leaks: ['"CHEST"', '"CT"'],
  },
  genomics: { selection: 'apoe', data: { apoe: 'e3/e4' }, leaks: ['e3/e4'] },
  ehr: {
    selection: 'sex birthYear',
    data: { sex: 'FEMALE', birthYear: 1950 },
    leaks: ['"FEMALE"', ':1950'],
  },
};

const CALLER: Omit<InternalIdentity, 'issuer'> = {
  scope: 'caller',
  subject: 'dev-analyst',
  role: 'analyst',
  project: PROJECT,
  grants: ALL_RECORD_GRANTS,
  requestId: null,
};

interface Fixture {
  stack: TestStack;
  gatewayKey: SigningKey;
  gateway: InternalTokenSigner;
  cohort: InternalTokenSigner;
  releaseId: string;
}

type RefusedCase = [
  name: string,
  header: (fixture: Fixture, subgraph: SubgraphName) => Promise<string | undefined>,
];

const REFUSED: RefusedCase[] = [
  ['no Authorization header', async () => undefined],
  [
    'the caller’s own dev-issuer token',
    async ({ stack }) => `Bearer ${await stack.token('analyst', PROJECT)}`,
  ],
  [
    'a gateway token sent without the Bearer scheme',
    async ({ gateway }, subgraph) => gateway.sign(subgraph, CALLER),
  ],
  [
    'a gateway-signed token for another subgraph’s audience',
    async ({ gateway }, subgraph) => `Bearer ${await gateway.sign(otherThan(subgraph), CALLER)}`,
  ],
  [
    'a token from an unknown key with the gateway’s kid',
    async ({ gatewayKey }, subgraph) => {
      const { privateKey } = await generateKeyPair(SIGNING_ALG);
      const impostor = new InternalTokenSigner('gateway', { ...gatewayKey, privateKey });
      return `Bearer ${await impostor.sign(subgraph, CALLER)}`;
    },
  ],
  [
    'an expired gateway token',
    async ({ gatewayKey }, subgraph) => {
      // Within the verifier's maximum age (90 s), so only `exp` is wrong.
      const now = nowSeconds();
      const token = await handMadeInternalToken(gatewayKey, {
        issuer: 'gateway',
        audience: subgraph,
        iat: now - 70,
        exp: now - 10,
      });
      return `Bearer ${token}`;
    },
  ],
];

function otherThan(subgraph: SubgraphName): SubgraphName {
  return SUBGRAPHS.find((name) => name !== subgraph) as SubgraphName;
}

function requestsFor(subgraph: SubgraphName): Array<[string, string, Record<string, unknown>?]> {
  const service: [string, string] = ['_service', SERVICE];
  return ENTITY_SUBGRAPHS.includes(subgraph)
    ? [service, ['_entities', ENTITIES, { r: [{ __typename: 'Subject', id: 'x' }] }]]
    : [service];
}

describe('direct calls to subgraphs', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    const stack = await startTestStack();
    const gatewayKey = await loadSigningKey(stack.keysDir, 'gateway');
    fixture = {
      stack,
      gatewayKey,
      gateway: new InternalTokenSigner('gateway', gatewayKey),
      cohort: new InternalTokenSigner('cohort', await loadSigningKey(stack.keysDir, 'cohort')),
      releaseId: new Pseudonymiser(await loadMasterSecret(stack.keysDir)).releaseId(
        PROJECT,
        LINKAGE_KEY,
      ),
    };
    await seedSubject(stack);
  });

  afterAll(() => fixture.stack.stop());

  it('should run every subgraph this suite covers, and no other', () => {
    expect(Object.keys(fixture.stack.subgraphUrls).sort()).toEqual([...SUBGRAPHS].sort());
  });

  describe.each(SUBGRAPHS)('%s', (subgraph) => {
    const post = (
      authorization: string | undefined,
      query: string,
      variables?: Record<string, unknown>,
    ) => postGraphQL(fixture.stack.subgraphUrls[subgraph], authorization, query, variables);

    it('should answer _service to a gateway token for its own audience', async () => {
      const token = await fixture.gateway.sign(subgraph, CALLER);
      const { status, body } = await post(`Bearer ${token}`, SERVICE);
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect((body.data?._service as { sdl: string }).sdl).toContain('type Query');
    });

    it('should answer _service to a hand-made gateway token issued now', async () => {
      const token = await freshInternalToken(fixture.gatewayKey, 'gateway', subgraph);
      const { status, body } = await post(`Bearer ${token}`, SERVICE);
      expect(status).toBe(200);
      expect(body.data?._service).toEqual(expect.any(Object));
    });

    if (ENTITY_SUBGRAPHS.includes(subgraph)) {
      it('should answer _entities to a gateway token for its own audience', async () => {
        const token = await fixture.gateway.sign(subgraph, CALLER);
        const { status, body } = await post(`Bearer ${token}`, ENTITIES, {
          r: [{ __typename: 'Subject', id: fixture.releaseId }],
        });
        expect(status).toBe(200);
        expect(body).toEqual({ data: { _entities: [{ id: fixture.releaseId }] } });
      });
    }

    const cases = REFUSED.flatMap(([name, header]) =>
      requestsFor(subgraph).map(([field, query, variables]) => ({
        name,
        header,
        field,
        query,
        variables,
      })),
    );
    it.each(cases)('should refuse $field with $name', async ({ header, query, variables }) => {
      const { status, text, body } = await post(await header(fixture, subgraph), query, variables);
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(text).not.toContain('@key');
      expect(text).not.toMatch(LEAK_PATTERN);
    });
  });

  describe('the cohort service’s own key', () => {
    const matcher = (audience: SubgraphName) =>
      fixture.cohort.sign(audience, {
        ...CALLER,
        scope: 'matcher',
        subject: 'cohort',
      });

    it('should be verified at a data site, yet reach nothing but the matcher', async () => {
      const authorization = `Bearer ${await matcher('ehr')}`;
      const service = await postGraphQL(fixture.stack.subgraphUrls.ehr, authorization, SERVICE);
      expect(service.status).toBe(200);
      expect(service.body.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        field: 'Query._service',
      });
      const match = await postGraphQL(
        fixture.stack.subgraphUrls.ehr,
        authorization,
        'query($l:[String!]!){ ehrMatch(leaves:$l) }',
        { l: [JSON.stringify({ kind: 'everyone' })] },
      );
      expect(match.body.errors).toBeUndefined();
      expect(match.body.data?.ehrMatch).toEqual([expect.any(String)]);
    });

    const extract = (audience: SubgraphName) =>
      fixture.cohort.sign(audience, { ...CALLER, scope: 'extract', subject: 'cohort' });
    const APPEND = 'mutation($e:[String!]!){ appendAuditEntries(entries:$e) }';
    const REGISTER = 'mutation($r:String!){ registerExtract(request:$r) }';

    it('should reach nothing at governance but registering an extract, with that scope only', async () => {
      for (const [token, query, variables] of [
        [await matcher('governance'), SERVICE, {}],
        [await matcher('governance'), '{ me { role project } }', {}],
        [await matcher('governance'), REGISTER, { r: '{}' }],
        [await extract('governance'), SERVICE, {}],
        [await extract('governance'), '{ me { role project } }', {}],
        [await extract('governance'), APPEND, { e: ['{}'] }],
      ] as const) {
        const { body } = await postGraphQL(
          fixture.stack.subgraphUrls.governance,
          `Bearer ${token}`,
          query,
          variables,
        );
        expect(body.data ?? null).toBeNull();
        expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });

    it('should not let the matcher scope freeze an extract at a site', async () => {
      const freeze = await postGraphQL(
        fixture.stack.subgraphUrls.ehr,
        `Bearer ${await matcher('ehr')}`,
        'mutation($m:String!){ ehrFreezeExtract(id:"11111111-1111-4111-8111-111111111111", project:"demo-lung", members:$m) }',
        { m: Buffer.alloc(4).toString('base64') },
      );
      expect(freeze.body.data ?? null).toBeNull();
      expect(freeze.body.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        field: 'Mutation.ehrFreezeExtract',
      });
      const [{ frozen }] = await fixture.stack.services.ehr.db.query<Array<{ frozen: number }>>(
        'SELECT count(*)::int AS frozen FROM extract_member',
      );
      expect(frozen).toBe(0);
    });

    it('should not reach a site’s matcher or records with the extract scope', async () => {
      const authorization = `Bearer ${await extract('ehr')}`;
      const match = await postGraphQL(
        fixture.stack.subgraphUrls.ehr,
        authorization,
        'query($l:[String!]!){ ehrMatch(leaves:$l) }',
        { l: [JSON.stringify({ kind: 'everyone' })] },
      );
      expect(match.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const service = await postGraphQL(fixture.stack.subgraphUrls.ehr, authorization, SERVICE);
      expect(service.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it.each(DATA_SITES)(
      'should read Subject records at %s through a gateway caller token, as a control',
      async (site) => {
        const { selection, data } = RECORD_FIELDS[site];
        const token = await fixture.gateway.sign(site, CALLER);
        const { body } = await postGraphQL(
          fixture.stack.subgraphUrls[site],
          `Bearer ${token}`,
          `query($r:[_Any!]!){ _entities(representations:$r){ ... on Subject { ${selection} } } }`,
          { r: [{ __typename: 'Subject', id: fixture.releaseId }] },
        );
        expect(body).toEqual({ data: { _entities: [data] } });
      },
    );

    it.each(DATA_SITES)(
      'should not read Subject record fields at %s, whatever grants it claims',
      async (site) => {
        const { selection, data, leaks } = RECORD_FIELDS[site];
        const { text, body } = await postGraphQL(
          fixture.stack.subgraphUrls[site],
          `Bearer ${await matcher(site)}`,
          `query($r:[_Any!]!){ _entities(representations:$r){ ... on Subject { ${selection} } } }`,
          { r: [{ __typename: 'Subject', id: fixture.releaseId }] },
        );

        // The matcher identity is refused at entity resolution itself, before any field.
        const fields = Object.keys(data);
        expect(body.errors?.map((error) => error.extensions)).toEqual([
          expect.objectContaining({ code: 'FORBIDDEN', field: 'Query._entities' }),
        ]);
        const entities = (body.data?._entities ?? [null]) as Array<Record<string, unknown> | null>;
        for (const entity of entities) {
          for (const field of fields) {
            expect(entity?.[field] ?? null).toBeNull();
          }
        }
        for (const leak of leaks) {
          expect(text).not.toContain(leak);
        }
      },
    );
  });
});

/** One subject with a record at each data site, so that a refusal is not an empty answer. */
async function seedSubject(stack: TestStack): Promise<void> {
  await stack.services.ehr.db.query(
    `INSERT INTO person (linkage_key, sex, birth_year, deprivation_decile, health_board)
     VALUES ($1, 'F', 1950, 3, 'Lothian')`,
    [LINKAGE_KEY],
  );
  await stack.services.genomics.db.query(
    `INSERT INTO apoe (linkage_key, genotype, e4_copies) VALUES ($1, 'e3/e4', 1)`,
    [LINKAGE_KEY],
  );
  await stack.services.imaging.db.query(
    `INSERT INTO study (id, linkage_key, study_uid, modality, body_part, study_date)
     VALUES (1, $1, '1.2.826.0.1.3680043.2.1125.1', 'CT', 'CHEST', '2020-03-01')`,
    [LINKAGE_KEY],
  );
}
