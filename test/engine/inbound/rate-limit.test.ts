/** The token bucket per routing key, on a fake clock: PagerDuty's 120 per minute, bursts, refill, a clock that goes back. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { RateLimiter } from '../../../electron/engine/inbound/rate-limit.ts';

const passes = (l: RateLimiter, id: number, perMinute: number, n: number) => Array.from({ length: n }, () => l.take(id, perMinute).ok).filter(Boolean).length;

describe('RateLimiter', () => {
  it('lets a minute of events through at once, then one every 60/limit seconds', async () => {
    const clock = new FakeClock();
    const l = new RateLimiter(clock);
    expect(passes(l, 1, 120, 200)).toBe(120);
    expect(l.take(1, 120)).toEqual({ ok: false, retryAfterMs: 500 });
    clock.jump(499);
    expect(l.take(1, 120).ok).toBe(false);
    clock.jump(1);
    expect(l.take(1, 120).ok).toBe(true);
    clock.jump(30_000);
    expect(passes(l, 1, 120, 100)).toBe(60);
    clock.jump(10 * 60_000);
    expect(passes(l, 1, 120, 200)).toBe(120);
  });

  it('keeps one bucket per integration', () => {
    const l = new RateLimiter(new FakeClock());
    expect(passes(l, 1, 2, 5)).toBe(2);
    expect(passes(l, 2, 2, 5)).toBe(2);
  });

  it('0 means no limit, and a changed limit starts a fresh bucket', () => {
    const l = new RateLimiter(new FakeClock());
    expect(passes(l, 1, 0, 10_000)).toBe(10_000);
    expect(passes(l, 2, 1, 3)).toBe(1);
    expect(passes(l, 2, 5, 10)).toBe(5);
    l.forget(2);
    expect(passes(l, 2, 5, 10)).toBe(5);
  });

  it('a clock moved backwards refills nothing', () => {
    const clock = new FakeClock(1_000_000);
    const l = new RateLimiter(clock);
    expect(passes(l, 1, 60, 60)).toBe(60);
    clock.jump(-500_000);
    expect(l.take(1, 60).ok).toBe(false);
    clock.jump(1_000);
    expect(l.take(1, 60).ok).toBe(true);
  });
});
