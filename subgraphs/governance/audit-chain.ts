import { createHash } from 'node:crypto';

import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import type { DataSource, EntityManager } from 'typeorm';

import { type AuditEntry, canonicalJson, flagsOf } from '../../common/audit-entry';
import { SIGNING_ALG, type SigningKey } from '../../common/keys';

/** The hash before the first entry. */
export const GENESIS = '0'.repeat(64);

/** Entries between signed checkpoints of the chain head. */
export const CHECKPOINT_EVERY = 1_000;

/** Serialises appenders across processes sharing one database. */
const APPEND_LOCK = 0x61756474; // "audt"

/** sha256(previous hash, sequence number, canonical entry text), hex. */
export function chainHash(prevHash: string, seq: number, entryText: string): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${entryText}`).digest('hex');
}

/**
 * Appends entries in one transaction, each chained to the one before. Returns their
 * sequence numbers. A checkpoint of the head is signed every CHECKPOINT_EVERY entries, so
 * that rewriting the whole table (hashes and all) is detectable too.
 */
export async function appendEntries(
  db: DataSource,
  entries: AuditEntry[],
  key: SigningKey,
): Promise<number[]> {
  return db.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const [head] = await manager.query<Array<{ seq: number; hash: string }>>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    let seq = Number(head?.seq ?? 0);
    let prevHash = head?.hash ?? GENESIS;
    const rows: Array<{
      seq: number;
      entry: AuditEntry;
      text: string;
      prev: string;
      hash: string;
    }> = [];
    for (const entry of entries) {
      seq += 1;
      const text = canonicalJson(entry);
      const hash = chainHash(prevHash, seq, text);
      rows.push({ seq, entry, text, prev: prevHash, hash });
      prevHash = hash;
    }
    // One statement for the whole batch: a round trip per entry was most of the cost of a
    // busy gateway's group commit. Flags travel joined (unnest cannot carry an array each).
    const column = <T>(value: (row: (typeof rows)[number]) => T) => rows.map(value);
    await manager.query(
      `INSERT INTO audit_log (seq, at, caller, role, project, operation_name, outcome, flags,
                              entry, prev_hash, hash)
       SELECT seq, at, caller, role, project, operation_name, outcome,
              string_to_array(flags, ','), entry, prev_hash, hash
       FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                   $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
            AS t (seq, at, caller, role, project, operation_name, outcome, flags, entry,
                  prev_hash, hash)`,
      [
        column((row) => row.seq),
        column((row) => row.entry.at),
        column((row) => row.entry.caller),
        column((row) => row.entry.role),
        column((row) => row.entry.project),
        column((row) => row.entry.operationName),
        column((row) => row.entry.outcome),
        column((row) => flagsOf(row.entry).join(',')),
        column((row) => row.text),
        column((row) => row.prev),
        column((row) => row.hash),
      ],
    );
    for (const row of rows) {
      if (row.seq % CHECKPOINT_EVERY === 0) {
        await signCheckpoint(manager, row.seq, row.hash, key);
      }
    }
    const seqs = rows.map((row) => row.seq);
    return seqs;
  });
}

async function signCheckpoint(manager: EntityManager, seq: number, hash: string, key: SigningKey) {
  const at = new Date().toISOString();
  const signature = await new CompactSign(new TextEncoder().encode(`${seq}\n${hash}\n${at}`))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid })
    .sign(key.privateKey);
  await manager.query(
    'INSERT INTO audit_checkpoint (seq, hash, at, kid, signature) VALUES ($1, $2, $3, $4, $5)',
    [seq, hash, at, key.kid, signature],
  );
}

/** Signs a checkpoint of the current head now (also run on a timer and by the verifier). */
export async function checkpointHead(db: DataSource, key: SigningKey): Promise<void> {
  await db.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const [head] = await manager.query<Array<{ seq: number; hash: string }>>(
      `SELECT l.seq, l.hash FROM audit_log l
       WHERE NOT EXISTS (SELECT 1 FROM audit_checkpoint c WHERE c.seq = l.seq)
       ORDER BY l.seq DESC LIMIT 1`,
    );
    const [last] = await manager.query<Array<{ seq: number | null }>>(
      'SELECT max(seq)::bigint AS seq FROM audit_checkpoint',
    );
    if (head && head.seq > (last?.seq ?? 0)) {
      await signCheckpoint(manager, head.seq, head.hash, key);
    }
  });
}

export interface IntegrityReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** The first entry at which the chain breaks; null when it holds. */
  firstBrokenSeq: number | null;
  reason: string | null;
  lastSeq: number | null;
  lastCheckpointSeq: number | null;
  durationMs: number;
}

/**
 * Walks the whole chain in sequence order, in pages, and checks every link and every
 * signed checkpoint. An edited entry breaks its own hash; a deleted one leaves a gap in
 * the sequence; a reordering breaks the link to the previous hash; a rewritten table no
 * longer matches the signed checkpoints.
 */
export async function verifyChain(
  db: DataSource,
  publicJwk: JWK,
  pageSize = 10_000,
): Promise<IntegrityReport> {
  const started = Date.now();
  const checkpoints = new Map<number, { hash: string; at: string; signature: string }>();
  const key = await importJWK(publicJwk, SIGNING_ALG);
  const rows = await db.query<
    Array<{ seq: number; hash: string; at: Date | string; signature: string }>
  >('SELECT seq, hash, at, signature FROM audit_checkpoint ORDER BY seq');
  const report = (
    broken: number | null,
    reason: string | null,
    entries: number,
    lastSeq: number | null,
  ) => ({
    ok: broken === null,
    entries,
    checkpoints: rows.length,
    firstBrokenSeq: broken,
    reason,
    lastSeq,
    lastCheckpointSeq: rows.at(-1)?.seq ?? null,
    durationMs: Date.now() - started,
  });

  for (const row of rows) {
    const at = row.at instanceof Date ? row.at.toISOString() : new Date(row.at).toISOString();
    try {
      const { payload } = await compactVerify(row.signature, key, { algorithms: [SIGNING_ALG] });
      if (new TextDecoder().decode(payload) !== `${row.seq}\n${row.hash}\n${at}`) {
        return report(row.seq, 'a checkpoint does not match its signature', 0, null);
      }
    } catch {
      return report(row.seq, 'a checkpoint signature is invalid', 0, null);
    }
    checkpoints.set(row.seq, { hash: row.hash, at, signature: row.signature });
  }

  let prevHash = GENESIS;
  let expected = 1;
  let entries = 0;
  for (;;) {
    const page = await db.query<
      Array<{ seq: number; entry: string; prev_hash: string; hash: string }>
    >('SELECT seq, entry, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [
      expected,
      pageSize,
    ]);
    for (const row of page) {
      if (row.seq !== expected) {
        return report(expected, `entry ${expected} is missing`, entries, expected - 1);
      }
      if (row.prev_hash !== prevHash) {
        return report(row.seq, 'the entry does not follow the one before it', entries, row.seq);
      }
      if (chainHash(prevHash, row.seq, row.entry) !== row.hash) {
        return report(row.seq, 'the entry’s content does not match its hash', entries, row.seq);
      }
      const checkpoint = checkpoints.get(row.seq);
      if (checkpoint && checkpoint.hash !== row.hash) {
        return report(row.seq, 'the chain differs from a signed checkpoint', entries, row.seq);
      }
      prevHash = row.hash;
      expected += 1;
      entries += 1;
    }
    if (page.length < pageSize) {
      break;
    }
  }
  const lastCheckpoint = rows.at(-1);
  if (lastCheckpoint && lastCheckpoint.seq >= expected) {
    return report(
      expected,
      `entries from ${expected} on, covered by a checkpoint, are missing`,
      entries,
      expected - 1,
    );
  }
  return report(null, null, entries, entries > 0 ? expected - 1 : null);
}
