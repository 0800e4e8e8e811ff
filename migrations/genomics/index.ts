import { CreateGenomicsTables1764770000000 } from './1764770000000-CreateGenomicsTables';
import { CreateExtractMembers1796611111000 } from './1796611111000-CreateExtractMembers';

export const genomicsMigrations = [
  CreateGenomicsTables1764770000000,
  CreateExtractMembers1796611111000,
];
