import { Arg, Ctx, Directive, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import { codedError } from '../../common/errors';
import type { ExtractRegistration } from '../../common/extract';
import type { ServiceContext } from '../../common/service';
import { ExtractRequest, ExtractRequestConnection, ExtractStatusName } from './extract.type';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_PAGE = 200;

interface ExtractRow {
  id: string;
  project: string;
  cohort_id: string;
  cohort_name: string | null;
  imaging: unknown;
  subject_count: number;
  study_count: number;
  series_count: number;
  instance_count: number;
  tables: string[];
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
    cohortName: row.cohort_name,
    imaging: row.imaging === null ? null : JSON.stringify(row.imaging),
    subjectCount: row.subject_count,
    studyCount: row.study_count,
    seriesCount: row.series_count,
    instanceCount: row.instance_count,
    tables: row.tables,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    note: row.note,
  };
}

/** Checks the cohort service's registration; a malformed one is a bug there, not input. */
function parseRegistration(text: string): ExtractRegistration {
  const value = JSON.parse(text) as ExtractRegistration;
  const counts = [value.subjectCount, value.studyCount, value.seriesCount, value.instanceCount];
  if (
    !UUID.test(value.id) ||
    !UUID.test(value.cohortId) ||
    typeof value.project !== 'string' ||
    typeof value.cohortName !== 'string' ||
    typeof value.requestedBy !== 'string' ||
    !counts.every((count) => Number.isSafeInteger(count) && count >= 0) ||
    !Array.isArray(value.tables) ||
    !value.tables.every((table) => typeof table === 'string')
  ) {
    throw new TypeError('registerExtract: malformed registration');
  }
  return value;
}

/** The request if the caller may see it: governance any, an analyst its project's own. */
export async function visibleRequest(
  ctx: ServiceContext,
  id: string,
): Promise<ExtractRequest | null> {
  const { identity } = ctx;
  if (!UUID.test(id) || (identity.role !== 'governance' && !identity.project)) {
    return null;
  }
  const [row] = await ctx.db.query<ExtractRow[]>('SELECT * FROM extract_request WHERE id = $1', [
    id,
  ]);
  if (!row || (identity.role !== 'governance' && row.project !== identity.project)) {
    return null;
  }
  return toRequest(row);
}

export const extractReference = {
  ExtractRequest: {
    __resolveReference(reference: { id: string }, ctx: ServiceContext) {
      return visibleRequest(ctx, reference.id);
    },
  },
};

function checkNote(note: string | undefined): string | null {
  if (note !== undefined && note !== null && note.length > 2000) {
    throw codedError('BAD_USER_INPUT', 'note: at most 2000 characters', { argument: 'note' });
  }
  return note ?? null;
}

@Resolver(() => ExtractRequest)
export class ExtractResolver {
  @Directive('@inaccessible')
  @Mutation(() => ID, {
    description: 'Internal: the cohort service registers a request it has frozen at the sites',
  })
  async registerExtract(
    @Arg('request', () => String) text: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<string> {
    const request = parseRegistration(text);
    await ctx.db.query(
      `INSERT INTO extract_request (id, project, cohort_id, cohort_name, imaging, requested_by,
         subject_count, study_count, series_count, instance_count, tables)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        request.id,
        request.project,
        request.cohortId,
        request.cohortName,
        request.imaging === null ? null : JSON.stringify(request.imaging),
        request.requestedBy,
        request.subjectCount,
        request.studyCount,
        request.seriesCount,
        request.instanceCount,
        request.tables,
      ],
    );
    return request.id;
  }

  @Query(() => ExtractRequest, {
    nullable: true,
    description: 'One extract request: the project’s own for analysts, any for governance',
  })
  async extractRequest(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<ExtractRequest | null> {
    return visibleRequest(ctx, id);
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
