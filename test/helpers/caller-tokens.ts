import { type JWTHeaderParameters, SignJWT } from 'jose';

import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../../common/config';
import { SIGNING_ALG, type SigningKey } from '../../common/keys';

/** Seconds since the epoch, as JWT time claims count (RFC 7519 §2). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface TokenEdits {
  /** Claims to set; `undefined` removes a claim of the baseline. */
  claims?: Record<string, unknown>;
  header?: Partial<JWTHeaderParameters>;
}

/**
 * A caller token built by hand with `key`: by default exactly what the dev issuer mints for
 * a demo-lung analyst, so that a test can change one claim or header at a time.
 */
export function handMadeCallerToken(key: SigningKey, edits: TokenEdits = {}): Promise<string> {
  const now = nowSeconds();
  const payload: Record<string, unknown> = {
    iss: DEV_ISSUER,
    aud: DEFAULT_AUDIENCE,
    sub: 'dev-analyst',
    role: 'analyst',
    project: 'demo-lung',
    iat: now,
    exp: now + 600,
    ...edits.claims,
  };
  for (const [claim, value] of Object.entries(payload)) {
    if (value === undefined) {
      delete payload[claim];
    }
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT', ...edits.header })
    .sign(key.privateKey);
}

/** POSTs a GraphQL request to `url` with the Authorization header given verbatim (or none). */
export async function postGraphQL(
  url: string,
  authorization: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; text: string; body: GraphQLResponseBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLResponseBody };
}

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

/** What must never appear in an error body: hosts, ports, stack frames, file paths. */
export const LEAK_PATTERN =
  /127\.0\.0\.1|localhost|::1|stacktrace|\bat \S+ \(|node_modules|\.ts:\d+/;
