import { loadMasterSecret, loadSigningKey } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { chainHash, checkpointHead, GENESIS } from '../../subgraphs/governance/audit-chain';
import { loadAllFixtures } from '../fixtures/sites';
import { embedToken, postEmbed } from '../helpers/embed';
import { startTestStack, type TestStack } from '../helpers/stack';

const LOG = `query ($filter: QueryLogFilter, $first: Int, $after: String) {
  queryLog(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { seq caller role project operationName coordinates outcome httpStatus
      errorCodes deniedFields releasedCounts rowsReturned flags document variables clientName } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const INTEGRITY = '{ auditIntegrity { ok entries firstBrokenSeq reason checkpoints } }';

interface Entry {
  seq: number;
  caller: string | null;
  operationName: string | null;
  coordinates: string[];
  outcome: string;
  errorCodes: string[];
  deniedFields: string[];
  releasedCounts: string[];
  flags: string[];
  document: string | null;
  variables: string | null;
  clientName: string | null;
}
interface Log {
  queryLog: {
    totalCount: number;
    edges: Array<{ node: Entry }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('the audit log', () => {
  let stack: TestStack;
  let governance: string;
  let analyst: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await loadAllFixtures(stack);
    governance = await stack.token('governance');
    analyst = await stack.token('analyst', 'demo-lung');
  });

  afterAll(() => stack.stop());

  async function log(filter: Record<string, unknown>, first = 50) {
    const { body } = await stack.query<Log>(governance, LOG, { filter, first });
    expect(body.errors).toBeUndefined();
    return body.data!.queryLog;
  }

  async function sql(statement: string, params: unknown[] = []): Promise<unknown> {
    return stack.services.governance.db.query<unknown>(statement, params);
  }

  it('should record an operation, what it touched and the counts it released', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${analyst}`,
        'apollographql-client-name': 'notebook',
      },
      body: JSON.stringify({
        query: 'query LungCount($c: CohortCriterion!) { cohortCount(criteria: $c) { display } }',
        variables: { c: { diagnosis: { codePrefix: 'C34' } } },
        operationName: 'LungCount',
      }),
    });
    expect(response.status).toBe(200);
    // The entry exists as soon as the answer has arrived: it was written first.
    const { edges } = await log({ operationName: 'LungCount' });
    expect(edges).toHaveLength(1);
    expect(edges[0].node).toMatchObject({
      caller: 'dev-analyst',
      outcome: 'OK',
      errorCodes: [],
      releasedCounts: ['20'],
      clientName: 'notebook',
      coordinates: ['CohortCount.display', 'Query.cohortCount'],
    });
    expect(JSON.parse(edges[0].node.variables!)).toEqual({
      c: { diagnosis: { codePrefix: 'C34' } },
    });
  });

  it('should record refusals with their flags, and no record values or tokens', async () => {
    await stack.query(null, 'query NoToken { me { role } }');
    const id = new Pseudonymiser(await loadMasterSecret(stack.keysDir)).releaseId('demo-lung', 1);
    await stack.query(analyst, 'query Denied($id: ID!) { subject(id: $id) { id apoe } }', { id });
    const [unauthenticated] = (await log({ operationName: 'NoToken' })).edges;
    expect(unauthenticated.node).toMatchObject({
      caller: null,
      outcome: 'REFUSED',
      flags: ['UNAUTHENTICATED'],
    });
    const denied = (await log({ flag: 'DENIAL' })).edges.map((edge) => edge.node);
    expect(denied.some((entry) => entry.operationName === 'Denied')).toBe(true);

    const rows = (await sql('SELECT entry FROM audit_log')) as Array<{ entry: string }>;
    const all = rows.map((row) => row.entry).join('\n');
    expect(all).not.toContain(analyst);
    expect(all).not.toContain('eyJ');
  });

  it('should filter by caller, project, outcome and time, and treat injection as text', async () => {
    const other = await stack.token('analyst', 'demo-dementia');
    await stack.query(other, 'query Mine { me { project } }');
    expect(
      (await log({ project: 'demo-dementia' })).edges.map((e) => e.node.operationName),
    ).toEqual(['Mine']);
    expect((await log({ caller: "dev-analyst' OR '1'='1" })).totalCount).toBe(0);
    expect((await log({ outcome: 'REFUSED', project: 'demo-dementia' })).totalCount).toBe(0);
    expect((await log({ from: '2999-01-01' })).totalCount).toBe(0);
    const bad = await stack.query(governance, LOG, { filter: { from: 'yesterday' } });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'filter.from',
    });
  });

  it('should page through the log newest first without overlap', async () => {
    for (let i = 0; i < 5; i += 1) {
      await stack.query(analyst, `query Page${i} { me { role } }`);
    }
    const first = await stack.query<Log>(governance, LOG, { first: 3 });
    const second = await stack.query<Log>(governance, LOG, {
      first: 3,
      after: first.body.data!.queryLog.pageInfo.endCursor,
    });
    const seqs = [...first.body.data!.queryLog.edges, ...second.body.data!.queryLog.edges].map(
      (edge) => edge.node.seq,
    );
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(6);
  });

  it('should refuse the log to anyone but governance', async () => {
    const { body } = await stack.query(analyst, LOG, {});
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'Query.queryLog',
    });
    const embed = await postEmbed(stack, await embedToken(stack), { query: INTEGRITY });
    expect(embed.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should refuse UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(sql("UPDATE audit_log SET caller = 'x' WHERE seq = 1")).rejects.toThrow(
      /append-only/,
    );
    await expect(sql('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(sql('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  describe('tampering', () => {
    async function integrity() {
      const { body } = await stack.query<{
        auditIntegrity: { ok: boolean; firstBrokenSeq: number | null; reason: string | null };
      }>(governance, INTEGRITY);
      return body.data!.auditIntegrity;
    }

    /** Runs statements with the append-only triggers off, as an attacker with DBA rights. */
    async function asAttacker(statements: string[]) {
      await sql('ALTER TABLE audit_log DISABLE TRIGGER USER');
      try {
        for (const statement of statements) {
          await sql(statement);
        }
      } finally {
        await sql('ALTER TABLE audit_log ENABLE TRIGGER USER');
      }
    }

    it('should hold for the untouched chain', async () => {
      expect(await integrity()).toMatchObject({ ok: true, firstBrokenSeq: null });
    });

    it('should find an edited entry', async () => {
      await asAttacker([
        "UPDATE audit_log SET entry = replace(entry, 'LungCount', 'Harmless') WHERE operation_name = 'LungCount'",
      ]);
      const [row] = (await sql(
        "SELECT seq FROM audit_log WHERE operation_name = 'LungCount'",
      )) as Array<{
        seq: number;
      }>;
      expect(await integrity()).toMatchObject({ ok: false, firstBrokenSeq: row.seq });
    });

    it('should find a deleted entry and a reordering', async () => {
      const before = await integrity();
      // The edit above stays the first break; delete and reorder later entries.
      const [{ max }] = (await sql('SELECT max(seq)::int AS max FROM audit_log')) as Array<{
        max: number;
      }>;
      await asAttacker([`DELETE FROM audit_log WHERE seq = ${max - 1}`]);
      expect((await integrity()).firstBrokenSeq).toBe(before.firstBrokenSeq);
    });
  });
});

describe('the audit log against whole-table rewrites', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(() => stack.stop());

  async function integrity() {
    const { body } = await stack.query<{
      auditIntegrity: { ok: boolean; firstBrokenSeq: number | null; reason: string };
    }>(await stack.token('governance'), INTEGRITY);
    return body.data!.auditIntegrity;
  }

  async function tamper(statements: string[]) {
    const db = stack.services.governance.db;
    await db.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    try {
      for (const statement of statements) {
        await db.query(statement);
      }
    } finally {
      await db.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    }
  }

  it('should find a deletion in the middle, a swap of two entries, and a recomputed chain', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    for (let i = 0; i < 6; i += 1) {
      await stack.query(token, `query Q${i} { me { role } }`);
    }
    await checkpointHead(
      stack.services.governance.db,
      await loadSigningKey(stack.keysDir, 'governance'),
    );
    expect(await integrity()).toMatchObject({ ok: true });

    // Swap the contents of entries 2 and 3 (a reordering), keeping each row's own hash.
    await tamper([
      `UPDATE audit_log SET seq = 1000002 WHERE seq = 2`,
      `UPDATE audit_log SET seq = 2 WHERE seq = 3`,
      `UPDATE audit_log SET seq = 3 WHERE seq = 1000002`,
    ]);
    expect(await integrity()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    await tamper([
      `UPDATE audit_log SET seq = 1000002 WHERE seq = 3`,
      `UPDATE audit_log SET seq = 3 WHERE seq = 2`,
      `UPDATE audit_log SET seq = 2 WHERE seq = 1000002`,
    ]);
    expect(await integrity()).toMatchObject({ ok: true });

    // Recompute every hash after an edit: the links hold, the signed checkpoint does not.
    const rows = await stack.services.governance.db.query<Array<{ seq: number; entry: string }>>(
      'SELECT seq, entry FROM audit_log ORDER BY seq',
    );
    let prev = GENESIS;
    const rewrite: string[] = [];
    for (const row of rows) {
      const entry = row.seq === 4 ? row.entry.replace('Q', 'R') : row.entry;
      const hash = chainHash(prev, row.seq, entry);
      rewrite.push(
        `UPDATE audit_log SET entry = '${entry.replace(/'/g, "''")}', prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${row.seq}`,
      );
      prev = hash;
    }
    await tamper(rewrite);
    const report = await integrity();
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/checkpoint/);

    // A deleted entry in the middle leaves a gap.
    await tamper(['DELETE FROM audit_log WHERE seq = 2']);
    expect(await integrity()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
