import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { InternalTokenSigner } from '../../common/internal-token';
import { loadSigningKey } from '../../common/keys';
import { createLogger } from '../../common/logger';
import { DEFAULT_DISCLOSURE } from '../../subgraphs/cohort/disclosure-control';
import { GovernedSettingsClient } from '../../subgraphs/cohort/disclosure-settings';
import { E11, loadCountsFixture, sex } from '../fixtures/counts';
import { type GraphQLBody, startTestStack, type TestStack } from '../helpers/stack';

type Count = { value: number | null; display: string; threshold: number; roundedTo: number };

const COUNT = `query ($c: CohortCriterion!) {
  cohortCount(criteria: $c) { value display threshold roundedTo }
}`;
const SETTINGS = `{ disclosureSettings {
  threshold roundingAnalyst roundingEmbed noise noiseMax queryBudgetPerDay historyHours
  changedBy reason changedAt
} }`;
const SET = `mutation ($s: DisclosureSettingsInput!, $r: String!) {
  setDisclosureSettings(settings: $s, reason: $r) { threshold roundingAnalyst noise changedBy }
}`;

describe('disclosure settings owned by governance (issue 5)', () => {
  let stack: TestStack;
  let gateway: InternalTokenSigner;
  let cohort: InternalTokenSigner;
  let callers = 0;
  const before = process.env.DISCLOSURE_SETTINGS_TTL_MS;

  beforeAll(async () => {
    // Read on every request, so that a change shows in the next count.
    process.env.DISCLOSURE_SETTINGS_TTL_MS = '0';
    stack = await startTestStack();
    await loadCountsFixture(stack);
    gateway = new InternalTokenSigner('gateway', await loadSigningKey(stack.keysDir, 'gateway'));
    cohort = new InternalTokenSigner('cohort', await loadSigningKey(stack.keysDir, 'cohort'));
  });

  afterAll(async () => {
    await stack.stop();
    if (before === undefined) {
      delete process.env.DISCLOSURE_SETTINGS_TTL_MS;
    } else {
      process.env.DISCLOSURE_SETTINGS_TTL_MS = before;
    }
  });

  /** A request at the governance service as the gateway forwards a caller's. */
  async function atGovernance<T>(
    role: 'governance' | 'analyst',
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLBody<T>> {
    const token = await gateway.sign('governance', {
      scope: 'caller',
      subject: `${role}-staff`,
      role,
      project: role === 'analyst' ? 'feasibility' : null,
      grants: [],
      requestId: null,
    });
    return post<T>(stack.subgraphUrls.governance, token, query, variables);
  }

  async function count(criteria: unknown): Promise<Count> {
    callers += 1;
    const token = await stack.issuer.mint({
      role: 'analyst',
      project: 'feasibility',
      subject: `settings-${callers}`,
    });
    const { body } = await stack.query<{ cohortCount: Count }>(token, COUNT, { c: criteria });
    expect(body.errors).toBeUndefined();
    return body.data!.cohortCount;
  }

  const MEN_WITH_DIABETES = { all: [E11, sex('MALE')] };

  it('should have no settings until governance sets some, and count with the defaults', async () => {
    const body = await atGovernance<{ disclosureSettings: unknown }>('governance', SETTINGS);
    expect(body.errors).toBeUndefined();
    expect(body.data!.disclosureSettings).toBeNull();
    expect(await count(MEN_WITH_DIABETES)).toEqual({
      value: 15,
      display: '15',
      threshold: 10,
      roundedTo: 5,
    });
  });

  it('should apply what governance sets to the next count', async () => {
    const set = await atGovernance<{ setDisclosureSettings: Record<string, unknown> }>(
      'governance',
      SET,
      { s: { threshold: 20, roundingAnalyst: 10 }, r: 'Small-area release policy 2027' },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data!.setDisclosureSettings).toEqual({
      threshold: 20,
      roundingAnalyst: 10,
      noise: null,
      changedBy: 'governance-staff',
    });

    // The 17 men were released as 15; under a threshold of 20 they are not released at all.
    expect(await count(MEN_WITH_DIABETES)).toEqual({
      value: null,
      display: '<20',
      threshold: 20,
      roundedTo: 10,
    });
    expect(await count(E11)).toMatchObject({ value: 120, roundedTo: 10 });
  });

  it('should keep settings left out and restore those given as null to the default', async () => {
    const body = await atGovernance<{ setDisclosureSettings: Record<string, unknown> }>(
      'governance',
      SET,
      { s: { roundingAnalyst: null }, r: 'Back to rounding by five' },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.setDisclosureSettings).toMatchObject({
      threshold: 20,
      roundingAnalyst: null,
    });
    expect(await count(E11)).toMatchObject({ threshold: 20, roundedTo: 5 });

    const shown = await atGovernance<{ disclosureSettings: Record<string, unknown> }>(
      'governance',
      SETTINGS,
    );
    expect(shown.data!.disclosureSettings).toMatchObject({
      threshold: 20,
      roundingAnalyst: null,
      changedBy: 'governance-staff',
      reason: 'Back to rounding by five',
    });
  });

  it('should keep every change, with who made it and why', async () => {
    const rows: Array<{ threshold: number | null; changed_by: string; reason: string }> =
      await stack.services.governance.db.query(
        'SELECT threshold, changed_by, reason FROM disclosure_settings ORDER BY id',
      );
    expect(rows).toEqual([
      { threshold: 20, changed_by: 'governance-staff', reason: 'Small-area release policy 2027' },
      { threshold: 20, changed_by: 'governance-staff', reason: 'Back to rounding by five' },
    ]);
  });

  it.each([
    [{ threshold: 0 }, 'settings.threshold: expected a whole number from 1 to 1000, got 0'],
    [{ roundingEmbed: 1001 }, 'settings.roundingEmbed: expected a whole number from 1 to 1000'],
    [{ historyHours: 9000 }, 'settings.historyHours: expected a whole number from 1 to 8760'],
  ])('should refuse %j with BAD_USER_INPUT naming the setting', async (settings, message) => {
    const body = await atGovernance('governance', SET, { s: settings, r: 'Trying limits' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain(message);
  });

  it('should refuse a change without a reason', async () => {
    const body = await atGovernance('governance', SET, { s: { threshold: 11 }, r: ' ' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('should let only governance staff read or change the settings', async () => {
    for (const query of [SETTINGS, SET]) {
      const body = await atGovernance('analyst', query, { s: { threshold: 1 }, r: 'Lower it' });
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const analyst = await stack.token('analyst', 'feasibility');
    const { body } = await stack.query(analyst, SET, { s: { threshold: 1 }, r: 'Lower it' });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count(E11)).toMatchObject({ threshold: 20 });
  });

  it('should serve governance staff through the gateway, and audit the change', async () => {
    const staff = await stack.issuer.mint({ role: 'governance', subject: 'gov-gateway' });
    const read = await stack.query<{ disclosureSettings: { threshold: number } }>(staff, SETTINGS);
    expect(read.body.errors).toBeUndefined();
    const { threshold } = read.body.data!.disclosureSettings;
    const set = await stack.query<{ setDisclosureSettings: { changedBy: string } }>(staff, SET, {
      s: { threshold },
      r: 'Confirmed through the gateway',
    });
    expect(set.body.errors).toBeUndefined();
    expect(set.body.data!.setDisclosureSettings.changedBy).toBe('gov-gateway');
    const log = await stack.query<{
      queryLog: { edges: Array<{ node: { coordinates: string[]; outcome: string } }> };
    }>(
      staff,
      '{ queryLog(filter: { caller: "gov-gateway" }) { edges { node { coordinates outcome } } } }',
    );
    expect(log.body.data!.queryLog.edges.map((edge) => edge.node)).toContainEqual({
      coordinates: expect.arrayContaining(['Mutation.setDisclosureSettings']) as unknown,
      outcome: 'OK',
    });
  });

  it('should give the cohort service’s settings scope its field and nothing else', async () => {
    const token = await cohort.sign('governance', {
      scope: 'settings',
      subject: 'cohort',
      role: null,
      project: null,
      grants: [],
      requestId: null,
    });
    const url = stack.subgraphUrls.governance;
    const own = await post<{ cohortDisclosureSettings: string }>(
      url,
      token,
      '{ cohortDisclosureSettings }',
    );
    expect(JSON.parse(own.data!.cohortDisclosureSettings)).toMatchObject({ threshold: 20 });
    for (const query of ['{ projectGrants(project: "feasibility") { level } }', SETTINGS]) {
      expect((await post(url, token, query)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const staff = await atGovernance('governance', '{ cohortDisclosureSettings }');
    expect(staff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should keep the settings last read while governance cannot answer, and release nothing before', async () => {
    const relay = await relayTo(stack.subgraphUrls.governance);
    const client = () =>
      new GovernedSettingsClient(
        relay.url,
        cohort,
        5_000,
        DEFAULT_DISCLOSURE,
        createLogger('test', 'silent'),
        0,
      );
    const reading = client();
    expect((await reading.current(null)).threshold).toBe(20);
    await relay.close();

    expect((await reading.current(null)).threshold).toBe(20);
    await expect(client().current(null)).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });
});

async function post<T = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLBody<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

/** A real HTTP hop in front of `target` that can be taken down, as a network failure is. */
async function relayTo(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: req.headers.authorization ?? '',
        },
        body: Buffer.concat(chunks),
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(await answer.text());
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
