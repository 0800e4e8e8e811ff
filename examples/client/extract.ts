/**
 * An analyst's extract from TypeScript with nothing but Node's global fetch: count the
 * dementia exemplar cohort, save it, request an extract of its brain MR images, have it
 * approved (a demo shortcut: governance staff approve in the console), then stream the
 * NDJSON manifest line by line, resuming after the last cursor when the connection breaks.
 *
 *   npm run build && node dist/examples/client/extract.js [--out manifest.ndjson]
 *
 * See examples/client/README.md for the options and the environment.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const USAGE = `Usage: node dist/examples/client/extract.js [--extract ID] [--out FILE] [--retries N]
  --extract ID   stream an extract already approved instead of making a new one
  --out FILE     write the manifest there as NDJSON (default: count the rows only)
  --retries N    resumes after a broken connection before giving up (default 5)`;

/** A coded error answered by the API (docs/errors.md): the code is what to switch on. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${code} (HTTP ${status}): ${message}`);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
}

interface GraphqlBody<T> extends ErrorBody {
  data?: T | null;
}

/** One row of the manifest, as NDJSON sends it. */
export interface ManifestRow {
  cursor: string;
  releaseId: string;
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
  modality: string;
  bodyPart: string | null;
  studyDate: string | null;
  seriesNumber: number | null;
  instanceNumber: number | null;
  storageRef: string;
}

interface ExtractRequest {
  id: string;
  status: string;
  subjectCount: number | null;
  studyCount: number | null;
  seriesCount: number | null;
  instanceCount: number | null;
}

const BRAIN_MR = { modality: 'MR', bodyPart: 'HEAD' };
const COHORT = {
  all: [{ diagnosis: { codePrefix: 'E11' } }, { imaging: BRAIN_MR }, { apoe: { minE4Copies: 1 } }],
};
const EXTRACT_FIELDS = 'id status subjectCount studyCount seriesCount instanceCount';

const COUNT = `query ClientCount($criteria: CohortCriterion!) {
  cohortCount(criteria: $criteria) { display }
}`;
const SAVE = `mutation ClientSave($name: String!, $criteria: CohortCriterion!) {
  saveCohort(name: $name, criteria: $criteria) { id count { display } }
}`;
const REQUEST = `mutation ClientRequest($cohortId: ID!, $imaging: ImagingCriterion) {
  requestExtract(cohortId: $cohortId, imaging: $imaging) { ${EXTRACT_FIELDS} }
}`;
const APPROVE = `mutation ClientApprove($id: ID!, $note: String) {
  approveExtract(id: $id, note: $note) { ${EXTRACT_FIELDS} }
}`;

function errorFrom(status: number, text: string): ApiError {
  try {
    const first = (JSON.parse(text) as ErrorBody).errors?.[0];
    if (first) {
      return new ApiError(first.extensions?.code ?? 'UNKNOWN', first.message ?? '', status);
    }
  } catch {
    // Not JSON: a proxy's page, say. The status is all there is to go on.
  }
  return new ApiError(`HTTP_${status}`, text.slice(0, 200), status);
}

/** The client for one gateway and one caller token. */
export class PicturesGraph {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Runs one operation; any error in the answer throws ApiError (no partial data). */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as GraphqlBody<T>;
    if (body.errors?.length || body.data == null) {
      throw errorFrom(response.status, text);
    }
    return body.data;
  }

  /** GET a path of the gateway; a status other than 2xx throws ApiError. */
  async get(path: string, signal?: AbortSignal): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal,
    });
    if (!response.ok) {
      throw errorFrom(response.status, await response.text());
    }
    return response;
  }
}

/** A broken download, as opposed to a coded refusal: worth resuming. */
class BrokenStream extends Error {}

/** Progress on stderr, at most once a second, as rows and rows per second. */
class Progress {
  private readonly started = performance.now();
  private shown = this.started;
  private total: number | null = null;

  /** The rows the whole download holds, known once the first response arrives. */
  expect(total: number): void {
    this.total ??= total;
  }

  tick(rows: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.shown < 1000) {
      return;
    }
    this.shown = now;
    const rate = Math.round(rows / Math.max((now - this.started) / 1000, 1e-3));
    const of = (this.total ?? rows).toLocaleString('en');
    process.stderr.write(
      `manifest: ${rows.toLocaleString('en')} of ${of} rows, ${rate.toLocaleString('en')} rows/s\n`,
    );
  }
}

/** A download that sends nothing for this long is taken as broken, and resumed. */
const IDLE_TIMEOUT_MS = 60_000;

interface Download {
  /** Called once the headers arrive, with the rows the server says follow (X-Total-Rows). */
  onStart: (expected: number) => void;
  onRow: (row: ManifestRow, line: string) => Promise<void>;
}

/**
 * Reads one NDJSON download from `after` (or the start), one chunk and one line at a time.
 * Only lines ended by a newline are taken, so a cut-off last line is read again on resume.
 */
async function readOnce(
  client: PicturesGraph,
  extractId: string,
  after: string | null,
  download: Download,
): Promise<{ expected: number; received: number }> {
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
  try {
    const query = after ? `?after=${encodeURIComponent(after)}` : '';
    const response = await client.get(
      `/extracts/${extractId}/manifest.ndjson${query}`,
      abort.signal,
    );
    const total = response.headers.get('x-total-rows');
    const expected = Number(total);
    if (!response.body || total === null || !Number.isInteger(expected)) {
      throw new BrokenStream('the manifest response had no body or no X-Total-Rows header');
    }
    download.onStart(expected);

    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
      // The last piece may be a line cut across chunks: keep it for the next chunk.
      const lines = (pending + decoder.decode(value, { stream: true })).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim()) {
          await download.onRow(JSON.parse(line) as ManifestRow, line);
          received += 1;
        }
      }
    }
    if (pending.trim()) {
      // The last line may lack its newline when complete; if it does not parse, it was cut.
      let row: ManifestRow;
      try {
        row = JSON.parse(pending) as ManifestRow;
      } catch {
        throw new BrokenStream('the manifest ended inside a line');
      }
      await download.onRow(row, pending);
      received += 1;
    }
    return { expected, received };
  } finally {
    clearTimeout(idle);
  }
}

