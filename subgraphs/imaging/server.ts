import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { imagingMigrations } from '../../migrations/imaging';
import type { ImagingContext } from './context';
import { imagingPolicy } from './disclosure-policy';
import { mountManifestRoute } from './extract';
import { InstanceEntity, SeriesEntity, StudyEntity } from './imaging.entity';
import { createImagingLoaders } from './loaders';
import { buildImagingSchema } from './schema';

export async function createImagingService(deps: ServiceDeps): Promise<ServiceHandle> {
  return buildSubgraphService<ImagingContext>(
    {
      name: 'imaging',
      schema: await buildImagingSchema(),
      policy: imagingPolicy,
      trust: ['gateway', 'cohort'],
      entities: [StudyEntity, SeriesEntity, InstanceEntity],
      migrations: imagingMigrations,
      largeBodyScopes: ['extract'],
      routes: mountManifestRoute,
      context: (base) => ({ ...base, loaders: createImagingLoaders(base.db) }),
    },
    deps,
  );
}
