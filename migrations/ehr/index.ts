import { CreateEhrTables1764770000000 } from './1764770000000-CreateEhrTables';
import { IndexResidence1764800000000 } from './1764800000000-IndexResidence';
import { CreateExtractMembers1796611111000 } from './1796611111000-CreateExtractMembers';

export const ehrMigrations = [
  CreateEhrTables1764770000000,
  IndexResidence1764800000000,
  CreateExtractMembers1796611111000,
];
