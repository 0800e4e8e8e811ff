import { defineExtractFreezeResolver } from '../../common/extract';
import { freezeMembers, mountTableRoutes } from '../../common/extract-tables';
import { GENOMICS_TABLES } from '../../common/linked-tables';

export const GenomicsExtractFreezeResolver = defineExtractFreezeResolver(
  'genomics',
  freezeMembers(GENOMICS_TABLES),
);

export const mountGenomicsTableRoutes = mountTableRoutes('genomics', GENOMICS_TABLES);
