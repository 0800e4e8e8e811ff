import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { IsNull } from 'typeorm';

import { codedError } from '../../common/errors';
import { DatasetName, FieldCategoryName, GrantLevelName } from '../../common/graphql-enums';
import type { ServiceContext } from '../../common/service';
import { DatasetGrantEntity, ProjectEntity } from './project.entity';
import { GrantRecord, Project } from './project.type';

const PROJECT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

function toGrant(row: DatasetGrantEntity): GrantRecord {
  return {
    dataset: row.dataset as DatasetName,
    level: row.level as GrantLevelName,
    maxCategory: row.maxCategory as FieldCategoryName,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    grantedBy: row.grantedBy,
    reason: row.reason,
    grantedAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedBy,
    revokeReason: row.revokeReason,
  };
}

export function checkReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 3 || trimmed.length > 1000) {
    throw codedError('BAD_USER_INPUT', 'reason: say why, in 3 to 1000 characters', {
      argument: 'reason',
    });
  }
  return trimmed;
}

async function loadProject(ctx: ServiceContext, id: string): Promise<Project> {
  const project = await ctx.db.getRepository(ProjectEntity).findOneBy({ id });
  if (!project) {
    throw codedError('BAD_USER_INPUT', `project: no project "${id}"`, { argument: 'project' });
  }
  const grants = await ctx.db
    .getRepository(DatasetGrantEntity)
    .find({ where: { projectId: id }, order: { createdAt: 'DESC', id: 'DESC' } });
  return {
    id: project.id,
    title: project.title,
    createdAt: project.createdAt.toISOString(),
    grants: grants.map(toGrant),
  };
}

/** Projects and grants; every change records who made it and why (and the audit log too). */
@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => [Project], { description: 'Every project with its grants (governance)' })
  async projects(@Ctx() ctx: ServiceContext): Promise<Project[]> {
    const rows = await ctx.db.getRepository(ProjectEntity).find({ order: { id: 'ASC' } });
    return Promise.all(rows.map((row) => loadProject(ctx, row.id)));
  }

  @Mutation(() => Project, { description: 'Creates a project with no grants' })
  async createProject(
    @Arg('id', () => String) id: string,
    @Arg('title', () => String) title: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<Project> {
    if (!PROJECT_ID.test(id)) {
      throw codedError('BAD_USER_INPUT', 'id: lower-case letters, digits and -, 2 to 63 long', {
        argument: 'id',
      });
    }
    if (title.trim().length === 0 || title.length > 200) {
      throw codedError('BAD_USER_INPUT', 'title: 1 to 200 characters', { argument: 'title' });
    }
    if (await ctx.db.getRepository(ProjectEntity).existsBy({ id })) {
      throw codedError('BAD_USER_INPUT', `id: project "${id}" exists already`, { argument: 'id' });
    }
    await ctx.db.getRepository(ProjectEntity).insert({ id, title: title.trim() });
    return loadProject(ctx, id);
  }

  @Mutation(() => Project, {
    description: 'Grants a dataset to a project, replacing (narrowing or widening) any live grant',
  })
  async grantDataset(
    @Arg('project', () => String) project: string,
    @Arg('dataset', () => DatasetName) dataset: DatasetName,
    @Arg('level', () => GrantLevelName) level: GrantLevelName,
    @Arg('maxCategory', () => FieldCategoryName) maxCategory: FieldCategoryName,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: ServiceContext,
    @Arg('expiresAt', () => String, { nullable: true }) expiresAt?: string,
  ): Promise<Project> {
    const why = checkReason(reason);
    const expiry = expiresAt ? new Date(expiresAt) : null;
    if (expiry && (Number.isNaN(expiry.getTime()) || expiry.getTime() <= Date.now())) {
      throw codedError('BAD_USER_INPUT', 'expiresAt: an ISO 8601 instant in the future', {
        argument: 'expiresAt',
      });
    }
    await loadProject(ctx, project);
    await ctx.db.transaction(async (manager) => {
      await manager.update(
        DatasetGrantEntity,
        { projectId: project, dataset, revokedAt: IsNull() },
        {
          revokedAt: new Date(),
          revokedBy: ctx.identity.subject,
          revokeReason: `replaced: ${why}`,
        },
      );
      await manager.insert(DatasetGrantEntity, {
        projectId: project,
        dataset,
        level,
        maxCategory,
        expiresAt: expiry,
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
        grantedBy: ctx.identity.subject,
        reason: why,
      });
    });
    return loadProject(ctx, project);
  }

  @Mutation(() => Project, { description: 'Revokes a project’s live grant on a dataset' })
  async revokeGrant(
    @Arg('project', () => String) project: string,
    @Arg('dataset', () => DatasetName) dataset: DatasetName,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<Project> {
    const why = checkReason(reason);
    await loadProject(ctx, project);
    const result = await ctx.db
      .getRepository(DatasetGrantEntity)
      .update(
        { projectId: project, dataset, revokedAt: IsNull() },
        { revokedAt: new Date(), revokedBy: ctx.identity.subject, revokeReason: why },
      );
    if (!result.affected) {
      throw codedError('BAD_USER_INPUT', `${project} has no live grant on ${dataset}`, {
        argument: 'dataset',
      });
    }
    return loadProject(ctx, project);
  }
}
