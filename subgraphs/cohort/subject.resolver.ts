import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';

import type { ServiceContext } from '../../common/service';
import { requireRecordGrant } from './access';
import { Subject } from './subject.entity';

@Resolver(() => Subject)
export class CohortSubjectResolver {
  @Query(() => Subject, {
    nullable: true,
    description: 'A subject by release ID of the caller’s project; null for any other ID',
  })
  subject(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Subject | null {
    const project = requireRecordGrant(ctx.identity, 'Query.subject');
    const linkageKey = ctx.pseudonyms.linkageKey(project, id);
    return linkageKey === null ? null : { id, linkageKey };
  }
}
