import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

import { CallerAuthenticator } from '../../gateway/auth';

async function keyPair(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function token(privateKey: CryptoKey, kid: string): Promise<string> {
  return new SignJWT({ role: 'analyst', project: 'demo-lung' })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer('issuer')
    .setAudience('audience')
    .setSubject('someone')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

function authenticator(keys: JWK[]): CallerAuthenticator {
  return new CallerAuthenticator({
    issuer: 'issuer',
    audience: 'audience',
    algorithms: ['ES256'],
    keys: { keys },
  });
}

describe('caller keys during a rotation', () => {
  it('should accept tokens of both keys while the JWKS holds both, and only the new after', async () => {
    const old = await keyPair('2026-old');
    const fresh = await keyPair('2026-new');
    const oldToken = await token(old.privateKey, '2026-old');
    const newToken = await token(fresh.privateKey, '2026-new');

    const overlap = authenticator([old.jwk, fresh.jwk]);
    await expect(overlap.authenticate(`Bearer ${oldToken}`)).resolves.toMatchObject({
      subject: 'someone',
    });
    await expect(overlap.authenticate(`Bearer ${newToken}`)).resolves.toMatchObject({
      subject: 'someone',
    });

    const after = authenticator([fresh.jwk]);
    await expect(after.authenticate(`Bearer ${newToken}`)).resolves.toMatchObject({
      role: 'analyst',
    });
    await expect(after.authenticate(`Bearer ${oldToken}`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('should refuse to be configured with a symmetric algorithm', () => {
    expect(
      () =>
        new CallerAuthenticator({
          issuer: 'i',
          audience: 'a',
          algorithms: ['HS256'],
          keys: { keys: [] },
        }),
    ).toThrow(TypeError);
  });
});
