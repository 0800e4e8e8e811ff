import type { GraphQLSchema } from 'graphql';

import { buildFederatedSchema } from '../../common/subgraph-server';
import { AuditResolver } from './audit.resolver';
import { CallerResolver } from './caller.resolver';
import { DisclosureSettingsResolver } from './disclosure-settings.resolver';
import { extractReference, ExtractResolver } from './extract.resolver';
import { ProjectResolver } from './project.resolver';

export function buildGovernanceSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    [CallerResolver, AuditResolver, ProjectResolver, ExtractResolver, DisclosureSettingsResolver],
    extractReference,
  );
}
