import { randomUUID } from 'node:crypto';

import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import { parseCriterion } from '../../common/criteria';
import { codedError } from '../../common/errors';
import { requireCountGrants, requireRecordGrant } from './access';
import { SavedCohortEntity } from './cohort.entity';
import { Cohort, CohortCount, SubjectConnection } from './cohort.type';
import type { CohortContext } from './context';
import { CohortCriterion } from './criteria.input';
import { selectKeys } from './select-keys';

/** Page size of `Cohort.subjects`: default and maximum. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Resolver(() => Cohort)
export class CohortResolver {
  @Query(() => CohortCount, { description: 'How many subjects match, after disclosure control' })
  async cohortCount(
    @Arg('criteria', () => CohortCriterion) criteria: CohortCriterion,
    @Ctx() ctx: CohortContext,
  ): Promise<CohortCount> {
    const criterion = parseCriterion(criteria);
    requireCountGrants(ctx.identity, criterion, 'Query.cohortCount');
    // Entered before the first await, so aliased siblings are judged with this one.
    const ticket = ctx.batch.enter();
    try {
      const { keys } = await selectKeys(criterion, ctx);
      const digest = ctx.disclosure.digest(keys);
      const verdict = await ticket.submit({
        field: 'Query.cohortCount',
        shape: 'count',
        figures: [{ definition: criterion, digest, trueCount: keys.length }],
        lines: [],
        cost: 1,
      });
      if ('error' in verdict) {
        throw verdict.error;
      }
      return ctx.disclosure.release(keys.length, digest, ctx.identity.role ?? 'embed');
    } finally {
      ticket.leave();
    }
  }

  @Mutation(() => Cohort, { description: 'Saves the subjects matching now as a cohort' })
  async saveCohort(
    @Arg('name', () => String) name: string,
    @Arg('criteria', () => CohortCriterion) criteria: CohortCriterion,
    @Ctx() ctx: CohortContext,
  ): Promise<Cohort> {
    const project = requireRecordGrant(ctx.identity, 'Mutation.saveCohort');
    const title = name.trim();
    if (title.length === 0 || title.length > 200) {
      throw codedError('BAD_USER_INPUT', 'name: give 1 to 200 characters', { argument: 'name' });
    }
    const criterion = parseCriterion(criteria);
    requireCountGrants(ctx.identity, criterion, 'Mutation.saveCohort');
    const { keys } = await selectKeys(criterion, ctx);

    // Stored in the project's release-ID order, so paging reveals nothing of key order.
    const ordered = [...keys]
      .map((key) => ({ key, releaseId: ctx.pseudonyms.releaseId(project, key) }))
      .sort((a, b) => (a.releaseId < b.releaseId ? -1 : 1));
    const members = Buffer.alloc(ordered.length * 4);
    ordered.forEach(({ key }, i) => members.writeUInt32BE(key, i * 4));

    const row = await ctx.db.getRepository(SavedCohortEntity).save({
      id: randomUUID(),
      project,
      name: title,
      criteria: criterion,
      createdBy: ctx.identity.subject,
      memberCount: ordered.length,
      members,
      setDigest: ctx.disclosure.digest(keys),
    });
    return toCohort(row);
  }

  @Query(() => Cohort, {
    nullable: true,
    description: 'A saved cohort of the caller’s project; null for any other id',
  })
  async cohort(@Arg('id', () => ID) id: string, @Ctx() ctx: CohortContext): Promise<Cohort | null> {
    const project = requireRecordGrant(ctx.identity, 'Query.cohort');
    if (!UUID.test(id)) {
      return null;
    }
    const row = await ctx.db.getRepository(SavedCohortEntity).findOneBy({ id, project });
    return row ? toCohort(row) : null;
  }

  @FieldResolver(() => CohortCount, { description: 'Members at save time, disclosure-controlled' })
  count(@Root() cohort: Cohort, @Ctx() ctx: CohortContext): CohortCount {
    const role = ctx.identity.role ?? 'embed';
    return ctx.disclosure.release(cohort.memberCount, cohort.setDigest ?? '', role);
  }

  @FieldResolver(() => SubjectConnection, {
    description: `Members, ${DEFAULT_PAGE} a page by default, at most ${MAX_PAGE}`,
  })
  async subjects(
    @Root() cohort: Cohort,
    @Ctx() ctx: CohortContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<SubjectConnection> {
    const project = requireRecordGrant(ctx.identity, 'Cohort.subjects');
    const size = first ?? DEFAULT_PAGE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
      throw codedError('BAD_USER_INPUT', `first: give 1 to ${MAX_PAGE}`, { argument: 'first' });
    }
    const offset = after === undefined || after === null ? 0 : decodeCursor(after, cohort);
    const rows: Array<{ chunk: Uint8Array }> = await ctx.db.query(
      'SELECT substring(members FROM $1 FOR $2) AS chunk FROM saved_cohort WHERE id = $3 AND project = $4',
      [offset * 4 + 1, size * 4, cohort.id, project],
    );
    const chunk = Buffer.from(rows[0]?.chunk ?? new Uint8Array(0));
    const edges = [];
    for (let i = 0; i * 4 < chunk.length; i += 1) {
      const linkageKey = chunk.readUInt32BE(i * 4);
      edges.push({
        cursor: encodeCursor(cohort.id, offset + i + 1),
        node: { id: ctx.pseudonyms.releaseId(project, linkageKey), linkageKey },
      });
    }
    const end = offset + edges.length;
    return {
      edges,
      pageInfo: {
        hasNextPage: end < cohort.memberCount,
        endCursor: edges.length > 0 ? encodeCursor(cohort.id, end) : (after ?? null),
      },
    };
  }
}

function toCohort(row: SavedCohortEntity): Cohort {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    memberCount: row.memberCount,
    setDigest: row.setDigest,
  };
}

/** Cursors name their cohort: one from another cohort (or project) is refused. */
function encodeCursor(cohortId: string, offset: number): string {
  return Buffer.from(`${cohortId}:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string, cohort: Cohort): number {
  const [id, offsetText] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const offset = Number(offsetText);
  if (id !== cohort.id || !Number.isInteger(offset) || offset < 0 || offset > cohort.memberCount) {
    throw codedError('BAD_USER_INPUT', 'after: not a cursor of this cohort', { argument: 'after' });
  }
  return offset;
}
