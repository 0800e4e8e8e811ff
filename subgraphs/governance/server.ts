import { governanceMigrations } from '../../migrations/governance';
import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { governancePolicy } from './disclosure-policy';
import { DatasetGrantEntity, ProjectEntity } from './project.entity';
import { buildGovernanceSchema } from './schema';

export async function createGovernanceService(deps: ServiceDeps): Promise<ServiceHandle> {
  return buildSubgraphService(
    {
      name: 'governance',
      schema: await buildGovernanceSchema(),
      policy: governancePolicy,
      trust: ['gateway'],
      entities: [ProjectEntity, DatasetGrantEntity],
      migrations: governanceMigrations,
    },
    deps,
  );
}
