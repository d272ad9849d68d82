/**
 * A token bucket per routing key, on the engine's clock. PagerDuty allows about 120 events per
 * minute per integration key over a sliding minute
 * (https://developer.pagerduty.com/docs/events-api-v2/rate-limits/); a bucket that holds a minute's
 * worth of tokens and refills continuously allows the same sustained rate and the same burst.
 */
import type { Clock } from '../clock.ts';

const MINUTE = 60_000;

/** RateDecision says whether an event may pass and, if not, when a token will be back. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
  perMinute: number;
}

/** RateLimiter keeps one bucket per integration, in memory (a restart starts every bucket full). */
export class RateLimiter {
  private readonly clock: Clock;
  private readonly buckets = new Map<number, Bucket>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** take spends one token of an integration's bucket; perMinute 0 means no limit. */
  take(integrationId: number, perMinute: number): RateDecision {
    if (perMinute <= 0) return { ok: true };
    const now = this.clock.now();
    let b = this.buckets.get(integrationId);
    if (!b || b.perMinute !== perMinute) {
      // A new bucket (or a changed limit) starts full: a minute's worth of events may arrive at once.
      b = { tokens: perMinute, at: now, perMinute };
      this.buckets.set(integrationId, b);
    }
    // A clock that moved backwards (a corrected wall clock) refills nothing rather than draining.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(perMinute, b.tokens + (elapsed * perMinute) / MINUTE);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - b.tokens) * MINUTE) / perMinute) };
  }

  /** forget drops an integration's bucket (it was deleted or its key rotated). */
  forget(integrationId: number): void {
    this.buckets.delete(integrationId);
  }
}
