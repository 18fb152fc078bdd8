import { ApiError } from '@gridplane/api';

export interface RateLimitOptions {
  /** Requests a token may make at once after a quiet spell. */
  burst: number;
  /** Requests per second a token may sustain. */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 600, perSecond: 100 };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets idle this long are full again, so they are dropped. */
const IDLE_MS = 10 * 60_000;

/**
 * Per-token rate limits: a token bucket for each API token, in this controller's memory
 * (each controller of a grid limits what reaches it). Over the limit: RateLimited (429)
 * with the wait in details and in Retry-After.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): void {
    const now = this.now();
    this.sweep(now);
    const { burst, perSecond } = this.options;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfterSeconds = Math.ceil((1 - b.tokens) / perSecond);
    throw new ApiError(
      'RateLimited',
      `too many requests with this token; retry in ${retryAfterSeconds} s`,
      {
        retryAfterSeconds,
        limit: { burst, perSecond },
      },
    );
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < IDLE_MS) return;
    this.sweptAt = now;
    for (const [k, b] of this.buckets) if (now - b.at > IDLE_MS) this.buckets.delete(k);
  }
}
