// First: recording starts before any stack module loads, so import-time connections count.
import { outbound } from '../helpers/outbound-recording';

import fs from 'node:fs/promises';
import path from 'node:path';

import { SUBGRAPHS } from '../../common/config';
import { loadMasterSecret } from '../../common/keys';
import { projectRoot } from '../../common/paths';
import { Pseudonymiser } from '../../common/pseudonym';
import { isLoopback, isLoopbackHost } from '../helpers/outbound-recorder';
import { startTestStack, type TestStack } from '../helpers/stack';

const LINKAGE_KEY = 77;

/** Every file that starts a server process (package.json scripts, DESIGN.md "Services"). */
const ENTRY_POINTS = [
  'cli/start.ts',
  'gateway/main.ts',
  ...SUBGRAPHS.map((name) => `subgraphs/${name}/main.ts`),
];

describe('no connection beyond the configured peers', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
    try {
      await exercise(stack, new Pseudonymiser(await loadMasterSecret(stack.keysDir)));
    } finally {
      await stack.stop();
    }
    // Let anything scheduled at start-up (usage reports, cloud probes) have its turn.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  afterAll(() => outbound.restore());

  it('should have recorded a connection to every service, so the recording works', () => {
    const urls = [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)];
    for (const url of urls) {
      expect(outbound.connections).toContain(new URL(url).host);
    }
  });

  it('should connect only to loopback addresses', () => {
    expect(outbound.connections.filter((target) => !isLoopback(target))).toEqual([]);
  });

  it('should look up no name but loopback ones', () => {
    expect(outbound.lookups.filter((name) => !isLoopbackHost(name))).toEqual([]);
  });

  it('should run with Apollo telemetry disabled', () => {
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  it('should have common/bootstrap disable Apollo telemetry, not only the environment', () => {
    const saved = process.env.APOLLO_TELEMETRY_DISABLED;
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    try {
      jest.isolateModules(() => {
        jest.requireActual('../../common/bootstrap');
      });
      expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
    } finally {
      process.env.APOLLO_TELEMETRY_DISABLED = saved;
    }
  });

  it.each(ENTRY_POINTS)('should import common/bootstrap first in %s', async (file) => {
    const source = await fs.readFile(path.join(projectRoot(), file), 'utf8');
    const firstImport = /^import\s[^;]*;/m.exec(source)?.[0];
    expect(firstImport).toMatch(/^import '(\.\.\/)+common\/bootstrap';$/);
  });
});

/** Requests that reach every service: grants, records at each site, a refusal, the JWKS. */
async function exercise(stack: TestStack, pseudonyms: Pseudonymiser): Promise<void> {
  const id = pseudonyms.releaseId('demo-dementia', LINKAGE_KEY);
  const analyst = await stack.token('analyst', 'demo-dementia');
  const answers = [
    await stack.query(analyst, '{ me { role project grants { dataset } } }'),
    await stack.query(
      analyst,
      'query ($id: ID!) { subject(id: $id) { id sex apoe imagingStudies { modality } } }',
      { id },
    ),
    await stack.query(await stack.token('governance'), '{ me { role } }'),
    await stack.query(null, '{ me { role } }'),
  ];
  expect(answers.map(({ status }) => status)).toEqual([200, 200, 200, 401]);
  const jwks = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/.well-known/jwks.json'));
  expect(jwks.status).toBe(200);
}
