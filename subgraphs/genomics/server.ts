import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { genomicsMigrations } from '../../migrations/genomics';
import type { GenomicsContext } from './context';
import { genomicsPolicy } from './disclosure-policy';
import { mountGenomicsTableRoutes } from './extract';
import {
  ApoeEntity,
  GenotypeEntity,
  PolygenicScoreEntity,
  SampleEntity,
  VariantEntity,
} from './genomics.entity';
import { createGenomicsLoaders } from './loaders';
import { buildGenomicsSchema } from './schema';

export async function createGenomicsService(deps: ServiceDeps): Promise<ServiceHandle> {
  return buildSubgraphService<GenomicsContext>(
    {
      name: 'genomics',
      schema: await buildGenomicsSchema(),
      policy: genomicsPolicy,
      trust: ['gateway', 'cohort'],
      entities: [SampleEntity, VariantEntity, GenotypeEntity, ApoeEntity, PolygenicScoreEntity],
      migrations: genomicsMigrations,
      largeBodyScopes: ['extract'],
      routes: mountGenomicsTableRoutes,
      context: (base) => ({ ...base, loaders: createGenomicsLoaders(base.db) }),
    },
    deps,
  );
}
