import type { ServiceContext } from '../../common/service';
import type { DisclosureControl } from './disclosure-control';
import type { ExtractClient } from './extract-client';
import type { QueryLedger } from './ledger';
import type { RequestBatch } from './request-batch';
import type { SiteClient } from './site-client';

export interface CohortContext extends ServiceContext {
  sites: SiteClient;
  extracts: ExtractClient;
  disclosure: DisclosureControl;
  ledger: QueryLedger;
  /** This request's count and breakdown fields, judged together by the ledger. */
  batch: RequestBatch;
}
