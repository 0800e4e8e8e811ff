import { type Dataset, DATASETS, subgraphUrl } from '../../common/config';
import { InternalTokenSigner } from '../../common/internal-token';
import { loadMasterSecret, loadSigningKey } from '../../common/keys';
import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { cohortMigrations } from '../../migrations/cohort';
import { SavedCohortEntity } from './cohort.entity';
import type { CohortContext } from './context';
import { DisclosureControl, disclosureSettingsFromEnv } from './disclosure-control';
import { ExtractClient } from './extract-client';
import { cohortPolicy } from './disclosure-policy';
import { QueryLedger } from './ledger';
import { RequestBatch } from './request-batch';
import { buildCohortSchema } from './schema';
import { SetFingerprints } from './set-fingerprint';
import { SiteClient } from './site-client';

export async function createCohortService(deps: ServiceDeps): Promise<ServiceHandle> {
  const urls = Object.fromEntries(
    DATASETS.map((site) => [site, deps.peers[site] ?? subgraphUrl(site)]),
  ) as Record<Dataset, string>;
  const signer = new InternalTokenSigner('cohort', await loadSigningKey(deps.keysDir, 'cohort'));
  const sites = new SiteClient(urls, signer, deps.peerTimeoutMs);
  const extracts = new ExtractClient(
    { ...urls, governance: deps.peers.governance ?? subgraphUrl('governance') },
    signer,
    deps.peerTimeoutMs,
  );
  // TODO(#5): read these from a table the governance service owns, not the environment.
  const settings = disclosureSettingsFromEnv();
  const disclosure = new DisclosureControl(
    settings,
    new SetFingerprints(await loadMasterSecret(deps.keysDir)),
  );
  // The ledger needs the database, which the service opens: made with the first request.
  let ledger: QueryLedger | undefined;

  return buildSubgraphService<CohortContext>(
    {
      name: 'cohort',
      schema: await buildCohortSchema(),
      policy: cohortPolicy,
      trust: ['gateway'],
      entities: [SavedCohortEntity],
      migrations: cohortMigrations,
      context: (base) => {
        const shared = (ledger ??= new QueryLedger(base.db, settings));
        return {
          ...base,
          sites,
          extracts,
          disclosure,
          ledger: shared,
          batch: new RequestBatch((questions) => shared.decide(base.identity, questions)),
        };
      },
    },
    deps,
  );
}