/**
 * Streams the whole manifest into `sink` with flat memory, waiting for the sink before
 * reading on. A network error, a stall or a short download resumes after the last row
 * received, up to `retries` times in a row; a coded refusal (ApiError) is not retried,
 * except UPSTREAM_UNAVAILABLE. Answers the number of rows.
 */
export async function streamManifest(
  client: PicturesGraph,
  extractId: string,
  sink: (row: ManifestRow, line: string) => Promise<void>,
  retries = 5,
): Promise<number> {
  let after: string | null = null;
  let rows = 0;
  let failures = 0;
  const progress = new Progress();

  for (;;) {
    try {
      const { expected, received } = await readOnce(client, extractId, after, {
        onStart: (expected) => progress.expect(rows + expected),
        onRow: async (row, line) => {
          await sink(row, line);
          after = row.cursor;
          rows += 1;
          failures = 0;
          progress.tick(rows);
        },
      });
      if (received >= expected) {
        progress.tick(rows, true);
        return rows;
      }
      throw new BrokenStream(`the download ended after ${received} of ${expected} rows`);
    } catch (error) {
      const retryable = !(error instanceof ApiError) || error.code === 'UPSTREAM_UNAVAILABLE';
      failures += 1;
      if (!retryable || failures > retries) {
        throw error;
      }
      // fetch reports a connection cut mid-body as a bare TypeError ("terminated").
      const reason =
        error instanceof BrokenStream ? error.message : `the connection broke (${String(error)})`;
      process.stderr.write(`manifest: ${reason}; resuming after row ${rows}\n`);
      await sleep(Math.min(500 * 2 ** (failures - 1), 10_000));
    }
  }
}

function mintToken(...args: string[]): string {
  const root = process.env.PICTURES_GRAPH_ROOT ?? process.cwd();
  return execFileSync('npm', ['run', '-s', 'token', '--', ...args, '--ttl', '2h'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Count, save, request and approve: the steps before there is a manifest to read. */
async function newApprovedExtract(analyst: PicturesGraph, governance: PicturesGraph) {
  const { cohortCount } = await analyst.graphql<{ cohortCount: { display: string } }>(COUNT, {
    criteria: COHORT,
  });
  console.log(`cohort count: ${cohortCount.display}`);

  const name = `T2D, brain MR, APOE e4 (client ${new Date().toISOString()})`;
  const { saveCohort } = await analyst.graphql<{ saveCohort: { id: string } }>(SAVE, {
    name,
    criteria: COHORT,
  });
  const { requestExtract } = await analyst.graphql<{ requestExtract: ExtractRequest }>(REQUEST, {
    cohortId: saveCohort.id,
    imaging: BRAIN_MR,
  });
  console.log(`extract ${requestExtract.id} requested: ${requestExtract.status}`);

  // Governance staff do this in the console at /governance, and never for their own request.
  const { approveExtract } = await governance.graphql<{ approveExtract: ExtractRequest }>(APPROVE, {
    id: requestExtract.id,
    note: 'Approved by the client example',
  });
  const { status, subjectCount, studyCount, instanceCount } = approveExtract;
  console.log(
    `extract ${approveExtract.id}: ${status}, ${subjectCount} subjects, ` +
      `${studyCount} studies, ${instanceCount} images`,
  );
  return approveExtract.id;
}

/** Writes a line, waiting for the file to drain so that memory stays flat. */
async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) {
    await once(out, 'drain');
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      extract: { type: 'string' },
      out: { type: 'string' },
      retries: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const retries = Number(values.retries);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!Number.isInteger(retries) || retries < 0) {
    console.error(`--retries takes a whole number, got "${values.retries}"\n\n${USAGE}`);
    return 2;
  }

  const baseUrl = (process.env.PICTURES_GRAPH_URL ?? 'http://localhost:4000').replace(/\/$/, '');
  const subject = `client-${Date.now().toString(36)}`;
  const analyst = new PicturesGraph(
    baseUrl,
    process.env.PICTURES_GRAPH_TOKEN ??
      mintToken('--role', 'analyst', '--project', 'demo-dementia', '--subject', subject),
  );
  const extractId =
    values.extract ??
    (await newApprovedExtract(
      analyst,
      new PicturesGraph(
        baseUrl,
        process.env.PICTURES_GRAPH_GOVERNANCE_TOKEN ??
          mintToken('--role', 'governance', '--subject', `${subject}-approver`),
      ),
    ));

  const out = values.out ? createWriteStream(values.out) : null;
  const perKind = new Map<string, number>();
  const started = performance.now();
  const rows = await streamManifest(
    analyst,
    extractId,
    async (row, line) => {
      const kind = `${row.modality} ${row.bodyPart ?? '-'}`;
      perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
      if (out) {
        await writeLine(out, line);
      }
    },
    retries,
  );
  if (out) {
    out.end();
    await once(out, 'finish');
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(`manifest: ${rows} rows in ${seconds.toFixed(2)} s`);
  for (const [kind, count] of [...perKind].sort()) {
    console.log(`  ${kind}: ${count} images`);
  }
  if (values.out) {
    console.log(`written to ${values.out}`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
