import type { GraphQLSchema } from 'graphql';

import { defineMatcherResolver } from '../../common/matcher';
import { subjectReference } from '../../common/subject';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { EhrExtractFreezeResolver } from './extract';
import { ehrLeafQuery } from './matcher';
import { Subject } from './subject.entity';
import { EhrSubjectResolver } from './subject.resolver';

const Matcher = defineMatcherResolver('ehr', ehrLeafQuery);

export function buildEhrSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    [Matcher, EhrExtractFreezeResolver, EhrSubjectResolver],
    subjectReference,
    [Subject],
  );
}
