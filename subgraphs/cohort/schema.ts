import type { GraphQLSchema } from 'graphql';

import { subjectReference } from '../../common/subject';
import { buildFederatedSchema } from '../../common/subgraph-server';
import { BreakdownResolver } from './breakdown.resolver';
import { CallerBudgetResolver, callerReference } from './caller.resolver';
import { Caller } from './caller.type';
import { CohortResolver } from './cohort.resolver';
import { ExtractRequestResolver } from './extract.resolver';
import { ExtractRequestStub } from './extract.type';
import { Subject } from './subject.entity';
import { CohortSubjectResolver } from './subject.resolver';

export function buildCohortSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    [
      CohortSubjectResolver,
      CohortResolver,
      BreakdownResolver,
      CallerBudgetResolver,
      ExtractRequestResolver,
    ],
    { ...subjectReference, ...callerReference },
    [Subject, Caller, ExtractRequestStub],
  );
}
