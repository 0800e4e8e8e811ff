import { exportJWK, generateKeyPair, SignJWT } from 'jose';

import { CallerAuthenticator } from '../../gateway/auth';

describe('remembered caller tokens', () => {
  afterEach(() => jest.useRealTimers());

  async function setUp(ttl: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256', use: 'sig' };
    const token = await new SignJWT({
      role: 'embed',
      project: 'feasibility',
      origins: ['https://portal.example'],
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setIssuer('issuer')
      .setAudience('audience')
      .setSubject('portal')
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(privateKey);
    const authenticator = new CallerAuthenticator({
      issuer: 'issuer',
      audience: 'audience',
      algorithms: ['ES256'],
      keys: { keys: [jwk] },
    });
    return { authenticator, header: `Bearer ${token}` };
  }

  it('should give the same caller, unchangeable, for a token seen before', async () => {
    const { authenticator, header } = await setUp('5m');
    const first = await authenticator.authenticate(header);
    expect(await authenticator.authenticate(header)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toMatchObject({ role: 'embed', app: 'portal' });
  });

  it('should refuse a remembered token once it has expired', async () => {
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    const { authenticator, header } = await setUp('30s');
    await authenticator.authenticate(header);
    jest.setSystemTime(Date.now() + 31_000);
    await expect(authenticator.authenticate(header)).rejects.toMatchObject({
      message: 'The token has expired',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});
