import type { GraphQLSchema } from 'graphql';

import { defineMatcherResolver } from '../../common/matcher';
import { subjectReference } from '../../common/subject';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { imagingLeafQuery } from './matcher';
import { Subject } from './subject.entity';
import { ImagingStudyResolver, ImagingSubjectResolver } from './subject.resolver';

const Matcher = defineMatcherResolver('imaging', imagingLeafQuery);

export function buildImagingSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    [Matcher, ImagingSubjectResolver, ImagingStudyResolver],
    subjectReference,
    [Subject],
  );
}
