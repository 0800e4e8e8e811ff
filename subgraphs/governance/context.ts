import type { JWK } from 'jose';

import type { SigningKey } from '../../common/keys';
import type { ServiceContext } from '../../common/service';

export interface GovernanceContext extends ServiceContext {
  /** The governance key that signs chain checkpoints, and its public half for verifying. */
  audit: { key: SigningKey; publicJwk: JWK };
}
