import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';

import { codedError } from '../../common/errors';
import type { ServiceContext } from '../../common/service';
import { Subject } from './subject.entity';

/** Callers reach records only through a project's RECORD grants (DESIGN.md). */
export function requireRecordGrant(ctx: ServiceContext, field: string): string {
  const { project, grants } = ctx.identity;
  if (!project || !grants.some((grant) => grant.level === 'RECORD')) {
    throw codedError('FORBIDDEN', `${field} needs a RECORD grant on at least one dataset`, {
      field,
    });
  }
  return project;
}

@Resolver(() => Subject)
export class CohortSubjectResolver {
  @Query(() => Subject, {
    nullable: true,
    description: 'A subject by release ID of the caller’s project; null for any other ID',
  })
  subject(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Subject | null {
    const project = requireRecordGrant(ctx, 'Query.subject');
    const linkageKey = ctx.pseudonyms.linkageKey(project, id);
    return linkageKey === null ? null : { id, linkageKey };
  }
}
