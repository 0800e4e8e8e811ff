import { defineExtractFreezeResolver } from '../../common/extract';
import { freezeMembers, mountTableRoutes } from '../../common/extract-tables';
import { EHR_TABLES } from '../../common/linked-tables';

export const EhrExtractFreezeResolver = defineExtractFreezeResolver(
  'ehr',
  freezeMembers(EHR_TABLES),
);

export const mountEhrTableRoutes = mountTableRoutes('ehr', EHR_TABLES);
