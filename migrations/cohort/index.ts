import { CreateSavedCohorts1764770000000 } from './1764770000000-CreateSavedCohorts';
import { CreateQueryLedger1796309716460 } from './1796309716460-CreateQueryLedger';

export const cohortMigrations = [CreateSavedCohorts1764770000000, CreateQueryLedger1796309716460];
