import type { GraphQLSchema } from 'graphql';

import { subjectReference } from '../../common/subject';
import { Subject } from './subject.entity';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { EhrSubjectResolver } from './subject.resolver';

export function buildEhrSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([EhrSubjectResolver], subjectReference, [Subject]);
}
