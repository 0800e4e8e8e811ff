import type { GraphQLSchema } from 'graphql';

import { subjectReference } from '../../common/subject';
import { Subject } from './subject.entity';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { ImagingStudyResolver, ImagingSubjectResolver } from './subject.resolver';

export function buildImagingSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([ImagingSubjectResolver, ImagingStudyResolver], subjectReference, [
    Subject,
  ]);
}
