import type { Grant } from '../common/access';
import type { Logger } from '../common/logger';
import type { OperationFacts, ResponseBody } from './audit';
import type { Caller } from './auth';

/** Per-request state of the gateway. */
export interface GatewayContext {
  caller: Caller;
  /**
   * The caller's project's live grants, read from governance once the operation has passed
   * its limits (so a refused operation costs no lookup); null until then.
   */
  grants: Grant[] | null;
  requestId: string;
  logger: Logger;
  /**
   * What the operation selects once it has validated, and the answer as sent; for the audit
   * entry. A holder, because Apollo hands plugins a shallow copy of the context.
   */
  audit: { facts: OperationFacts | null; result: ResponseBody | null };
}
