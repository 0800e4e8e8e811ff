import { buildSubgraphService, type ServiceDeps, type ServiceHandle } from '../../common/service';
import { ehrMigrations } from '../../migrations/ehr';
import type { EhrContext } from './context';
import { ehrPolicy } from './disclosure-policy';
import { mountEhrTableRoutes } from './extract';
import { DiagnosisEntity, LabResultEntity, PersonEntity, PrescriptionEntity } from './ehr.entity';
import { createEhrLoaders } from './loaders';
import { buildEhrSchema } from './schema';

export async function createEhrService(deps: ServiceDeps): Promise<ServiceHandle> {
  return buildSubgraphService<EhrContext>(
    {
      name: 'ehr',
      schema: await buildEhrSchema(),
      policy: ehrPolicy,
      trust: ['gateway', 'cohort'],
      entities: [PersonEntity, DiagnosisEntity, PrescriptionEntity, LabResultEntity],
      migrations: ehrMigrations,
      largeBodyScopes: ['extract'],
      routes: mountEhrTableRoutes,
      context: (base) => ({ ...base, loaders: createEhrLoaders(base.db) }),
    },
    deps,
  );
}
