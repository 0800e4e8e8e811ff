import type { GraphQLSchema } from 'graphql';

import { subjectReference } from '../../common/subject';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { CohortResolver } from './cohort.resolver';
import { Subject } from './subject.entity';
import { CohortSubjectResolver } from './subject.resolver';

export function buildCohortSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([CohortSubjectResolver, CohortResolver], subjectReference, [Subject]);
}
