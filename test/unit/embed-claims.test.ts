import { embedClaims, isWebOrigin } from '../../gateway/embed/token';
import { embedSettingsFromEnv } from '../../gateway/embed/settings';

const NOW = 1_800_000_000;
const base = { sub: 'portal', iat: NOW, exp: NOW + 600, origins: ['https://portal.example'] };

describe('web origins', () => {
  it.each(['https://portal.example', 'http://localhost:5173', 'https://a.example:8443'])(
    'should accept %s',
    (origin) => {
      expect(isWebOrigin(origin)).toBe(true);
    },
  );

  it.each([
    '*',
    'null',
    'https://portal.example/',
    'https://portal.example/page',
    'https://user@portal.example',
    'ftp://portal.example',
    'HTTPS://PORTAL.EXAMPLE',
    42,
  ])('should refuse %s', (origin) => {
    expect(isWebOrigin(origin)).toBe(false);
  });
});

describe('embed claims', () => {
  it('should bind the token to its app and origins, the app defaulting to sub', () => {
    expect(embedClaims(base)).toEqual({ app: 'portal', origins: ['https://portal.example'] });
    expect(embedClaims({ ...base, app: 'recruitment' }).app).toBe('recruitment');
  });

  it.each([
    ['no origins', { origins: undefined }, /origins/],
    ['an empty list of origins', { origins: [] }, /origins/],
    ['an origin that is not one', { origins: ['https://portal.example/x'] }, /web origin/],
    ['a lifetime over an hour', { exp: NOW + 3601 }, /at most 60 minutes/],
    ['an app name with spaces', { app: 'my portal' }, /app/],
  ])('should refuse %s with UNAUTHENTICATED', (_name, claims, message) => {
    expect(() => embedClaims({ ...base, ...claims })).toThrow(message);
    try {
      embedClaims({ ...base, ...claims });
    } catch (error) {
      expect((error as { extensions: { code: string } }).extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('embed settings', () => {
  it('should read the environment, with defaults', () => {
    expect(embedSettingsFromEnv({})).toEqual({
      cache: { ttlMs: 30_000, maxEntries: 10_000 },
      rateLimit: { perSecond: 100, burst: 200 },
    });
    expect(embedSettingsFromEnv({ EMBED_RATE_PER_SECOND: '5' }).rateLimit.perSecond).toBe(5);
  });

  it('should stop on a value that is not a positive whole number, naming it', () => {
    expect(() => embedSettingsFromEnv({ EMBED_CACHE_TTL_MS: '-1' })).toThrow(/EMBED_CACHE_TTL_MS/);
  });
});
