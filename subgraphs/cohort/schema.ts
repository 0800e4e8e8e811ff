import type { GraphQLSchema } from 'graphql';

import { subjectReference } from '../../common/subject';
import { Subject } from './subject.entity';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { CohortSubjectResolver } from './subject.resolver';

export function buildCohortSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([CohortSubjectResolver], subjectReference, [Subject]);
}
