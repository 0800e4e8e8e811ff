import { CreateEhrTables1764770000000 } from './1764770000000-CreateEhrTables';
import { IndexResidence1764800000000 } from './1764800000000-IndexResidence';

export const ehrMigrations = [CreateEhrTables1764770000000, IndexResidence1764800000000];
