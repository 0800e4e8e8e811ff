import { CreateProjectsAndGrants1764770000000 } from './1764770000000-CreateProjectsAndGrants';

export const governanceMigrations = [CreateProjectsAndGrants1764770000000];
