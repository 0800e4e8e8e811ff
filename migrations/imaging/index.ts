import { CreateImagingTables1764770000000 } from './1764770000000-CreateImagingTables';

export const imagingMigrations = [CreateImagingTables1764770000000];
