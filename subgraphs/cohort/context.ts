import type { ServiceContext } from '../../common/service';
import type { SiteClient } from './site-client';

export interface CohortContext extends ServiceContext {
  sites: SiteClient;
}
