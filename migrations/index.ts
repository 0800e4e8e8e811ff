import type { SubgraphName } from '../common/config';
import { cohortMigrations } from './cohort';
import { ehrMigrations } from './ehr';
import { genomicsMigrations } from './genomics';
import { governanceMigrations } from './governance';
import { imagingMigrations } from './imaging';

/** Each service's migrations, in order. */
export const MIGRATIONS: Record<SubgraphName, Array<new () => object>> = {
  imaging: imagingMigrations,
  genomics: genomicsMigrations,
  ehr: ehrMigrations,
  cohort: cohortMigrations,
  governance: governanceMigrations,
};
