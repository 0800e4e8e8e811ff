import { CreateGenomicsTables1764770000000 } from './1764770000000-CreateGenomicsTables';

export const genomicsMigrations = [CreateGenomicsTables1764770000000];
