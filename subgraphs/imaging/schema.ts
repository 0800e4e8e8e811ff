import type { GraphQLSchema } from 'graphql';

import { defineMatcherResolver } from '../../common/matcher';
import { subjectReference } from '../../common/subject';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { ExtractManifestResolver, ImagingExtractFreezeResolver } from './extract.resolver';
import { ExtractRequestRef } from './extract.type';
import { imagingLeafQuery } from './matcher';
import { Subject } from './subject.entity';
import { ImagingStudyResolver, ImagingSubjectResolver } from './subject.resolver';

const Matcher = defineMatcherResolver('imaging', imagingLeafQuery);

export function buildImagingSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    [
      Matcher,
      ImagingExtractFreezeResolver,
      ImagingSubjectResolver,
      ImagingStudyResolver,
      ExtractManifestResolver,
    ],
    subjectReference,
    [Subject, ExtractRequestRef],
  );
}
