import { CreateImagingTables1764770000000 } from './1764770000000-CreateImagingTables';
import { CreateIngestLedger1764790000000 } from './1764790000000-CreateIngestLedger';

export const imagingMigrations = [
  CreateImagingTables1764770000000,
  CreateIngestLedger1764790000000,
];
