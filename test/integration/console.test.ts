import fs from 'node:fs';
import path from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

import { projectRoot } from '../../common/paths';
import { loadImagingFixture } from '../fixtures/sites';
import { startTestStack, type TestStack } from '../helpers/stack';

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
const SCREENSHOT = path.join(projectRoot(), 'test-results', 'governance-console.png');
/** Starting a federation (and a browser) on a busy machine can take over a minute. */
const STARTUP_MS = 240_000;
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
const HAS_EXTRACTS = fs
  .readFileSync(path.join(projectRoot(), 'schema', 'supergraph.graphql'), 'utf8')
  .includes('approveExtract');

const describeIfChromium = HAS_CHROMIUM ? describe : describe.skip;
const describeIfExtracts = HAS_EXTRACTS ? describe : describe.skip;

const WHO = 'query Who { me { project } }';
const REQUEST_EXTRACT = `mutation ($c: ID!) { requestExtract(cohortId: $c, imaging: { modality: CT }) {
  id } }`;
const SAVE_COHORT = `mutation { saveCohort(name: "chest CT", criteria: {
  imaging: { modality: CT, bodyPart: "CHEST" } }) { id } }`;

describeIfChromium(
  HAS_CHROMIUM
    ? 'the governance console'
    : `the governance console (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`,
  () => {
    let stack: TestStack;
    let base: string;
    let staff: string;
    let lung: string;
    let browser: Browser;
    let page: Page;
    const graphqlBodies: Array<{ query: string; variables?: Record<string, unknown> }> = [];
    const requestUrls: string[] = [];

    beforeAll(async () => {
      stack = await startTestStack();
      base = stack.gatewayUrl.replace(/\/graphql$/, '');
      staff = await stack.issuer.mint({ role: 'governance', subject: 'staff-console' });
      lung = await stack.token('analyst', 'demo-lung');
      const dementia = await stack.token('analyst', 'demo-dementia');

      // Allowed, denied and unauthenticated operations: more than one page of 25.
      for (let i = 0; i < 26; i += 1) {
        await stack.query(lung, WHO);
      }
      for (let i = 0; i < 3; i += 1) {
        await stack.query(dementia, WHO);
      }
      await stack.query(dementia, 'query Peek { queryLog { totalCount } }');
      await stack.query(dementia, 'query Peek { queryLog { totalCount } }');
      await stack.query(null, WHO);
      await stack.query(null, WHO);

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const context = await browser.newContext({
        viewport: { width: 1440, height: 1000 },
        acceptDownloads: true,
      });
      page = await context.newPage();
      page.on('request', (request) => {
        requestUrls.push(request.url());
        if (new URL(request.url()).pathname === '/graphql') {
          graphqlBodies.push(JSON.parse(request.postData() ?? '{}'));
        }
      });
    }, STARTUP_MS);

    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    });

    const text = async (selector: string) => (await page.textContent(selector))?.trim() ?? '';

    /** Waits until an element's text matches; a stale earlier text must not match. */
    async function waitForText(selector: string, pattern: RegExp): Promise<string> {
      await page.waitForFunction(
        ([css, source]) => new RegExp(source).test(document.querySelector(css)?.textContent ?? ''),
        [selector, pattern.source] as const,
        { timeout: 30_000 },
      );
      return text(selector);
    }

    /** Waits for the log table to finish loading what the last action asked for. */
    const settled = () => page.waitForSelector('#log-table:not([aria-busy])');

    const rowSeqs = () =>
      page.$$eval('#log-rows tr[data-seq]', (rows) =>
        rows.map((row) => Number((row as HTMLElement).dataset.seq)),
      );
    const column = (index: number) =>
      page.$$eval(`#log-rows tr[data-seq] td:nth-child(${index})`, (cells) =>
        cells.map((cell) => cell.textContent ?? ''),
      );

    it('should serve the page with a strict content security policy', async () => {
      const response = await page.goto(`${base}/governance`);
      expect(response?.status()).toBe(200);
      const headers = response!.headers();
      expect(headers['content-security-policy']).toBe(
        "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; " +
          "img-src 'self' data:; frame-ancestors 'none'",
      );
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['content-type']).toMatch(/^text\/html/);

      const script = await fetch(`${base}/governance/assets/console.js`);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await fetch(`${base}/governance/assets/..%2Fconsole.ts`)).status).toBe(404);
      expect(await page.isVisible('#sign-in')).toBe(true);
    });

    it('should refuse a token without the governance role, with a message', async () => {
      await page.fill('#token', lung);
      await page.click('#sign-in-form button[type=submit]');

      const message = await waitForText('#sign-in-error', /governance/);
      expect(message).toMatch(/for governance staff; the token you gave has the analyst role/);
      expect(await page.isVisible('#workspace')).toBe(false);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    });

    it('should sign in with a governance token and show the newest entries and the total', async () => {
      await page.fill('#token', staff);
      await page.click('#sign-in-form button[type=submit]');

      const summary = await waitForText('#log-summary', /^Entries 1–\d+ of \d+ matching\.$/);
      const total = Number(/of (\d+)/.exec(summary)![1]);
      // 33 operations above and two sign-ins; the log's own query is stored after it answers.
      expect(total).toBeGreaterThanOrEqual(35);
      const seqs = await rowSeqs();
      expect(seqs).toHaveLength(Math.min(total, 50));
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(await text('#who-text')).toBe('Signed in as staff-console (governance)');
      // The token is kept for this tab only, and never put in a URL.
      expect(await page.evaluate(() => Object.values<string>(sessionStorage))).toEqual([staff]);
      expect(await page.inputValue('#token')).toBe('');
      expect(requestUrls.some((url) => url.includes(staff))).toBe(false);
    });

    it('should show that the log’s hash chain is intact', async () => {
      expect(await waitForText('#integrity-status', /^OK/)).toMatch(
        /^OK: the chain of \d+ entries is intact\.$/,
      );
      expect(await text('#integrity-detail')).toMatch(/Checked \d{4}-\d\d-\d\dT/);
    });

    it('should page through the log with Next and Previous', async () => {
      await page.selectOption('#f-size', '25');
      await waitForText('#log-summary', /^Entries 1–25 of/);
      const first = await rowSeqs();
      expect(first).toHaveLength(25);
      expect(await page.isDisabled('#page-previous')).toBe(true);

      await page.click('#page-next');
      await waitForText('#log-summary', /^Entries 26–/);
      const second = await rowSeqs();
      expect(second.length).toBeGreaterThan(0);
      expect(Math.max(...second)).toBeLessThan(Math.min(...first));
      expect(await text('#page-number')).toMatch(/^Page 2 of \d+$/);

      await page.click('#page-previous');
      await waitForText('#log-summary', /^Entries 1–25 of/);
      // The console's own requests are audited too, so page 1 may have grown at the top.
      expect(Math.min(...(await rowSeqs()))).toBeGreaterThanOrEqual(Math.min(...first));
      expect(await page.isDisabled('#page-previous')).toBe(true);
    });

    it('should filter by project and then by flag to fewer rows', async () => {
      await page.fill('#f-project', 'demo-dementia');
      await page.press('#f-project', 'Enter');
      await waitForText('#log-summary', /^Entries 1–5 of 5 matching\.$/);
      expect(new Set(await column(5))).toEqual(new Set(['demo-dementia']));

      await page.selectOption('#f-flag', 'DENIAL');
      await waitForText('#log-summary', /^Entries 1–2 of 2 matching\.$/);
      expect(await column(8)).toEqual(['DENIAL', 'DENIAL']);

      await page.check('#f-flagged');
      await settled();
      expect(await text('#log-summary')).toBe('Entries 1–2 of 2 matching.');
    });

    it('should open an entry from the keyboard and show every field', async () => {
      const [seq] = await rowSeqs();
      await page.focus(`#log-rows button[data-open="${seq}"]`);
      await page.keyboard.press('Enter');

      await waitForText('#detail-title', new RegExp(`^Entry #${seq}$`));
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail');
      const fields = await text('#detail-fields');
      expect(fields).toContain('OperationPeek');
      expect(fields).toContain('Errors' + 'FORBIDDEN');
      expect(fields).toContain('a field or operation was refused');
      expect(await text('#detail-document')).toMatch(/^query Peek \{\s+queryLog \{/);
      expect(await page.getAttribute(`#log-rows tr[data-seq="${seq}"]`, 'aria-current')).toBe(
        'true',
      );

      await page.keyboard.press('Escape');
      expect(await page.isVisible('#detail')).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-open'))).toBe(
        String(seq),
      );
    });

    it('should open an entry with a click and pretty-print its variables', async () => {
      await page.click('#filters-clear');
      await page.fill('#f-operation', 'ConsoleLog');
      await page.press('#f-operation', 'Enter');
      await settled();
      await page.click('#log-rows tr[data-seq] td:nth-child(3)');

      await waitForText('#detail-title', /^Entry #\d+$/);
      const variables = await text('#detail-variables');
      expect(variables).toMatch(/^\{\n {2}"after": null,\n {2}"filter": \{/);
      expect(JSON.parse(variables)).toMatchObject({ first: expect.any(Number) });
    });

    it('should export the filtered log as a CSV download without the token in a URL', async () => {
      await page.click('#filters-clear');
      await page.fill('#f-project', 'demo-dementia');
      await page.press('#f-project', 'Enter');
      await settled();
      await waitForText('#log-summary', /^Entries 1–5 of 5 matching\.$/);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      expect(download.suggestedFilename()).toMatch(/^query-log-\d{8}T\d{6}Z\.csv$/);
      const csv = await fs.promises.readFile(await download.path(), 'utf8');
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^seq,at,caller,role,project,clientName,operationName,/);
      expect(lines).toHaveLength(6);
      const exportUrl = requestUrls.find((url) => url.includes('/governance/export.csv'));
      expect(exportUrl).toBe(`${base}/governance/export.csv?project=demo-dementia`);
    });

    describeIfExtracts(
      HAS_EXTRACTS
        ? 'extract requests'
        : 'extract requests (skipped: approveExtract is not in schema/supergraph.graphql yet)',
      () => {
        const EXTRACTS = `{ extractRequests { edges { node { id status decidedBy note } } } }`;
        let first: string;
        let second: string;

        beforeAll(async () => {
          await loadImagingFixture(stack);
          const saved = await stack.query<{ saveCohort: { id: string } }>(lung, SAVE_COHORT);
          const cohort = saved.body.data!.saveCohort.id;
          const request = () =>
            stack.query<{ requestExtract: { id: string } }>(lung, REQUEST_EXTRACT, { c: cohort });
          first = (await request()).body.data!.requestExtract.id;
          second = (await request()).body.data!.requestExtract.id;
          await page.click('#extracts-refresh');
          await page.waitForSelector(`#extracts-rows tr[data-extract="${second}"]`);
        });

        it('should approve a pending request with a note', async () => {
          await page.fill(`#note-${first}`, 'ethics ref 42');
          await page.click(
            `#extracts-rows tr[data-extract="${first}"] button[data-decide=approve]`,
          );

          expect(await waitForText('#extracts-result', /^Approved/)).toBe(
            `Approved request ${first.slice(0, 8)} for demo-lung as staff-console with the ` +
              'note “ethics ref 42”.',
          );
          await page.waitForSelector(`#extracts-rows tr[data-extract="${first}"]`, {
            state: 'detached',
          });
          const { body } = await stack.query<{
            extractRequests: { edges: Array<{ node: Record<string, unknown> }> };
          }>(staff, EXTRACTS);
          expect(body.data!.extractRequests.edges.map((edge) => edge.node)).toContainEqual({
            id: first,
            status: 'APPROVED',
            decidedBy: 'staff-console',
            note: 'ethics ref 42',
          });
        });

        it('should show the coded error when another reviewer decided first', async () => {
          const other = await stack.issuer.mint({ role: 'governance', subject: 'staff-other' });
          await stack.query(other, 'mutation ($id: ID!) { approveExtract(id: $id) { id } }', {
            id: second,
          });
          await page.click(
            `#extracts-rows tr[data-extract="${second}"] button[data-decide=reject]`,
          );

          expect(await waitForText('#extracts-error', /BAD_USER_INPUT/)).toBe(
            `Request ${second.slice(0, 8)}: The request is already approved (BAD_USER_INPUT)`,
          );
        });
      },
    );

    it('should only ever ask the API for pages of at most 200 entries', () => {
      const logQueries = graphqlBodies.filter((body) => body.query.includes('queryLog('));
      expect(logQueries.length).toBeGreaterThan(5);
      for (const body of logQueries) {
        expect(body.variables?.first).toBeGreaterThanOrEqual(1);
        expect(body.variables?.first).toBeLessThanOrEqual(200);
      }
    });

    it('should save a screenshot of the console in use', async () => {
      await page.click('#filters-clear');
      await settled();
      await page.click('#log-rows tr[data-seq]:nth-child(3) td:nth-child(2)');
      await waitForText('#detail-title', /^Entry #\d+$/);
      await fs.promises.mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await fs.promises.rm(SCREENSHOT, { force: true });

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect((await fs.promises.stat(SCREENSHOT)).size).toBeGreaterThan(30_000);
    });

    it('should sign out and forget the token', async () => {
      await page.click('#sign-out');

      expect(await page.isVisible('#sign-in')).toBe(true);
      expect(await page.isVisible('#workspace')).toBe(false);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    });
  },
);
