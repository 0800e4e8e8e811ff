import { loadSigningKey } from '../../common/keys';
import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { governanceMigrations } from '../../migrations/governance';
import { checkpointHead } from './audit-chain';
import type { GovernanceContext } from './context';
import { governancePolicy } from './disclosure-policy';
import { DatasetGrantEntity, ProjectEntity } from './project.entity';
import { buildGovernanceSchema } from './schema';

/** How often the audit chain's head is signed when entries have arrived since (1 min). */
export const CHECKPOINT_INTERVAL_MS = 60_000;

export async function createGovernanceService(deps: ServiceDeps): Promise<ServiceHandle> {
  const key = await loadSigningKey(deps.keysDir, 'governance');
  const audit = { key, publicJwk: key.publicJwk };
  const service = await buildSubgraphService<GovernanceContext>(
    {
      name: 'governance',
      schema: await buildGovernanceSchema(),
      policy: governancePolicy,
      trust: ['gateway', 'cohort'],
      entities: [ProjectEntity, DatasetGrantEntity],
      migrations: governanceMigrations,
      context: (base) => ({ ...base, audit }),
    },
    deps,
  );
  // Sign the chain head regularly, so a rewrite of recent entries is detectable too.
  const timer = setInterval(() => {
    checkpointHead(service.db, key).catch((error: Error) =>
      deps.logger.warn({ event: 'checkpoint_failed', reason: error.message }, 'checkpoint failed'),
    );
  }, CHECKPOINT_INTERVAL_MS);
  timer.unref();
  return {
    ...service,
    stop: async () => {
      clearInterval(timer);
      await service.stop();
    },
  };
}
