import { type JSONWebKeySet, SignJWT } from 'jose';

import type { Role } from '../common/access';
import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../common/config';
import { loadSigningKey, SIGNING_ALG, type SigningKey } from '../common/keys';

export interface MintOptions {
  role: Role;
  project?: string | null;
  subject?: string;
  /** Lifetime, e.g. `10m`, `1h` (default `1h`). */
  ttl?: string;
  origins?: string[];
  /** The app an embed token is issued to (the `app` claim; the gateway falls back to `sub`). */
  app?: string;
}

/**
 * The laptop's token issuer: a local key pair in KEYS_DIR, its JWKS served by the gateway
 * at `/.well-known/jwks.json`. Production points the gateway at the institution's issuer.
 */
export class DevIssuer {
  private constructor(private readonly key: SigningKey) {}

  static async load(keysDir: string): Promise<DevIssuer> {
    return new DevIssuer(await loadSigningKey(keysDir, 'dev-issuer'));
  }

  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.key.publicJwk, alg: SIGNING_ALG, use: 'sig' }] };
  }

  mint(options: MintOptions): Promise<string> {
    const claims: Record<string, unknown> = { role: options.role };
    if (options.project) {
      claims.project = options.project;
    }
    if (options.origins?.length) {
      claims.origins = options.origins;
    }
    if (options.app) {
      claims.app = options.app;
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.key.kid, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject(options.subject ?? `dev-${options.role}`)
      .setIssuedAt()
      .setExpirationTime(options.ttl ?? '1h')
      .sign(this.key.privateKey);
  }
}
