import { randomUUID } from 'node:crypto';

import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import { codedError } from '../../common/errors';
import type { ServiceContext } from '../../common/service';
import {
  ExtractImagingInput,
  ExtractRequest,
  ExtractRequestConnection,
  ExtractStatusName,
} from './extract.type';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_PAGE = 200;

interface ExtractRow {
  id: string;
  project: string;
  cohort_id: string;
  imaging: unknown;
  requested_by: string;
  requested_at: Date;
  status: ExtractStatusName;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
}

function toRequest(row: ExtractRow): ExtractRequest {
  return {
    id: row.id,
    project: row.project,
    cohortId: row.cohort_id,
    imaging: row.imaging === null ? null : JSON.stringify(row.imaging),
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    note: row.note,
  };
}

function checkNote(note: string | undefined): string | null {
  if (note !== undefined && note !== null && note.length > 2000) {
    throw codedError('BAD_USER_INPUT', 'note: at most 2000 characters', { argument: 'note' });
  }
  return note ?? null;
}

@Resolver(() => ExtractRequest)
export class ExtractResolver {
  @Mutation(() => ExtractRequest, {
    description: 'Asks governance to approve extracting a saved cohort (needs RECORD on imaging)',
  })
  async requestExtract(
    @Arg('cohortId', () => ID) cohortId: string,
    @Ctx() ctx: ServiceContext,
    @Arg('imaging', () => ExtractImagingInput, { nullable: true }) imaging?: ExtractImagingInput,
  ): Promise<ExtractRequest> {
    const { identity } = ctx;
    const grant = identity.grants.find((candidate) => candidate.dataset === 'imaging');
    if (identity.role !== 'analyst' || !identity.project || grant?.level !== 'RECORD') {
      throw codedError('FORBIDDEN', 'Mutation.requestExtract needs a RECORD grant on imaging', {
        field: 'Mutation.requestExtract',
      });
    }
    if (!UUID.test(cohortId)) {
      throw codedError('BAD_USER_INPUT', 'cohortId: not a saved cohort of this project', {
        argument: 'cohortId',
      });
    }
    // TODO(#7): ask the cohort service that the cohort is this project's before accepting.
    const [row] = await ctx.db.query<ExtractRow[]>(
      `INSERT INTO extract_request (id, project, cohort_id, imaging, requested_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [
        randomUUID(),
        identity.project,
        cohortId,
        imaging ? JSON.stringify({ ...imaging }) : null,
        identity.subject,
      ],
    );
    return toRequest(row);
  }

  @Query(() => ExtractRequestConnection, {
    description: 'Extract requests: all for governance, the project’s own for analysts',
  })
  async extractRequests(
    @Ctx() ctx: ServiceContext,
    @Arg('status', () => ExtractStatusName, { nullable: true }) status?: ExtractStatusName,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ExtractRequestConnection> {
    const { identity } = ctx;
    const size = first ?? 50;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
      throw codedError('BAD_USER_INPUT', `first: give 1 to ${MAX_PAGE}`, { argument: 'first' });
    }
    const offset = after
      ? Number(
          Buffer.from(after, 'base64url')
            .toString()
            .replace(/^extract:/, ''),
        )
      : 0;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw codedError('BAD_USER_INPUT', 'after: not an extract-request cursor', {
        argument: 'after',
      });
    }
    const params: unknown[] = [];
    const where: string[] = [];
    if (identity.role !== 'governance') {
      params.push(identity.project);
      where.push(`project = $${params.length}`);
    }
    if (status) {
      params.push(status);
      where.push(`status = $${params.length}`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = await ctx.db.query<ExtractRow[]>(
      `SELECT * FROM extract_request ${clause} ORDER BY requested_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, size + 1, offset],
    );
    const [{ total }] = await ctx.db.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM extract_request ${clause}`,
      params,
    );
    return {
      edges: rows.slice(0, size).map((row, i) => ({
        cursor: Buffer.from(`extract:${offset + i + 1}`).toString('base64url'),
        node: toRequest(row),
      })),
      hasNextPage: rows.length > size,
      totalCount: total,
    };
  }

  @Mutation(() => ExtractRequest, { description: 'Approves a pending request (not one’s own)' })
  approveExtract(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ServiceContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<ExtractRequest> {
    return decide(ctx, id, ExtractStatusName.APPROVED, checkNote(note));
  }

  @Mutation(() => ExtractRequest, { description: 'Rejects a pending request (not one’s own)' })
  rejectExtract(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ServiceContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<ExtractRequest> {
    return decide(ctx, id, ExtractStatusName.REJECTED, checkNote(note));
  }
}

/** Records a decision; the four-eyes rule is checked here and again by the table. */
async function decide(
  ctx: ServiceContext,
  id: string,
  status: ExtractStatusName,
  note: string | null,
): Promise<ExtractRequest> {
  if (!UUID.test(id)) {
    throw codedError('BAD_USER_INPUT', 'id: no such extract request', { argument: 'id' });
  }
  return ctx.db.transaction(async (manager) => {
    const [row] = await manager.query<ExtractRow[]>(
      'SELECT * FROM extract_request WHERE id = $1 FOR UPDATE',
      [id],
    );
    if (!row) {
      throw codedError('BAD_USER_INPUT', 'id: no such extract request', { argument: 'id' });
    }
    if (row.requested_by === ctx.identity.subject) {
      throw codedError(
        'FORBIDDEN',
        'An extract request must be decided by someone other than its requester',
        {
          field:
            status === ExtractStatusName.APPROVED
              ? 'Mutation.approveExtract'
              : 'Mutation.rejectExtract',
        },
      );
    }
    if (row.status !== ExtractStatusName.PENDING) {
      throw codedError('BAD_USER_INPUT', `The request is already ${row.status.toLowerCase()}`, {
        argument: 'id',
      });
    }
    // An UPDATE answers [rows, count] through TypeORM.
    const [[updated]] = await manager.query<[ExtractRow[], number]>(
      `UPDATE extract_request SET status = $2, decided_by = $3, decided_at = now(), note = $4
       WHERE id = $1 RETURNING *`,
      [id, status, ctx.identity.subject, note],
    );
    return toRequest(updated);
  });
}
