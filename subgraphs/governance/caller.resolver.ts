import { Arg, Ctx, Directive, Query, Resolver } from 'type-graphql';

import type { Grant } from '../../common/access';
import { codedError } from '../../common/errors';
import type {
  DatasetName,
  FieldCategoryName,
  GrantLevelName,
  RoleName,
} from '../../common/graphql-enums';
import type { ServiceContext } from '../../common/service';
import { Caller, ProjectGrant } from './caller.type';
import { currentGrants } from './grants';

function toProjectGrant(grant: Grant): ProjectGrant {
  return {
    dataset: grant.dataset as DatasetName,
    level: grant.level as GrantLevelName,
    maxCategory: grant.maxCategory as FieldCategoryName,
    expiresAt: grant.expiresAt,
  };
}

@Resolver()
export class CallerResolver {
  @Query(() => Caller, { description: 'The caller’s role, project and current grants' })
  async me(@Ctx() { identity, db }: ServiceContext): Promise<Caller> {
    if (!identity.role) {
      throw codedError('UNAUTHENTICATED', 'The caller has no role');
    }
    const grants = identity.project ? await currentGrants(db, identity.project) : [];
    return {
      subject: identity.subject,
      role: identity.role as RoleName,
      project: identity.project,
      grants: grants.map(toProjectGrant),
    };
  }

  @Directive('@inaccessible')
  @Query(() => [ProjectGrant], { description: 'Internal: grants the gateway puts in tokens' })
  async projectGrants(
    @Arg('project', () => String) project: string,
    @Ctx() { db }: ServiceContext,
  ): Promise<ProjectGrant[]> {
    return (await currentGrants(db, project)).map(toProjectGrant);
  }
}
