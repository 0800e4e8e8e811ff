import { HeaderMap } from '@apollo/server';

import { requestError } from '../common/errors';

export interface RateLimit {
  /** Requests a caller may make per second, sustained (default 20). */
  perSecond: number;
  /** Requests a caller may make at once before the rate applies (default 40). */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 40 };

/** How many idle callers to remember before the oldest are forgotten. */
const MAX_CALLERS = 100_000;

/**
 * A token bucket per caller (subject and project), in this process. A refused request gets
 * RATE_LIMITED (429) with Retry-After; it costs no subgraph or database work.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(private readonly limit: RateLimit = DEFAULT_RATE_LIMIT) {}

  take(caller: string, now = Date.now()): void {
    const bucket = this.buckets.get(caller) ?? { tokens: this.limit.burst, updated: now };
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.updated) / 1000) * this.limit.perSecond,
    );
    bucket.updated = now;
    this.buckets.delete(caller);
    this.buckets.set(caller, bucket);
    if (this.buckets.size > MAX_CALLERS) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.limit.perSecond);
      const error = requestError(
        'RATE_LIMITED',
        `Too many requests; retry after ${retryAfterSeconds} s`,
        {
          retryAfterSeconds,
        },
      );
      (error.extensions.http as { headers?: HeaderMap }).headers = new HeaderMap([
        ['retry-after', String(retryAfterSeconds)],
      ]);
      throw error;
    }
    bucket.tokens -= 1;
  }
}
