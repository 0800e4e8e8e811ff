import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';

import { isRole, type Role } from '../common/access';
import { requestError } from '../common/errors';
import { embedClaims } from './embed/token';

/** A caller as the gateway knows it after verifying its token. */
export interface Caller {
  subject: string;
  role: Role;
  project: string | null;
  /** Origins an embed token may be used from (empty for other roles). */
  origins: string[];
  /** The app an embed token was issued to (null for other roles). */
  app: string | null;
}

export interface AuthOptions {
  issuer: string;
  audience: string;
  /** Accepted JWS algorithms; asymmetric only (RFC 8725 §3.1, §3.2). */
  algorithms: string[];
  /** The issuer's keys: a local set (dev issuer) or a JWKS URL (production). */
  keys: JSONWebKeySet | URL;
  /** Longest accepted token lifetime, e.g. `12h` (default). */
  maxTokenAge?: string;
}

const PROJECT_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
const SYMMETRIC = /^HS/;

/**
 * A verified token is remembered for up to a minute (never past its expiry or maximum age),
 * so that a page asking several counts with one token pays for one signature check: a
 * key withdrawn from the issuer's JWKS stops tokens it signed within this time.
 */
const REMEMBER_MS = 60_000;
const REMEMBERED_TOKENS = 10_000;
const DURATION = /^(\d+)([smhd])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Verifies caller JWTs: pinned algorithms, issuer, audience, expiry, key by `kid`. */
export class CallerAuthenticator {
  private readonly getKey: JWTVerifyGetKey;
  private readonly remembered = new Map<string, { caller: Caller; until: number }>();

  constructor(private readonly options: AuthOptions) {
    if (options.algorithms.length === 0 || options.algorithms.some((alg) => SYMMETRIC.test(alg))) {
      throw new TypeError('Caller tokens need asymmetric algorithms (RS*, PS*, ES*, EdDSA)');
    }
    this.getKey =
      options.keys instanceof URL
        ? createRemoteJWKSet(options.keys, { timeoutDuration: 5_000 })
        : createLocalJWKSet(options.keys);
  }

  /** The caller behind an Authorization header; UNAUTHENTICATED (401) for anything else. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer ([A-Za-z0-9_\-.]{1,8192})$/.exec(authorization ?? '');
    if (!match) {
      throw unauthenticated('Send a caller token as `Authorization: Bearer <token>`');
    }
    const now = Date.now();
    const known = this.remembered.get(match[1]);
    if (known && known.until > now) {
      return known.caller;
    }
    const { caller, until } = await this.verify(match[1]);
    this.remembered.delete(match[1]);
    this.remembered.set(match[1], { caller, until: Math.min(until, now + REMEMBER_MS) });
    if (this.remembered.size > REMEMBERED_TOKENS) {
      this.remembered.delete(this.remembered.keys().next().value as string);
    }
    return caller;
  }

  /** Verifies a token; `until` is when it stops being acceptable (expiry or maximum age). */
  private async verify(token: string): Promise<{ caller: Caller; until: number }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: this.options.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        maxTokenAge: this.options.maxTokenAge ?? '12h',
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw unauthenticated(describe(error));
    }

    const role = payload.role;
    if (!isRole(role)) {
      throw unauthenticated('The token has no valid `role` claim');
    }
    const project = typeof payload.project === 'string' ? payload.project : null;
    if (project !== null && !PROJECT_PATTERN.test(project)) {
      throw unauthenticated('The token’s `project` claim is not a project id');
    }
    if (role !== 'governance' && project === null) {
      throw unauthenticated(`A ${role} token needs a \`project\` claim`);
    }
    const caller: Caller =
      role === 'embed'
        ? { subject: payload.sub ?? '', role, project, ...embedClaims(payload) }
        : { subject: payload.sub ?? '', role, project, origins: [], app: null };
    const age = DURATION.exec(this.options.maxTokenAge ?? '12h');
    const oldest = age ? (payload.iat ?? 0) * 1000 + Number(age[1]) * UNIT_MS[age[2]] : 0;
    return {
      caller: Object.freeze(caller),
      until: Math.min((payload.exp ?? 0) * 1000, oldest),
    };
  }
}

/** Why verification failed, in words that say nothing about keys or the token's content. */
function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) {
    return 'The token has expired';
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `The token’s \`${error.claim}\` claim is not accepted here`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return 'The token’s signing algorithm is not accepted';
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return 'The token was not signed by a key of the accepted issuer';
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSENotSupported) {
    return 'The token could not be verified';
  }
  return 'The token is malformed or its signature is invalid';
}

function unauthenticated(message: string) {
  return requestError('UNAUTHENTICATED', message);
}
