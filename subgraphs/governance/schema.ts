import type { GraphQLSchema } from 'graphql';

import { buildFederatedSchema } from '../../common/subgraph-server';
import { AuditResolver } from './audit.resolver';
import { CallerResolver } from './caller.resolver';

export function buildGovernanceSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([CallerResolver, AuditResolver]);
}
