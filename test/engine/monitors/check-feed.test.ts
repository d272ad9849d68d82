/**
 * The live check feed on fake time: every check result reaches a watcher, gathered so that at most
 * one `monitor.checks` event leaves a second (the first after a quiet second at once), a storm of
 * pings keeps its newest checks, and with nobody watching nothing is kept and no timer is set.
 * Then through the runner, against a real loopback HTTP server: each check of a 10 s monitor arrives
 * as the same result `monitors.results` stores, and the list's strip (`monitors.lastChecks`) and the
 * per-check latency line (`monitors.series`) read the same checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../electron/shared/api.ts';
import type { CheckResult } from '../../../electron/shared/monitor-schemas.ts';
import { FakeClock, type Clock, type TimerHandle } from '../../../electron/engine/clock.ts';
import { CheckFeed, CHECK_FEED_GAP_MS, MAX_CHECKS_PER_EVENT } from '../../../electron/engine/monitors/check-feed.ts';
import { receivePing } from '../../../electron/engine/monitors/heartbeat-routes.ts';
import { httpTarget, monitorTest, type HttpTarget, type MonitorTest } from './helpers.ts';

type Batch = ApiEvents['monitor.checks'];

/** CountingClock is a FakeClock that counts the timers set on it. */
class CountingClock implements Clock {
  readonly fake = new FakeClock('2026-03-02T12:00:00Z');
  timersSet = 0;
  now(): number {
    return this.fake.now();
  }
  setTimer(fn: () => void | Promise<void>, ms: number): TimerHandle {
    this.timersSet++;
    return this.fake.setTimer(fn, ms);
  }
  clearTimer(handle: TimerHandle): void {
    this.fake.clearTimer(handle);
  }
}

const check = (clock: Clock, latencyMs: number, status: CheckResult['status'] = 'up'): CheckResult => ({ at: new Date(clock.now()).toISOString(), status, latencyMs, phases: null, message: null, details: null });
const latencies = (b: Batch, id: number) => b.monitors.find((m) => m.monitorId === id)?.checks.map((c) => c.latencyMs);

describe('CheckFeed', () => {
  let clock: CountingClock;
  let feed: CheckFeed;
  let sent: Array<{ at: number; batch: Batch }>;
  let logged: string[];

  beforeEach(() => {
    clock = new CountingClock();
    logged = [];
    feed = new CheckFeed(clock, (l) => logged.push(l));
    sent = [];
  });

  it('sends the first check at once, gathers the next second\'s checks of every monitor into one event, then waits for the gap', async () => {
    feed.watch((batch) => sent.push({ at: clock.now(), batch }));
    const start = clock.now();
    feed.push(1, check(clock, 10));
    expect(sent.map((s) => [s.at - start, latencies(s.batch, 1)])).toEqual([[0, [10]]]);

    // Within the second: three checks of monitor 1 and one of monitor 2 wait for one event.
    await clock.fake.advance(200);
    feed.push(1, check(clock, 11));
    feed.push(2, check(clock, 20, 'down'));
    await clock.fake.advance(300);
    feed.push(1, check(clock, 12));
    feed.push(1, check(clock, 13));
    await clock.fake.advance(499);
    expect(sent).toHaveLength(1);
    await clock.fake.advance(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.at - start).toBe(CHECK_FEED_GAP_MS);
    expect(latencies(sent[1]!.batch, 1)).toEqual([11, 12, 13]);
    expect(sent[1]!.batch.monitors.find((m) => m.monitorId === 2)!.checks.map((c) => c.status)).toEqual(['down']);

    // A check right after an event waits a full gap; one after a quiet gap goes at once.
    await clock.fake.advance(10);
    feed.push(2, check(clock, 21));
    expect(sent).toHaveLength(2);
    await clock.fake.advance(CHECK_FEED_GAP_MS);
    expect(sent.map((s) => s.at - start)).toEqual([0, 1000, 2000]);
    await clock.fake.advance(5000);
    feed.push(2, check(clock, 22));
    expect(sent.map((s) => s.at - start)).toEqual([0, 1000, 2000, 7010]);
  });

  it('never sends more than one event a second, however many checks arrive', async () => {
    feed.watch((batch) => sent.push({ at: clock.now(), batch }));
    for (let i = 0; i < 1000; i++) {
      feed.push(1 + (i % 7), check(clock, i));
      await clock.fake.advance(9);
    }
    await clock.fake.advance(CHECK_FEED_GAP_MS);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(CHECK_FEED_GAP_MS);
    // Each monitor appears at most once per event, and no check was lost (none exceeded the per-event bound here).
    for (const s of sent) expect(new Set(s.batch.monitors.map((m) => m.monitorId)).size).toBe(s.batch.monitors.length);
    expect(sent.flatMap((s) => s.batch.monitors.flatMap((m) => m.checks)).length).toBe(1000);
  });

  it('keeps the newest checks of a storm (MAX_CHECKS_PER_EVENT per monitor per event)', async () => {
    feed.watch((batch) => sent.push({ at: clock.now(), batch }));
    feed.push(1, check(clock, 0));
    for (let i = 1; i <= 50; i++) feed.push(1, check(clock, i));
    await clock.fake.advance(CHECK_FEED_GAP_MS);
    expect(latencies(sent[1]!.batch, 1)).toEqual(Array.from({ length: MAX_CHECKS_PER_EVENT }, (_, i) => 51 - MAX_CHECKS_PER_EVENT + i));
  });

  it('costs nothing with nobody watching: no timer, nothing kept; the last watcher to leave drops what was gathered', async () => {
    for (let i = 0; i < 100; i++) feed.push(1, check(clock, i));
    expect([feed.watching, clock.timersSet]).toEqual([false, 0]);

    const stop = feed.watch((batch) => sent.push({ at: clock.now(), batch }));
    feed.push(1, check(clock, 1));
    feed.push(1, check(clock, 2));
    expect(clock.timersSet).toBe(1);
    stop();
    await clock.fake.advance(CHECK_FEED_GAP_MS * 3);
    expect(sent.map((s) => latencies(s.batch, 1))).toEqual([[1]]);

    // Watching again later starts clean: nothing from before comes along.
    feed.watch((batch) => sent.push({ at: clock.now(), batch }));
    feed.push(3, check(clock, 30));
    expect(sent.map((s) => s.batch.monitors.map((m) => m.monitorId))).toEqual([[1], [3]]);
  });

  it('forgets a deleted monitor\'s gathered checks, and a failing watcher does not stop the others', async () => {
    feed.watch(() => {
      throw new Error('tab went away');
    });
    feed.watch((batch) => sent.push({ at: clock.now(), batch }));
    feed.push(1, check(clock, 1));
    feed.push(1, check(clock, 2));
    feed.push(2, check(clock, 3));
    feed.forget(1);
    await clock.fake.advance(CHECK_FEED_GAP_MS);
    expect(sent.map((s) => s.batch.monitors.map((m) => m.monitorId))).toEqual([[1], [2]]);
    expect(logged).toEqual(['a monitor.checks listener failed: tab went away', 'a monitor.checks listener failed: tab went away']);
  });
});

