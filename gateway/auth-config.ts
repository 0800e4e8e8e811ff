import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../common/config';
import type { AuthOptions } from './auth';
import type { DevIssuer } from './dev-issuer';

/**
 * Caller-token settings: the institution's issuer when AUTH_ISSUER is set (with
 * AUTH_JWKS_URL, AUTH_AUDIENCE, AUTH_ALGORITHMS), else the dev issuer in KEYS_DIR.
 */
export function authFromEnv(
  devIssuer: DevIssuer | null,
  env: NodeJS.ProcessEnv = process.env,
): AuthOptions {
  if (env.AUTH_ISSUER) {
    if (!env.AUTH_JWKS_URL) {
      throw new TypeError('AUTH_ISSUER is set, so AUTH_JWKS_URL must name the issuer’s JWKS');
    }
    return {
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE,
      algorithms: (env.AUTH_ALGORITHMS ?? 'RS256,ES256').split(',').map((alg) => alg.trim()),
      keys: new URL(env.AUTH_JWKS_URL),
    };
  }
  if (!devIssuer) {
    throw new TypeError('No AUTH_ISSUER is configured and no dev issuer was given');
  }
  return {
    issuer: DEV_ISSUER,
    audience: DEFAULT_AUDIENCE,
    algorithms: ['ES256'],
    keys: devIssuer.jwks(),
  };
}
