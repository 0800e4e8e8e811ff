import { type Dataset, DATASETS, subgraphUrl } from '../../common/config';
import { InternalTokenSigner } from '../../common/internal-token';
import { loadSigningKey } from '../../common/keys';
import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { cohortMigrations } from '../../migrations/cohort';
import { SavedCohortEntity } from './cohort.entity';
import type { CohortContext } from './context';
import { cohortPolicy } from './disclosure-policy';
import { buildCohortSchema } from './schema';
import { SiteClient } from './site-client';

export async function createCohortService(deps: ServiceDeps): Promise<ServiceHandle> {
  const urls = Object.fromEntries(
    DATASETS.map((site) => [site, deps.peers[site] ?? subgraphUrl(site)]),
  ) as Record<Dataset, string>;
  const signer = new InternalTokenSigner('cohort', await loadSigningKey(deps.keysDir, 'cohort'));
  const sites = new SiteClient(urls, signer, deps.peerTimeoutMs);

  return buildSubgraphService<CohortContext>(
    {
      name: 'cohort',
      schema: await buildCohortSchema(),
      policy: cohortPolicy,
      trust: ['gateway'],
      entities: [SavedCohortEntity],
      migrations: cohortMigrations,
      context: (base) => ({ ...base, sites }),
    },
    deps,
  );
}
