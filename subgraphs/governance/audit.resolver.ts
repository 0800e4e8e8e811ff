import { Arg, Ctx, Directive, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { AuditEntry } from '../../common/audit-entry';
import { codedError } from '../../common/errors';
import { appendEntries, verifyChain } from './audit-chain';
import { LOG_PAGE, type LogRow, MAX_LOG_PAGE, parseEntry, readLog } from './audit-log';
import {
  AuditFlagName,
  AuditIntegrity,
  AuditOutcomeName,
  QueryLogConnection,
  QueryLogEntry,
  QueryLogFilter,
} from './audit.type';
import type { GovernanceContext } from './context';

function toEntry(row: LogRow): QueryLogEntry {
  const entry = JSON.parse(row.entry) as AuditEntry;
  return {
    id: String(row.seq),
    seq: row.seq,
    at: entry.at,
    caller: entry.caller,
    role: entry.role,
    project: entry.project,
    clientName: entry.clientName,
    clientVersion: entry.clientVersion,
    operationName: entry.operationName,
    documentHash: entry.documentHash,
    document: entry.document,
    variables: entry.variables === null ? null : JSON.stringify(entry.variables),
    coordinates: entry.coordinates,
    outcome: entry.outcome as AuditOutcomeName,
    httpStatus: entry.httpStatus,
    errorCodes: entry.errorCodes,
    deniedFields: entry.deniedFields,
    releasedCounts: entry.releasedCounts,
    rowsReturned: entry.rowsReturned,
    durationMs: Math.round(entry.durationMs),
    flags: row.flags as AuditFlagName[],
    hash: row.hash,
  };
}

function cursorSeq(after: string | undefined): number | null {
  if (after === undefined || after === null) {
    return null;
  }
  const seq = Number(Buffer.from(after, 'base64url').toString('utf8').replace(/^log:/, ''));
  if (
    !Number.isSafeInteger(seq) ||
    seq < 1 ||
    !Buffer.from(after, 'base64url').toString().startsWith('log:')
  ) {
    throw codedError('BAD_USER_INPUT', 'after: not a query-log cursor', { argument: 'after' });
  }
  return seq;
}

@Resolver()
export class AuditResolver {
  @Query(() => QueryLogConnection, { description: 'The audit log, newest first (governance)' })
  async queryLog(
    @Ctx() ctx: GovernanceContext,
    @Arg('filter', () => QueryLogFilter, { nullable: true }) filter?: QueryLogFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<QueryLogConnection> {
    const size = first ?? LOG_PAGE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_LOG_PAGE) {
      throw codedError('BAD_USER_INPUT', `first: give 1 to ${MAX_LOG_PAGE}`, { argument: 'first' });
    }
    const { rows, total } = await readLog(ctx.db, filter, size, cursorSeq(after));
    const page = rows.slice(0, size);
    const edges = page.map((row) => ({
      cursor: Buffer.from(`log:${row.seq}`).toString('base64url'),
      node: toEntry(row),
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: total,
    };
  }

  @Query(() => AuditIntegrity, { description: 'Verifies the whole hash chain now (governance)' })
  async auditIntegrity(@Ctx() ctx: GovernanceContext): Promise<AuditIntegrity> {
    const report = await verifyChain(ctx.db, ctx.audit.publicJwk);
    return { ...report, checkedAt: new Date().toISOString() };
  }

  @Directive('@inaccessible')
  @Mutation(() => [Int], { description: 'Internal: the gateway appends audited operations' })
  async appendAuditEntries(
    @Arg('entries', () => [String]) entries: string[],
    @Ctx() ctx: GovernanceContext,
  ): Promise<number[]> {
    let parsed: AuditEntry[];
    try {
      parsed = entries.map(parseEntry);
    } catch (error) {
      throw codedError('BAD_USER_INPUT', `entries: ${(error as Error).message}`);
    }
    return appendEntries(ctx.db, parsed, ctx.audit.key);
  }
}
