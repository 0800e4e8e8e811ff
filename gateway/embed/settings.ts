import { positiveInt } from '../../common/config';
import type { RateLimit } from '../rate-limit';
import { type CountCacheOptions, DEFAULT_COUNT_CACHE } from './count-cache';

/** How the gateway serves embedded apps (docs/embedding.md, "Settings"). */
export interface EmbedSettings {
  cache: CountCacheOptions;
  /** Requests per app, cache hits included. */
  rateLimit: RateLimit;
}

export const DEFAULT_EMBED_RATE_LIMIT: RateLimit = { perSecond: 100, burst: 200 };

/**
 * EMBED_CACHE_TTL_MS (default 30 000), EMBED_CACHE_ENTRIES (10 000), EMBED_RATE_PER_SECOND
 * (100) and EMBED_RATE_BURST (200); a value that is not a positive whole number stops the
 * gateway at start with an error naming the variable.
 */
export function embedSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbedSettings {
  return {
    cache: {
      ttlMs: positiveInt(env.EMBED_CACHE_TTL_MS, DEFAULT_COUNT_CACHE.ttlMs, 'EMBED_CACHE_TTL_MS'),
      maxEntries: positiveInt(
        env.EMBED_CACHE_ENTRIES,
        DEFAULT_COUNT_CACHE.maxEntries,
        'EMBED_CACHE_ENTRIES',
      ),
    },
    rateLimit: {
      perSecond: positiveInt(
        env.EMBED_RATE_PER_SECOND,
        DEFAULT_EMBED_RATE_LIMIT.perSecond,
        'EMBED_RATE_PER_SECOND',
      ),
      burst: positiveInt(env.EMBED_RATE_BURST, DEFAULT_EMBED_RATE_LIMIT.burst, 'EMBED_RATE_BURST'),
    },
  };
}
