import type { GraphQLSchema } from 'graphql';

import { buildFederatedSchema } from '../../common/subgraph-server';
import { CallerResolver } from './caller.resolver';

export function buildGovernanceSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema([CallerResolver]);
}
