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
import { GovernedSettingsClient, settingsTtlMs } from './disclosure-settings';
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
  // Governance owns the settings; the environment gives the defaults for those it left unset.
  const governed = new GovernedSettingsClient(
    deps.peers.governance ?? subgraphUrl('governance'),
    signer,
    deps.peerTimeoutMs,
    disclosureSettingsFromEnv(),
    deps.logger.child({ service: 'cohort' }),
    settingsTtlMs(),
  );
  const fingerprints = new SetFingerprints(await loadMasterSecret(deps.keysDir));

  return buildSubgraphService<CohortContext>(
    {
      name: 'cohort',
      schema: await buildCohortSchema(),
      policy: cohortPolicy,
      trust: ['gateway'],
      entities: [SavedCohortEntity],
      migrations: cohortMigrations,
      context: async (base) => {
        // One request, one set of settings, however long it runs.
        const settings = await governed.current(base.identity.requestId);
        const ledger = new QueryLedger(base.db, settings);
        return {
          ...base,
          sites,
          extracts,
          disclosure: new DisclosureControl(settings, fingerprints),
          ledger,
          batch: new RequestBatch((questions) => ledger.decide(base.identity, questions)),
        };
      },
    },
    deps,
  );
}
