import fs from 'node:fs';
import path from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

import { loadSigningKey } from '../../common/keys';
import { projectRoot } from '../../common/paths';
import { loadCountsFixture } from '../fixtures/counts';
import { handMadeCallerToken, nowSeconds } from '../helpers/caller-tokens';
import { embedToken } from '../helpers/embed';
import { startTestStack, type TestStack } from '../helpers/stack';

// The demo's own server, as a developer runs it (examples/embed/serve.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startDemoServer } = require('../../examples/embed/serve.js') as {
  startDemoServer: (options: {
    gateway: string;
    token: () => string;
    port: number;
    host: string;
  }) => Promise<{ url: string; close: () => Promise<void> }>;
};

// Debian's Chromium, driven by playwright-core: nothing is ever downloaded.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RESULTS = path.join(projectRoot(), 'test-results');
/** Starting a federation (and a browser) on a busy machine can take over a minute. */
const STARTUP_MS = 240_000;
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);

const describeIfChromium = HAS_CHROMIUM ? describe : describe.skip;

describeIfChromium(
  HAS_CHROMIUM
    ? '<cohort-count> in Chromium (issue 8)'
    : `<cohort-count> in Chromium (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`,
  () => {
    let stack: TestStack;
    let browser: Browser;
    let allowed: { url: string; close: () => Promise<void> };
    let refused: { url: string; close: () => Promise<void> };
    /** The token the next page is served with. */
    let token = '';

    beforeAll(async () => {
      stack = await startTestStack();
      await loadCountsFixture(stack);
      const gateway = stack.gatewayUrl.replace(/\/graphql$/, '');
      // Two ports, two origins: the token names the first only.
      const serve = () =>
        startDemoServer({ gateway, token: () => token, port: 0, host: '127.0.0.1' });
      [allowed, refused] = await Promise.all([serve(), serve()]);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      fs.mkdirSync(RESULTS, { recursive: true });
    }, STARTUP_MS);

    afterAll(async () => {
      await browser?.close();
      await allowed?.close();
      await refused?.close();
      await stack?.stop();
    });

    /** Opens the demo page at `url`, collecting what the browser reports as errors. */
    async function open(url: string): Promise<{ page: Page; problems: string[] }> {
      const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') {
          problems.push(message.text());
        }
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(url);
      return { page, problems };
    }

    /** The state, code and shown text of one element, once it has settled. */
    async function settled(page: Page, id: string) {
      const element = page.locator(`cohort-count#${id}`);
      await element.and(page.locator('[state=ready], [state=error]')).waitFor({ timeout: 30_000 });
      const part = (name: string) => element.locator(`[part=${name}]`).textContent();
      return {
        state: await element.getAttribute('state'),
        code: await element.getAttribute('code'),
        value: await part('value'),
        label: await part('label'),
        note: await part('note'),
      };
    }

    it('should show the counts with their disclosure notes from an allowed origin', async () => {
      token = await embedToken(stack, { subject: 'browser-allowed', origins: [allowed.url] });
      const { page, problems } = await open(`${allowed.url}/`);

      expect(await settled(page, 'diabetes')).toEqual({
        state: 'ready',
        code: null,
        value: '120',
        label: 'people',
        note: 'Rounded to the nearest 10.',
      });
      expect(await settled(page, 'diabetes-mri')).toMatchObject({ state: 'ready', value: '40' });
      expect(await settled(page, 'lung-young')).toEqual({
        state: 'ready',
        code: null,
        value: 'fewer than 10',
        label: 'people',
        note: 'Counts below 10 are not shown, to protect privacy.',
      });
      // Its style applies under the page's strict Content-Security-Policy.
      const weight = await page
        .locator('cohort-count#diabetes [part=value]')
        .evaluate((element) => getComputedStyle(element).fontWeight);
      expect(weight).toBe('600');
      expect(problems).toEqual([]);
      await page.screenshot({
        path: path.join(RESULTS, 'embed-allowed-origin.png'),
        fullPage: true,
      });
      await page.close();
    });

    it('should show a refusal from an origin the token does not name', async () => {
      token = await embedToken(stack, { subject: 'browser-refused', origins: [allowed.url] });
      const { page } = await open(`${refused.url}/`);

      const shown = await settled(page, 'diabetes');
      expect(shown).toMatchObject({ state: 'error', code: 'NETWORK' });
      expect(shown.value).toMatch(/does not allow this page/);
      await page.screenshot({
        path: path.join(RESULTS, 'embed-refused-origin.png'),
        fullPage: true,
      });
      await page.close();

      // The browser withheld the answer because the gateway refused this origin.
      const rows: Array<{ entry: string }> = await stack.services.governance.db.query(
        "SELECT entry FROM audit_log WHERE caller = 'browser-refused'",
      );
      const entries = rows.map((row) => JSON.parse(row.entry) as { errorCodes: string[] });
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry) => entry.errorCodes.join() === 'FORBIDDEN')).toBe(true);
    });

    it('should tell the reader when the page’s token has expired', async () => {
      const key = await loadSigningKey(stack.keysDir, 'dev-issuer');
      token = await handMadeCallerToken(key, {
        claims: {
          sub: 'browser-expired',
          role: 'embed',
          project: 'feasibility',
          origins: [allowed.url],
          iat: nowSeconds() - 900,
          exp: nowSeconds() - 300,
        },
      });
      const { page } = await open(`${allowed.url}/`);

      expect(await settled(page, 'diabetes')).toEqual({
        state: 'error',
        code: 'UNAUTHENTICATED',
        value: 'This page’s permission to show counts has expired. Reload the page.',
        label: '',
        note: '',
      });
      await page.close();
    });
  },
);
