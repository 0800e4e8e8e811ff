import { loadSigningKey } from '../../common/keys';
import { governanceMigrations } from '../../migrations/governance';
import type { GovernanceContext } from './context';
import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { governancePolicy } from './disclosure-policy';
import { DatasetGrantEntity, ProjectEntity } from './project.entity';
import { buildGovernanceSchema } from './schema';

export async function createGovernanceService(deps: ServiceDeps): Promise<ServiceHandle> {
  const key = await loadSigningKey(deps.keysDir, 'governance');
  const audit = { key, publicJwk: key.publicJwk };
  return buildSubgraphService<GovernanceContext>(
    {
      name: 'governance',
      schema: await buildGovernanceSchema(),
      policy: governancePolicy,
      trust: ['gateway'],
      entities: [ProjectEntity, DatasetGrantEntity],
      migrations: governanceMigrations,
      context: (base) => ({ ...base, audit }),
    },
    deps,
  );
}
