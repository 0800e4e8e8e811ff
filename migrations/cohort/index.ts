import { CreateSavedCohorts1764770000000 } from './1764770000000-CreateSavedCohorts';

export const cohortMigrations = [CreateSavedCohorts1764770000000];