describe('the runner feeds every check to those watching', () => {
  let m: MonitorTest;
  let target: HttpTarget;
  beforeEach(async () => {
    m = await monitorTest();
    target = await httpTarget();
  });
  afterEach(async () => {
    await m.close();
    await target.close();
  });

  it('each check of a 10 s monitor arrives as the stored result; the strip and the latency line read the same checks', async () => {
    const batches: Batch[] = [];
    const stop = m.t.engine.monitors.feed.watch((b) => batches.push(b));
    const mon = await m.create({ kind: 'http', config: { url: target.url }, intervalSeconds: 10, retries: 0 });
    await m.nextCheck(mon.id);
    await m.nextCheck(mon.id);
    target.status = 500;
    await m.nextCheck(mon.id);
    const fed = batches.flatMap((b) => b.monitors.filter((x) => x.monitorId === mon.id).flatMap((x) => x.checks));
    expect(fed.map((c) => c.status)).toEqual(['up', 'up', 'down']);
    const stored = (await m.t.engine.invoke('monitors.results', { id: mon.id })).results;
    expect(fed).toEqual([...stored].reverse());
    expect(fed[2]!.message).toMatch(/HTTP 500/);

    const strip = await m.t.engine.invoke('monitors.lastChecks', { limit: 2 });
    expect(strip.monitors).toEqual([{ monitorId: mon.id, checks: fed.slice(1).map(({ at, status, latencyMs, message }) => ({ at, status, latencyMs, message })) }]);
    expect(await m.t.engine.invoke('monitors.lastChecks', { serviceId: m.serviceId, limit: 2 })).toEqual(strip);
    expect((await m.t.engine.invoke('monitors.lastChecks', { serviceId: m.serviceId + 1000 })).monitors).toEqual([]);
    const series = await m.t.engine.invoke('monitors.series', { id: mon.id, window: '24h' });
    expect(series.checks.map((c) => [c.at, c.latencyMs])).toEqual(fed.map((c) => [c.at, c.latencyMs]));
    expect((await m.t.engine.invoke('monitors.series', { id: mon.id, window: '30d' })).checks).toEqual([]);

    // Unwatched, checks go on being stored but nobody is sent anything.
    stop();
    expect(m.t.engine.monitors.feed.watching).toBe(false);
    const count = batches.length;
    await m.nextCheck(mon.id);
    expect(batches.length).toBe(count);
    expect((await m.t.engine.invoke('monitors.results', { id: mon.id })).results).toHaveLength(4);
  });

  it('two heartbeat pings within a second arrive together, one event later', async () => {
    const hb = await m.create({ name: 'Backup job', kind: 'heartbeat', config: { periodSeconds: 600, graceSeconds: 60 } });
    const key = hb.pingPath!.split('/').pop()!;
    const batches: Array<{ at: number; batch: Batch }> = [];
    m.t.engine.monitors.feed.watch((batch) => batches.push({ at: m.t.clock.now(), batch }));
    const start = m.t.clock.now();
    expect(await receivePing(m.t.engine.monitors, key, undefined, m.t.clock.now())).toBe('ok');
    await m.seconds(0.3);
    expect(await receivePing(m.t.engine.monitors, key, 'fail', m.t.clock.now())).toBe('ok');
    expect(await receivePing(m.t.engine.monitors, key, undefined, m.t.clock.now())).toBe('ok');
    expect(batches.map((b) => [b.at - start, b.batch.monitors[0]!.checks.map((c) => c.status)])).toEqual([[0, ['up']]]);
    await m.seconds(1);
    expect(batches.map((b) => [b.at - start, b.batch.monitors[0]!.checks.map((c) => c.status)])).toEqual([
      [0, ['up']],
      [1000, ['down', 'up']],
    ]);
  });
});
