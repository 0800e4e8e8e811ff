import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT } from 'jose';

import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../../common/config';
import { loadSigningKey, SIGNING_ALG, type SigningKey } from '../../common/keys';
import {
  handMadeCallerToken,
  LEAK_PATTERN,
  nowSeconds,
  postGraphQL,
} from '../helpers/caller-tokens';
import { startTestStack, type TestStack } from '../helpers/stack';

const ME = '{ me { role project } }';
const HOUR = 3600;

interface Fixture {
  stack: TestStack;
  /** The dev issuer's real signing key. */
  key: SigningKey;
}

/** Each case builds the whole Authorization header (undefined: none is sent). */
type HeaderCase = [name: string, header: (fixture: Fixture) => Promise<string | undefined>];

const bearer = (token: string) => `Bearer ${token}`;

/** HS256 with the issuer's public key as the HMAC secret (RFC 8725 §2.1, §3.1). */
async function hmacWithPublicKey(key: SigningKey, secret: 'jwk' | 'pem'): Promise<string> {
  const publicKey = await importJWK(key.publicJwk, SIGNING_ALG);
  const material =
    secret === 'jwk'
      ? JSON.stringify(await exportJWK(publicKey))
      : await exportSPKI(publicKey as CryptoKey);
  return new SignJWT({ role: 'analyst', project: 'demo-lung' })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject('dev-analyst')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(material));
}

const REFUSED: HeaderCase[] = [
  ['no Authorization header', async () => undefined],
  ['an empty Authorization header', async () => ''],
  ['Bearer with garbage', async () => 'Bearer garbage'],
  ['Bearer with three garbage segments', async () => 'Bearer aaaa.bbbb.cccc'],
  ['Bearer with no token', async () => 'Bearer '],
  ['the Basic scheme', async () => `Basic ${Buffer.from('dev-analyst:secret').toString('base64')}`],
  [
    'the Basic scheme carrying a valid token',
    async ({ stack }) => `Basic ${await stack.token('analyst', 'demo-lung')}`,
  ],
  [
    'alg none with valid claims',
    async () =>
      bearer(
        new UnsecuredJWT({ role: 'analyst', project: 'demo-lung' })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEFAULT_AUDIENCE)
          .setSubject('dev-analyst')
          .setIssuedAt()
          .setExpirationTime('10m')
          .encode(),
      ),
  ],
  [
    'alg none made from a real token by dropping its signature',
    async ({ stack }) => {
      const [, payload] = (await stack.token('analyst', 'demo-lung')).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      return bearer(`${header}.${payload}.`);
    },
  ],
  [
    'HS256 keyed with the issuer’s public JWK',
    async ({ key }) => bearer(await hmacWithPublicKey(key, 'jwk')),
  ],
  [
    'HS256 keyed with the issuer’s public PEM',
    async ({ key }) => bearer(await hmacWithPublicKey(key, 'pem')),
  ],
  [
    'ES256 from another key with the issuer’s kid',
    async ({ key }) => {
      const { privateKey } = await generateKeyPair(SIGNING_ALG);
      return bearer(await handMadeCallerToken({ ...key, privateKey }));
    },
  ],
  [
    'a valid token with a flipped signature byte',
    async ({ stack }) => {
      const token = await stack.token('analyst', 'demo-lung');
      const last = token.at(-2) === 'A' ? 'B' : 'A';
      return bearer(`${token.slice(0, -2)}${last}${token.at(-1)}`);
    },
  ],
  [
    'an unknown kid',
    async ({ key }) => bearer(await handMadeCallerToken(key, { header: { kid: 'unknown-kid' } })),
  ],
  [
    'a wrong issuer',
    async ({ key }) =>
      bearer(await handMadeCallerToken(key, { claims: { iss: 'https://issuer.invalid' } })),
  ],
  [
    'a wrong audience',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { aud: 'another-api' } })),
  ],
  [
    'an expired token',
    async ({ key }) => {
      const now = nowSeconds();
      return bearer(
        await handMadeCallerToken(key, { claims: { iat: now - 1200, exp: now - 600 } }),
      );
    },
  ],
  [
    'no exp',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { exp: undefined } })),
  ],
  [
    'no iat',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { iat: undefined } })),
  ],
  [
    'no sub',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { sub: undefined } })),
  ],
  [
    'iat older than the 12 h maximum age',
    async ({ key }) => {
      const now = nowSeconds();
      return bearer(
        await handMadeCallerToken(key, { claims: { iat: now - 13 * HOUR, exp: now + 600 } }),
      );
    },
  ],
  [
    'iat in the future',
    async ({ key }) => {
      const now = nowSeconds();
      return bearer(
        await handMadeCallerToken(key, { claims: { iat: now + HOUR, exp: now + 2 * HOUR } }),
      );
    },
  ],
  [
    'an invalid role',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { role: 'admin' } })),
  ],
  [
    'no role',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { role: undefined } })),
  ],
  [
    'an analyst without a project',
    async ({ key }) => bearer(await handMadeCallerToken(key, { claims: { project: undefined } })),
  ],
  [
    'an embed without a project',
    async ({ key }) =>
      bearer(await handMadeCallerToken(key, { claims: { role: 'embed', project: undefined } })),
  ],
  [
    'a project claim with bad characters',
    async ({ key }) =>
      bearer(
        await handMadeCallerToken(key, { claims: { project: "demo-lung'; DROP TABLE grant;--" } }),
      ),
  ],
  [
    'a project claim with a path',
    async ({ key }) =>
      bearer(await handMadeCallerToken(key, { claims: { project: '../demo-lung' } })),
  ],
  [
    'a project claim that is not a string',
    async ({ key }) =>
      bearer(await handMadeCallerToken(key, { claims: { project: ['demo-lung'] } })),
  ],
  ['a 10 KB header of garbage', async () => bearer('a'.repeat(10 * 1024))],
  [
    'a 10 KB validly signed token',
    async ({ key }) =>
      bearer(await handMadeCallerToken(key, { claims: { pad: 'x'.repeat(10 * 1024) } })),
  ],
];

describe('caller authentication at the gateway', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    const stack = await startTestStack();
    fixture = { stack, key: await loadSigningKey(stack.keysDir, 'dev-issuer') };
  });

  afterAll(() => fixture.stack.stop());

  it('should accept the hand-made baseline token that the refused cases each change once', async () => {
    const token = await handMadeCallerToken(fixture.key);
    const { status, body } = await postGraphQL(fixture.stack.gatewayUrl, bearer(token), ME);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { role: 'ANALYST', project: 'demo-lung' } } });
  });

  it.each(REFUSED)(
    'should refuse %s with 401 UNAUTHENTICATED and no detail',
    async (_name, header) => {
      const authorization = await header(fixture);
      const { status, text, body } = await postGraphQL(fixture.stack.gatewayUrl, authorization, ME);

      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(text).not.toMatch(LEAK_PATTERN);
      const token = authorization?.split(' ')[1];
      if (token && token.length > 8) {
        expect(text).not.toContain(token);
      }
    },
  );

  it('should still serve a valid analyst after every refusal', async () => {
    const { stack } = fixture;
    const { status, body } = await stack.query(
      await stack.token('analyst', 'demo-lung'),
      '{ me { role } }',
    );
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { role: 'ANALYST' } } });
  });

  it('should accept a governance token without a project', async () => {
    const { stack } = fixture;
    const { status, body } = await stack.query(await stack.token('governance'), ME);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { role: 'GOVERNANCE', project: null } } });
  });
});
