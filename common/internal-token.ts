import { decodeJwt, importJWK, errors as joseErrors, type JWK, jwtVerify, SignJWT } from 'jose';

import { type Grant, isRole, type Role } from './access';
import type { SubgraphName } from './config';
import { requestError } from './errors';
import { SIGNING_ALG, type SigningKey } from './keys';

/** Services that sign internal tokens, and the `iss` each uses. */
export type InternalIssuer = 'gateway' | 'cohort';
const ISSUER_PREFIX = 'pictures-graph/';

/**
 * What an internal token lets its bearer do at a subgraph:
 * - `caller`: a caller's operation, forwarded by the gateway;
 * - `matcher`: the cohort service asking a site's matcher fields;
 * - `grants`: the gateway asking the governance service for a project's grants;
 * - `audit`: the gateway appending to the audit log at the governance service;
 * - `extract`: the cohort service freezing an extract at the sites and registering it with
 *   the governance service;
 * - `settings`: the cohort service reading the disclosure-control settings that the
 *   governance service keeps.
 */
export type InternalScope = 'caller' | 'matcher' | 'grants' | 'audit' | 'extract' | 'settings';

const SCOPES_BY_ISSUER: Record<InternalIssuer, readonly InternalScope[]> = {
  gateway: ['caller', 'grants', 'audit'],
  cohort: ['matcher', 'extract', 'settings'],
};

/** The identity a subgraph sees for a request, taken from a verified internal token. */
export interface InternalIdentity {
  issuer: InternalIssuer;
  scope: InternalScope;
  /** The caller's subject (`sub` of the caller token); the service itself for `matcher`. */
  subject: string;
  role: Role | null;
  project: string | null;
  grants: Grant[];
  /** Correlation id of the gateway request, for logs. */
  requestId: string | null;
}

/** Internal tokens live for one request; 60 s covers a slow subgraph and clock skew. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

export class InternalTokenSigner {
  constructor(
    private readonly issuer: InternalIssuer,
    private readonly key: SigningKey,
  ) {}

  sign(audience: SubgraphName, identity: Omit<InternalIdentity, 'issuer'>): Promise<string> {
    if (!SCOPES_BY_ISSUER[this.issuer].includes(identity.scope)) {
      throw new TypeError(`${this.issuer} may not sign scope ${identity.scope}`);
    }
    return new SignJWT({
      scope: identity.scope,
      role: identity.role,
      project: identity.project,
      grants: identity.grants,
      rid: identity.requestId,
    })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.key.kid, typ: 'internal+jwt' })
      .setIssuer(ISSUER_PREFIX + this.issuer)
      .setAudience(ISSUER_PREFIX + audience)
      .setSubject(identity.subject)
      .setIssuedAt()
      .setExpirationTime(`${INTERNAL_TOKEN_TTL_SECONDS}s`)
      .sign(this.key.privateKey);
  }
}

/** Verifies internal tokens addressed to one subgraph, trusting the given issuers' keys. */
export class InternalTokenVerifier {
  private readonly keys: Map<InternalIssuer, Promise<CryptoKey | Uint8Array>>;

  constructor(
    private readonly audience: SubgraphName,
    trusted: Partial<Record<InternalIssuer, JWK>>,
  ) {
    this.keys = new Map(
      Object.entries(trusted).map(([issuer, jwk]) => [
        issuer as InternalIssuer,
        importJWK(jwk, SIGNING_ALG),
      ]),
    );
  }

  /** Service tokens seen and verified, until they expire: they are reused, callers' are not. */
  private readonly verified = new Map<string, { identity: InternalIdentity; expires: number }>();

  /** Resolves the identity, or throws an UNAUTHENTICATED error that reveals nothing. */
  async verify(token: string | undefined): Promise<InternalIdentity> {
    if (!token) {
      throw refusal();
    }
    const known = this.verified.get(token);
    if (known && known.expires > Date.now()) {
      return known.identity;
    }
    const issuer = this.claimedIssuer(token);
    const key = issuer && this.keys.get(issuer);
    if (!issuer || !key) {
      throw refusal();
    }
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: [SIGNING_ALG],
        issuer: ISSUER_PREFIX + issuer,
        audience: ISSUER_PREFIX + this.audience,
        typ: 'internal+jwt',
        maxTokenAge: `${INTERNAL_TOKEN_TTL_SECONDS + 30}s`,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const scope = payload.scope as InternalScope;
      if (!SCOPES_BY_ISSUER[issuer].includes(scope)) {
        throw refusal();
      }
      const identity: InternalIdentity = {
        issuer,
        scope,
        subject: payload.sub ?? '',
        role: isRole(payload.role) ? payload.role : null,
        project: typeof payload.project === 'string' ? payload.project : null,
        grants: Array.isArray(payload.grants) ? (payload.grants as Grant[]) : [],
        requestId: typeof payload.rid === 'string' ? payload.rid : null,
      };
      if (scope !== 'caller' && payload.exp !== undefined) {
        this.remember(token, identity, payload.exp * 1000);
      }
      return identity;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) {
        throw refusal();
      }
      throw error;
    }
  }

  private remember(token: string, identity: InternalIdentity, expires: number): void {
    if (this.verified.size >= 1_000) {
      for (const [cached, entry] of this.verified) {
        if (entry.expires <= Date.now()) {
          this.verified.delete(cached);
        }
      }
      if (this.verified.size >= 1_000) {
        this.verified.clear();
      }
    }
    this.verified.set(token, { identity, expires });
  }

  private claimedIssuer(token: string): InternalIssuer | null {
    try {
      const iss = decodeJwt(token).iss ?? '';
      const name = iss.startsWith(ISSUER_PREFIX) ? iss.slice(ISSUER_PREFIX.length) : '';
      return name === 'gateway' || name === 'cohort' ? name : null;
    } catch {
      return null;
    }
  }
}

function refusal() {
  return requestError(
    'UNAUTHENTICATED',
    'This service answers only requests that carry a valid internal token from its gateway',
  );
}
