import { startTestStack, type TestStack } from '../helpers/stack';

const COLUMNS = [
  'seq',
  'at',
  'caller',
  'role',
  'project',
  'clientName',
  'operationName',
  'outcome',
  'httpStatus',
  'errorCodes',
  'deniedFields',
  'releasedCounts',
  'rowsReturned',
  'durationMs',
  'flags',
  'documentHash',
];
const LOG = `query ($filter: QueryLogFilter, $after: String) {
  queryLog(filter: $filter, first: 200, after: $after) {
    edges { node { ${COLUMNS.join(' ')} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const WHO = 'query Who { me { project } }';
const HOSTILE_CLIENT = '=HYPERLINK("http://evil.example/?x","open me")';

/** Starting a federation on a busy machine can take over a minute. */
const STARTUP_MS = 240_000;

type Entry = Record<string, string | number | string[] | null>;
interface LogPage {
  queryLog: {
    edges: Array<{ node: Entry }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
      i += 1;
    } else {
      field += char;
    }
  }
  expect(field).toBe('');
  expect(record).toEqual([]);
  return records;
}

/** An entry as its CSV row should show it, for entries with no formula-like text. */
function expectedRow(entry: Entry): string[] {
  return COLUMNS.map((column) => {
    const value = entry[column];
    return value === null ? '' : Array.isArray(value) ? value.join(';') : String(value);
  });
}

describe('the CSV export of the query log', () => {
  let stack: TestStack;
  let base: string;
  let governance: string;
  let lung: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = stack.gatewayUrl.replace(/\/graphql$/, '');
    governance = await stack.issuer.mint({ role: 'governance', subject: 'staff-export' });
    lung = await stack.token('analyst', 'demo-lung');
    const dementia = await stack.token('analyst', 'demo-dementia');

    for (const token of [lung, lung, dementia, dementia, dementia]) {
      expect((await stack.query(token, WHO)).status).toBe(200);
    }
    // Denied: an analyst asking for the log.
    expect((await stack.query(dementia, '{ queryLog { totalCount } }')).status).toBe(403);
    // More unauthenticated requests than one export page (200); they cost no rate limit.
    for (let batch = 0; batch < 11; batch += 1) {
      await Promise.all(Array.from({ length: 20 }, () => stack.query(null, WHO)));
    }
    const hostile = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${lung}`,
        'apollographql-client-name': HOSTILE_CLIENT,
      },
      body: JSON.stringify({ query: 'query Hostile { me { project } }' }),
    });
    expect(hostile.status).toBe(200);
  }, STARTUP_MS);

  afterAll(() => stack.stop());

  function exportCsv(params: Record<string, string> | string, token: string | null = governance) {
    const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
    return fetch(`${base}/governance/export.csv?${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  }

  async function logPage(filter: Record<string, unknown>, after: string | null) {
    const { body } = await stack.query<LogPage>(governance, LOG, { filter, after });
    expect(body.errors).toBeUndefined();
    return body.data!.queryLog;
  }

  async function queryLog(filter: Record<string, unknown>): Promise<Entry[]> {
    const entries: Entry[] = [];
    let after: string | null = null;
    do {
      const { edges, pageInfo } = await logPage(filter, after);
      entries.push(...edges.map((edge) => edge.node));
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
    } while (after);
    return entries;
  }

  it('should stream every matching entry across pages, the same as queryLog', async () => {
    const response = await exportCsv({ flag: 'UNAUTHENTICATED', caller: '' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="query-log-\d{8}T\d{6}Z\.csv"$/,
    );
    const [header, ...rows] = parseCsv(await response.text());

    const entries = await queryLog({ flag: 'UNAUTHENTICATED' });
    expect(entries.length).toBeGreaterThan(200);
    expect(header).toEqual(COLUMNS);
    expect(rows.map((row) => Number(row[0]))).toEqual(entries.map((entry) => entry.seq));
    expect(rows.every((row) => row[2] === '' && row[9] === 'UNAUTHENTICATED')).toBe(true);
  });

  it('should write each field of an entry as queryLog gives it', async () => {
    const filter = { project: 'demo-dementia', outcome: 'OK' };
    const [header, ...rows] = parseCsv(await (await exportCsv(filter)).text());
    const entries = await queryLog(filter);

    expect(header).toEqual(COLUMNS);
    expect(entries).toHaveLength(3);
    expect(rows).toEqual(entries.map(expectedRow));
  });

  it('should filter on flags, flagged and time like queryLog', async () => {
    const from = new Date(Date.now() - 60 * 60_000).toISOString();
    const cases: Array<[Record<string, string>, Record<string, unknown>]> = [
      [{ flag: 'DENIAL' }, { flag: 'DENIAL' }],
      [
        { flagged: 'true', project: 'demo-dementia' },
        { flagged: true, project: 'demo-dementia' },
      ],
      [
        { operationName: 'Who', from },
        { operationName: 'Who', from },
      ],
    ];
    for (const [params, filter] of cases) {
      const [, ...rows] = parseCsv(await (await exportCsv(params)).text());
      const entries = await queryLog(filter);
      expect(entries.length).toBeGreaterThan(0);
      expect(rows.map((row) => Number(row[0]))).toEqual(entries.map((entry) => entry.seq));
    }
  });

  it('should neutralise a client name that a spreadsheet would run as a formula', async () => {
    const text = await (await exportCsv({ operationName: 'Hostile' })).text();
    const [, ...rows] = parseCsv(text);

    expect(rows).toHaveLength(1);
    expect(rows[0][COLUMNS.indexOf('clientName')]).toBe(`'${HOSTILE_CLIENT}`);
    // Quoted per RFC 4180, because the value holds quotes and a comma.
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example/?x"",""open me"")",`);
  });

  it('should read the log through /graphql as the caller, so the export is audited', async () => {
    const filter = { caller: 'staff-export', operationName: 'ExportLog' };
    const before = (await queryLog(filter)).length;
    const response = await exportCsv({ flag: 'UNAUTHENTICATED' });
    // Pages are read as the download is consumed: read it all before looking.
    expect(parseCsv(await response.text()).length).toBeGreaterThan(201);
    const own = await queryLog(filter);

    // More than 200 entries: one request per page of 200.
    expect(own.length - before).toBe(2);
    expect(own.every((entry) => entry.clientName === 'governance-export')).toBe(true);
    expect(own.every((entry) => entry.role === 'governance' && entry.outcome === 'OK')).toBe(true);
  });

  it('should refuse a request without a valid token with 401 UNAUTHENTICATED', async () => {
    for (const token of [null, 'not-a-token']) {
      const response = await exportCsv({}, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { errors: Array<Record<string, unknown>> };
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      expect(body.errors[0].message).toEqual(expect.any(String));
    }
  });

  it('should refuse a caller without the governance role with 403 FORBIDDEN', async () => {
    const response = await exportCsv({}, lung);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: Array<Record<string, unknown>> };
    expect(body.errors).toEqual([
      { message: expect.stringContaining('Query.queryLog'), extensions: { code: 'FORBIDDEN' } },
    ]);
  });

  it('should refuse a bad filter with 400 BAD_USER_INPUT naming the problem', async () => {
    const cases: Array<[string, RegExp]> = [
      ['outcome=MAYBE', /^outcome: expected one of OK, PARTIAL, REFUSED, FAILED$/],
      ['flag=ODD', /^flag: expected one of DENIAL,/],
      ['flagged=yes', /^flagged: expected one of true, false$/],
      ['from=yesterday', /^filter\.from: expected an ISO 8601/],
      ['colour=red', /^Unknown parameter colour; use caller, project,/],
      ['project=a&project=b', /^project: give it once, as text$/],
    ];
    for (const [query, message] of cases) {
      const response = await exportCsv(query);
      expect(response.status).toBe(400);
      const body = (await response.json()) as {
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(message);
    }
  });

  it('should send the console’s security headers with the export', async () => {
    const response = await exportCsv({ flag: 'DENIAL' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
