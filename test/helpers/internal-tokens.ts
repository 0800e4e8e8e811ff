import { SignJWT } from 'jose';

import type { Grant } from '../../common/access';
import type { SubgraphName } from '../../common/config';
import type { InternalIssuer } from '../../common/internal-token';
import { SIGNING_ALG, type SigningKey } from '../../common/keys';
import { nowSeconds } from './caller-tokens';

/** Grants of the demo-dementia project: RECORD on every dataset, genomics up to special. */
export const ALL_RECORD_GRANTS: Grant[] = [
  { dataset: 'imaging', level: 'RECORD', maxCategory: 'supplemental', expiresAt: null },
  { dataset: 'genomics', level: 'RECORD', maxCategory: 'special', expiresAt: null },
  { dataset: 'ehr', level: 'RECORD', maxCategory: 'special', expiresAt: null },
];

export interface HandMadeInternal {
  issuer: InternalIssuer;
  audience: SubgraphName;
  /** Issued-at and expiry, in seconds since the epoch. */
  iat: number;
  exp: number;
}

/**
 * An internal token signed by hand, with the claims InternalTokenSigner would put in a
 * caller's token but any `iat` and `exp`.
 */
export function handMadeInternalToken(key: SigningKey, options: HandMadeInternal): Promise<string> {
  return new SignJWT({
    scope: 'caller',
    role: 'analyst',
    project: 'demo-dementia',
    grants: ALL_RECORD_GRANTS,
    rid: null,
  })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'internal+jwt' })
    .setIssuer(`pictures-graph/${options.issuer}`)
    .setAudience(`pictures-graph/${options.audience}`)
    .setSubject('dev-analyst')
    .setIssuedAt(options.iat)
    .setExpirationTime(options.exp)
    .sign(key.privateKey);
}

/** A hand-made token that InternalTokenVerifier should accept: issued now, 60 s to live. */
export function freshInternalToken(
  key: SigningKey,
  issuer: InternalIssuer,
  audience: SubgraphName,
): Promise<string> {
  const now = nowSeconds();
  return handMadeInternalToken(key, { issuer, audience, iat: now, exp: now + 60 });
}
