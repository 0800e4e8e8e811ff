import type { GraphQLSchema } from 'graphql';

import { subjectReference } from '../../common/subject';
import { Subject } from './subject.entity';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { GenomicsSubjectResolver } from './subject.resolver';

export function buildGenomicsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([GenomicsSubjectResolver], subjectReference, [Subject]);
}
