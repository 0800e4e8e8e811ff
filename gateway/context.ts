import type { Grant } from '../common/access';
import type { Logger } from '../common/logger';
import type { Caller } from './auth';

/** Per-request state of the gateway. */
export interface GatewayContext {
  caller: Caller;
  /** The caller's project's live grants, read from governance for this request. */
  grants: Grant[];
  requestId: string;
  logger: Logger;
}
