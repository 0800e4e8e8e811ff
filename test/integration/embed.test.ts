import { canonicalJson } from '../../common/audit-entry';
import { loadSigningKey } from '../../common/keys';
import { E11, HBA1C_HIGH, loadCountsFixture } from '../fixtures/counts';
import { handMadeCallerToken, nowSeconds } from '../helpers/caller-tokens';
import {
  embedCount,
  embedToken,
  persisted,
  PORTAL,
  postEmbed,
  SAFELIST_OPERATIONS,
  SAFELISTED,
} from '../helpers/embed';
import { insertProject, revokeGrant } from '../helpers/projects';
import { startTestStack, type TestStack } from '../helpers/stack';

type Count = { value: number | null; display: string; suppressed: boolean; roundedTo: number };

const COUNT_DOCUMENT = `query ($c: CohortCriterion!) { cohortCount(criteria: $c) { value display } }`;
const FEASIBILITY_GRANTS = (['ehr', 'imaging', 'genomics'] as const).map((dataset) => ({
  dataset,
  level: 'COUNT' as const,
  maxCategory: 'core' as const,
  expiresAt: null,
}));

describe('embedded counts (issue 8)', () => {
  let stack: TestStack;
  let subjects = 0;

  beforeAll(async () => {
    // A small per-app limit, so that a flood is refused however slowly this machine answers
    // (Jest gives each test file its own copy of the environment).
    process.env.EMBED_RATE_PER_SECOND = '1';
    process.env.EMBED_RATE_BURST = '10';
    // Grants read afresh on every request, so that a revocation is seen at once.
    stack = await startTestStack({ grantsTtlMs: 1 });
    await loadCountsFixture(stack);
  });

  afterAll(() => stack.stop());

  /** An embed token with a subject of its own, so that each test has its own ledger. */
  function freshToken(options: Parameters<typeof embedToken>[1] = {}) {
    subjects += 1;
    return embedToken(stack, { subject: `embed-${subjects}`, ...options });
  }

  async function ledgerRows(): Promise<number> {
    const rows: Array<{ n: number }> = await stack.services.cohort.db.query(
      'SELECT count(*)::int AS n FROM query_ledger',
    );
    return rows[0].n;
  }

  async function auditEntries(caller: string) {
    const rows: Array<{ entry: string }> = await stack.services.governance.db.query(
      'SELECT entry FROM audit_log WHERE caller = $1 ORDER BY seq',
      [caller],
    );
    return rows.map(
      (row) =>
        JSON.parse(row.entry) as {
          outcome: string;
          httpStatus: number;
          errorCodes: string[];
          releasedCounts: string[];
          operationName: string | null;
          document: string | null;
          coordinates: string[];
        },
    );
  }

  describe('a safelisted count from an allowed origin', () => {
    it('should answer, rounded to 10, readable by that origin alone and without credentials', async () => {
      const token = await freshToken();
      const { status, headers, body } = await embedCount<{ cohortCount: Count }>(stack, token, E11);
      expect(status).toBe(200);
      expect(body).toEqual({
        data: {
          cohortCount: {
            value: 120,
            display: '120',
            suppressed: false,
            threshold: 10,
            roundedTo: 10,
          },
        },
      });
      expect(headers.get('access-control-allow-origin')).toBe(PORTAL);
      expect(headers.get('vary')).toMatch(/Origin/);
      expect(headers.get('access-control-allow-credentials')).toBeNull();
      expect(headers.get('set-cookie')).toBeNull();
      expect(headers.get('cache-control')).toBe('no-store');
    });

    it('should serve an identical request from the cache, and audit both with the counts released', async () => {
      const subject = `embed-cache-${(subjects += 1)}`;
      const token = await embedToken(stack, { subject });
      const first = await embedCount(stack, token, { all: [E11, HBA1C_HIGH] });
      const rows = await ledgerRows();

      // The same definition reworded: members reordered, nested and repeated.
      const again = await embedCount(stack, token, {
        all: [HBA1C_HIGH, { all: [E11, HBA1C_HIGH] }],
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await ledgerRows()).toBe(rows);

      const entries = await auditEntries(subject);
      expect(entries).toHaveLength(2);
      for (const entry of entries) {
        expect(entry).toMatchObject({
          outcome: 'OK',
          httpStatus: 200,
          operationName: 'EmbedCohortCount',
          releasedCounts: ['120'],
        });
        expect(entry.coordinates).toContain('Query.cohortCount');
      }
    });

    it('should not share cached answers between subjects', async () => {
      const first = await embedCount(stack, await freshToken(), E11);
      const rows = await ledgerRows();
      const other = await embedCount(stack, await freshToken(), E11);
      expect(other.body).toEqual(first.body);
      expect(await ledgerRows()).toBe(rows + 1);
    });

    it('should stop serving a cached answer once the project loses a grant', async () => {
      await insertProject(stack, 'embed-revoked', FEASIBILITY_GRANTS);
      const token = await freshToken({ project: 'embed-revoked' });
      expect((await embedCount(stack, token, E11)).status).toBe(200);
      await revokeGrant(stack, 'embed-revoked', 'ehr');
      const after = await embedCount(stack, token, E11);
      expect(after.status).toBe(403);
      expect(after.body.data).toBeNull();
      expect(after.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('should run the safelisted breakdown', async () => {
      const { status, body } = await postEmbed<{ cohortBreakdown: { total: Count } }>(
        stack,
        await freshToken(),
        persisted('EmbedCohortBreakdown', { criteria: E11, by: ['MODALITY'] }),
      );
      expect(status).toBe(200);
      expect(body.data?.cohortBreakdown.total).toMatchObject({ value: 120, roundedTo: 10 });
    });

    it('should accept the document with its hash when the text matches', async () => {
      const { document } = SAFELIST_OPERATIONS.find(({ name }) => name === 'EmbedCohortCount')!;
      const { status } = await postEmbed(stack, await freshToken(), {
        ...persisted('EmbedCohortCount', { criteria: E11 }),
        query: document,
      });
      expect(status).toBe(200);
    });
  });

  describe('preflight', () => {
    it('should answer any origin with the methods and headers, never credentials', async () => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://anyone.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toBe('POST');
      expect(response.headers.get('access-control-allow-headers')).toMatch(
        /authorization, content-type/,
      );
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });
  });

  describe('refusals', () => {
    it.each([
      [
        'an ad-hoc document with only cohortCount',
        { query: COUNT_DOCUMENT, variables: { c: E11 } },
      ],
      [
        'an unknown hash',
        {
          variables: {},
          extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
        },
      ],
      ['no document at all', { variables: { criteria: E11 } }],
    ])('should refuse %s before execution', async (_name, request) => {
      const rows = await ledgerRows();
      const { status, headers, body } = await postEmbed(stack, await freshToken(), request);
      expect(status).toBe(403);
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        { message: expect.stringMatching(/safelisted/), extensions: { code: 'FORBIDDEN' } },
      ]);
      // The page may read why.
      expect(headers.get('access-control-allow-origin')).toBe(PORTAL);
      expect(await ledgerRows()).toBe(rows);
    });

    it('should refuse a safelisted hash sent with another document, and log what was sent', async () => {
      const rows = await ledgerRows();
      const subject = `embed-mismatch-${(subjects += 1)}`;
      const { status, body } = await postEmbed(stack, await embedToken(stack, { subject }), {
        ...persisted('EmbedCohortCount', { criteria: E11 }),
        query:
          'query EmbedCohortCount($criteria: CohortCriterion!) { cohortCount(criteria: $criteria) { value } }',
      });
      expect(status).toBe(403);
      expect(body.errors?.[0]?.message).toMatch(/does not match its hash/);
      expect(await ledgerRows()).toBe(rows);
      const [entry] = await auditEntries(subject);
      expect(entry.document).toMatch(/cohortCount\(criteria: \$criteria\) \{\s*value\s*\}/);
    });

    it('should name a root field the embed role may never use', async () => {
      const { status, body } = await postEmbed(stack, await freshToken(), {
        query: '{ me { role } }',
      });
      expect(status).toBe(403);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', field: 'Query.me' });
    });

    it.each([
      ['another origin', 'https://elsewhere.example'],
      ['a look-alike origin', `${PORTAL}.evil.example`],
      ['no origin', null],
    ])('should refuse %s with FORBIDDEN and no CORS header', async (_name, origin) => {
      const subject = `embed-origin-${(subjects += 1)}`;
      const token = await embedToken(stack, { subject });
      const { status, headers, body } = await embedCount(stack, token, E11, origin);
      expect(status).toBe(403);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
      expect(body.data).toBeUndefined();
      expect(headers.get('access-control-allow-origin')).toBeNull();
      expect(await auditEntries(subject)).toEqual([
        expect.objectContaining({ outcome: 'REFUSED', httpStatus: 403, errorCodes: ['FORBIDDEN'] }),
      ]);
    });

    it('should refuse a safelisted operation whose variables are wrong with BAD_USER_INPUT', async () => {
      const { status, body } = await embedCount(stack, await freshToken(), { diagnosis: {} });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('embed tokens', () => {
    let key: Awaited<ReturnType<typeof loadSigningKey>>;

    beforeAll(async () => {
      key = await loadSigningKey(stack.keysDir, 'dev-issuer');
    });

    const embedClaims = (claims: Record<string, unknown>) =>
      handMadeCallerToken(key, {
        claims: { role: 'embed', project: 'feasibility', origins: [PORTAL], ...claims },
      });

    it.each([
      ['expired', { iat: nowSeconds() - 900, exp: nowSeconds() - 300 }, /expired/],
      ['living over an hour', { exp: nowSeconds() + 7200 }, /at most 60 minutes/],
      ['without origins', { origins: undefined }, /origins/],
      ['with an origin that has a path', { origins: [`${PORTAL}/page`] }, /web origin/],
      ['with a wildcard origin', { origins: ['*'] }, /web origin/],
    ])('should refuse a token %s with UNAUTHENTICATED', async (_name, claims, message) => {
      const { status, body } = await embedCount(stack, await embedClaims(claims), E11);
      expect(status).toBe(401);
      expect(body.errors).toEqual([
        { message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } },
      ]);
    });

    it('should accept a token of exactly an hour', async () => {
      const { status } = await embedCount(
        stack,
        await embedClaims({ exp: nowSeconds() + 3600 }),
        E11,
      );
      expect(status).toBe(200);
    });
  });

  describe('rate limits per app', () => {
    it('should answer a flood with RATE_LIMITED and Retry-After, and leave other callers alone', async () => {
      // Two subjects of one app share its limit; another app has its own.
      const flooding = [
        await freshToken({ app: 'flooding-portal' }),
        await freshToken({ app: 'flooding-portal' }),
      ];
      const otherApp = await freshToken({ app: 'quiet-portal' });
      const analyst = await stack.token('analyst', 'feasibility');

      const limited: Array<Awaited<ReturnType<typeof embedCount>> | undefined> = [];
      for (let round = 0; round < 20 && !(limited[0] && limited[1]); round += 1) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => embedCount(stack, flooding[i % 2], E11)),
        );
        answers.forEach((answer, i) => {
          if (answer.status === 429) {
            limited[i % 2] ??= answer;
          }
        });
      }
      expect(limited[1]).toBeDefined();
      const refusal = limited[0];
      expect(refusal).toBeDefined();
      // The app's limit, not the per-caller one that Apollo applies to cache misses.
      expect(refusal!.body.errors).toEqual([
        {
          message: expect.stringMatching(/from this app/),
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
        },
      ]);
      expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refusal!.headers.get('access-control-allow-origin')).toBe(PORTAL);
      expect(refusal!.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);

      expect((await embedCount(stack, otherApp, E11)).status).toBe(200);
      const { status } = await stack.query(analyst, COUNT_DOCUMENT, { c: E11 });
      expect(status).toBe(200);
    });
  });

  describe('other callers', () => {
    it('should let an analyst send any document, with no CORS header for its origin', async () => {
      const analyst = await stack.token('analyst', 'feasibility');
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${analyst}`,
          origin: PORTAL,
        },
        body: JSON.stringify({ query: COUNT_DOCUMENT, variables: { c: E11 } }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: unknown }).data).toEqual({
        cohortCount: { value: 120, display: '120' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('should refuse a request without a valid token with a 401 that any page may read', async () => {
      const { status, headers, body } = await postEmbed(
        stack,
        null,
        persisted('EmbedCohortCount', { criteria: E11 }),
        'https://anyone.example',
      );
      expect(status).toBe(401);
      expect(body).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }],
      });
      expect(headers.get('access-control-allow-origin')).toBe('https://anyone.example');
    });
  });

  describe('the component script', () => {
    const url = () => stack.gatewayUrl.replace(/\/graphql$/, '/embed/cohort-count.js');

    it('should be served as JavaScript any page may load, with caching headers', async () => {
      const response = await fetch(url());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const etag = response.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(await response.text()).toContain("customElements.define('cohort-count'");

      const again = await fetch(url(), { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
    });

    it('should send the hash of the safelisted count', async () => {
      const script = await (await fetch(url())).text();
      expect(script).toContain(`sha256: '${SAFELISTED.EmbedCohortCount}'`);
      expect(canonicalJson(Object.keys(SAFELISTED))).toBe(
        canonicalJson(['EmbedCohortCount', 'EmbedCohortBreakdown']),
      );
    });
  });
});
