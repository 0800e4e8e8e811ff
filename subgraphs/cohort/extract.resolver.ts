import { randomUUID } from 'node:crypto';

import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';

import { releases } from '../../common/access';
import { parseLeaf } from '../../common/criteria';
import { codedError } from '../../common/errors';
import { encodeMembers, isExtractId } from '../../common/extract';
import { grantedTables } from '../../common/extract-tables';
import { LINKED_TABLES } from '../../common/linked-tables';
import type { CohortContext } from './context';
import { ImagingCriterion } from './criteria.input';
import { ExtractRequestStub } from './extract.type';

const FIELD = 'Mutation.requestExtract';

interface CohortMembers {
  name: string;
  member_count: number;
  members: Uint8Array;
}

@Resolver()
export class ExtractRequestResolver {
  @Mutation(() => ExtractRequestStub, {
    description:
      'Freezes a saved cohort’s images (and the linked tables the project is granted) and asks governance to approve extracting them',
  })
  async requestExtract(
    @Arg('cohortId', () => ID) cohortId: string,
    @Ctx() ctx: CohortContext,
    @Arg('imaging', () => ImagingCriterion, { nullable: true }) imaging?: ImagingCriterion,
  ): Promise<ExtractRequestStub> {
    const { identity } = ctx;
    const grantOf = (dataset: string) =>
      identity.grants.find((candidate) => candidate.dataset === dataset);
    const project = identity.project;
    if (identity.role !== 'analyst' || !project || !releases(grantOf('imaging'), 'core')) {
      throw codedError('FORBIDDEN', `${FIELD} needs a RECORD grant on imaging`, { field: FIELD });
    }
    if (imaging?.minStudies !== undefined && imaging.minStudies !== null) {
      throw codedError(
        'BAD_USER_INPUT',
        'imaging.minStudies chooses subjects, not images: put it in the cohort’s criteria',
        { argument: 'imaging' },
      );
    }
    const selection = imaging ? parseLeaf('imaging', { ...imaging }, 'imaging') : null;
    const [cohort] = isExtractId(cohortId)
      ? await ctx.db.query<CohortMembers[]>(
          'SELECT name, member_count, members FROM saved_cohort WHERE id = $1 AND project = $2',
          [cohortId, project],
        )
      : [];
    if (!cohort) {
      throw codedError('BAD_USER_INPUT', 'cohortId: not a saved cohort of this project', {
        argument: 'cohortId',
      });
    }
    if (cohort.member_count === 0) {
      throw codedError('BAD_USER_INPUT', 'cohortId: the cohort has no members to extract', {
        argument: 'cohortId',
      });
    }

    const id = randomUUID();
    const members = encodeMembers(Buffer.from(cohort.members));
    const linked = (['ehr', 'genomics'] as const).filter((site) => releases(grantOf(site), 'core'));
    const { kind: _kind, ...imagingSelection } = selection ?? { kind: 'imaging' };
    const started = Date.now();
    // Figures and ids only: never a key, a release ID or a record value.
    ctx.logger.info(
      { event: 'extract_freezing', extract: id, project, subjects: cohort.member_count },
      'freezing an extract at the sites',
    );
    // Every part is frozen before governance hears of the request, so what it approves is
    // exactly what will be released. A failure leaves parts no one can reach unapproved.
    const [images] = await Promise.all([
      ctx.extracts.freeze(
        'imaging',
        id,
        project,
        members,
        selection ? JSON.stringify(selection) : null,
        identity.requestId,
      ),
      ...linked.map((site) =>
        ctx.extracts.freeze(site, id, project, members, null, identity.requestId),
      ),
    ]);
    await ctx.extracts.register(
      {
        id,
        project,
        cohortId,
        cohortName: cohort.name,
        imaging: selection ? imagingSelection : null,
        requestedBy: identity.subject,
        subjectCount: cohort.member_count,
        studyCount: images.studies,
        seriesCount: images.series,
        instanceCount: images.instances,
        tables: linked.flatMap((site) =>
          grantedTables(LINKED_TABLES[site], grantOf(site)).map((table) => `${site}/${table.name}`),
        ),
      },
      identity.requestId,
    );
    ctx.logger.info(
      {
        event: 'extract_requested',
        extract: id,
        project,
        instances: images.instances,
        tables: linked,
        ms: Date.now() - started,
      },
      'extract frozen and registered',
    );
    return { id };
  }
}
