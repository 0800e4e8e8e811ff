import { CreateImagingTables1764770000000 } from './1764770000000-CreateImagingTables';
import { CreateIngestLedger1764790000000 } from './1764790000000-CreateIngestLedger';
import { CreateExtracts1796611111000 } from './1796611111000-CreateExtracts';

export const imagingMigrations = [
  CreateImagingTables1764770000000,
  CreateIngestLedger1764790000000,
  CreateExtracts1796611111000,
];
