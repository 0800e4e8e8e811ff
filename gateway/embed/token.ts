import type { JWTPayload } from 'jose';

import { requestError } from '../../common/errors';

/**
 * Longest lifetime (`exp` − `iat`) the gateway accepts for an embed token, in seconds: the
 * token sits in a web page that anyone who loads it can read.
 */
export const EMBED_MAX_LIFETIME_SECONDS = 3600;

/** Most origins one embed token may name. */
const MAX_ORIGINS = 20;

const APP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** What an embed token binds it to, beyond its project. */
export interface EmbedClaims {
  /** The app it was issued to: the `app` claim, else `sub`. Rate limits count per app. */
  app: string;
  /** Web origins it may be used from, each in the form `scheme://host[:port]`. */
  origins: string[];
}

/** True for an origin as browsers send it (RFC 6454 §6.1): scheme, host, port, nothing more. */
export function isWebOrigin(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 200) {
    return false;
  }
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * The embed claims of a verified token, or UNAUTHENTICATED when they do not bind it to an
 * app, to listed origins and to a short life.
 */
export function embedClaims(payload: JWTPayload): EmbedClaims {
  const app = payload.app ?? payload.sub;
  if (typeof app !== 'string' || !APP_PATTERN.test(app)) {
    throw unauthenticated('An embed token needs an `app` (or `sub`) claim naming the app');
  }
  const origins = payload.origins;
  if (!Array.isArray(origins) || origins.length === 0 || origins.length > MAX_ORIGINS) {
    throw unauthenticated(
      `An embed token needs an \`origins\` claim listing 1 to ${MAX_ORIGINS} web origins`,
    );
  }
  if (!origins.every(isWebOrigin)) {
    throw unauthenticated(
      'Each of the token’s `origins` must be a web origin such as https://portal.example',
    );
  }
  const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
  if (lifetime > EMBED_MAX_LIFETIME_SECONDS) {
    throw unauthenticated(
      `An embed token may live at most ${EMBED_MAX_LIFETIME_SECONDS / 60} minutes; this one was issued for ${Math.round(lifetime / 60)}`,
    );
  }
  return { app, origins };
}

function unauthenticated(message: string) {
  return requestError('UNAUTHENTICATED', message);
}
