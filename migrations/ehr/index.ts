import { CreateEhrTables1764770000000 } from './1764770000000-CreateEhrTables';

export const ehrMigrations = [CreateEhrTables1764770000000];
