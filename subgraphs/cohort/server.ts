import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { cohortMigrations } from '../../migrations/cohort';
import { cohortPolicy } from './disclosure-policy';
import { buildCohortSchema } from './schema';

export async function createCohortService(deps: ServiceDeps): Promise<ServiceHandle> {
  return buildSubgraphService(
    {
      name: 'cohort',
      schema: await buildCohortSchema(),
      policy: cohortPolicy,
      trust: ['gateway'],
      entities: [],
      migrations: cohortMigrations,
    },
    deps,
  );
}
