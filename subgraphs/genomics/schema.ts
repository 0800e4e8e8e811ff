import type { GraphQLSchema } from 'graphql';

import { defineMatcherResolver } from '../../common/matcher';
import { subjectReference } from '../../common/subject';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { GenomicsExtractFreezeResolver } from './extract';
import { genomicsLeafQuery } from './matcher';
import { Subject } from './subject.entity';
import { GenomicsSubjectResolver } from './subject.resolver';

const Matcher = defineMatcherResolver('genomics', genomicsLeafQuery);

export function buildGenomicsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    [Matcher, GenomicsExtractFreezeResolver, GenomicsSubjectResolver],
    subjectReference,
    [Subject],
  );
}
