/** The scheduler on fake time: starts spread over the interval, a concurrency limit, never two runs of one monitor, sleep noticed, probes due together started in one tick. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { nextOnGrid, spreadOffset } from '../../../electron/engine/monitors/runner.ts';
import { builtinMonitorTypes } from '../../../electron/engine/monitors/registry.ts';
import { Scheduler } from '../../../electron/engine/monitors/scheduler.ts';

function setup(concurrency = 100, run?: (id: number, dueAt: number) => Promise<number | null>, coalesce: { coalesceMs?: number; startsEarly?: (id: number) => boolean } = {}) {
  const clock = new FakeClock(0);
  const runs: Array<{ id: number; at: number }> = [];
  const wakes: number[] = [];
  const errors: string[] = [];
  const s = new Scheduler({
    clock,
    concurrency,
    maxTickMs: 5000,
    sleepGapMs: 30_000,
    run: run ?? (async (id, dueAt) => {
      runs.push({ id, at: clock.now() });
      return nextOnGrid(dueAt, 60_000, clock.now());
    }),
    onWake: (gap) => wakes.push(gap),
    onError: (id, err) => errors.push(`${id}: ${(err as Error).message}`),
    ...coalesce,
  });
  s.start();
  return { clock, s, runs, wakes, errors };
}

describe('scheduler', () => {
  it('reports a run that throws (a write on a full disk) and tries that monitor again after maxTickMs', async () => {
    let failing = true;
    const runs: number[] = [];
    const { clock, s, errors } = setup(100, async (_id, dueAt) => {
      runs.push(clock.now());
      if (failing) throw new Error('SQLITE_FULL: the disk holding /d/standby.db is full');
      return dueAt + 60_000;
    });
    s.schedule(1, 1000);
    await clock.advance(1000);
    expect(errors).toEqual(['1: SQLITE_FULL: the disk holding /d/standby.db is full']);
    expect(s.dueAt(1)).toBe(6000);
    failing = false;
    await clock.advance(5000);
    expect(runs).toEqual([1000, 6000]);
    expect(s.dueAt(1)).toBe(66_000);
  });

  it('spreads first checks over the interval', async () => {
    const { clock, s, runs } = setup();
    for (let id = 1; id <= 60; id++) s.schedule(id, spreadOffset(id, 60_000));
    await clock.advance(60_000);
    expect(runs.length).toBe(60);
    // Golden-ratio steps: every 10-second slice of the minute gets 8 to 12 of the 60 starts.
    const perSlice = [0, 1, 2, 3, 4, 5].map((k) => runs.filter((r) => Math.floor(r.at / 10_000) === k).length);
    for (const n of perSlice) expect(n).toBeGreaterThanOrEqual(8);
    for (const n of perSlice) expect(n).toBeLessThanOrEqual(12);
    expect(s.takeLateness().every((l) => l === 0)).toBe(true);
    await clock.advance(60_000);
    expect(runs.length).toBe(120);
  });

  it('runs at most `concurrency` checks at once and queues the rest', async () => {
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const { clock, s } = setup(3, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => release.push(r));
      running--;
      return null;
    });
    for (let id = 1; id <= 10; id++) s.schedule(id, 1000);
    const ticking = clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect([running, release.length]).toEqual([3, 3]);
    while (release.length > 0) {
      release.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await ticking;
    await s.idle();
    expect(peak).toBe(3);
  });

  it('never runs one monitor twice at once: a request during a run waits for its end', async () => {
    let release: (() => void) | undefined;
    const starts: number[] = [];
    const { clock, s } = setup(10, async () => {
      starts.push(clock.now());
      if (starts.length === 1) await new Promise<void>((r) => (release = r));
      return null;
    });
    s.schedule(7, 0);
    const first = s.dispatch();
    await new Promise((r) => setImmediate(r));
    expect(s.isRunning(7)).toBe(true);
    s.schedule(7, clock.now());
    await s.dispatch();
    expect(starts.length).toBe(1);
    release!();
    await first;
    await clock.advance(0);
    await s.idle();
    expect(starts.length).toBe(2);
  });

  it('notices a sleep: a tick far later than planned reports the gap', async () => {
    const { clock, s, wakes } = setup();
    s.schedule(1, 60_000);
    await clock.advance(4000);
    clock.jump(3600_000);
    await clock.advance(1);
    expect(wakes.length).toBe(1);
    expect(wakes[0]).toBeGreaterThan(3590_000);
  });

  it('sets no timer when nothing is scheduled', async () => {
    const { clock, runs } = setup();
    await clock.advance(3600_000);
    expect(runs).toEqual([]);
  });

  it('coalesces: a tick also starts the probes due within coalesceMs, which keep their own grid and are not late', async () => {
    const { clock, s, runs } = setup(100, undefined, { coalesceMs: 25, startsEarly: () => true });
    s.schedule(1, 1000);
    s.schedule(2, 1020);
    s.schedule(3, 1030);
    await clock.advance(1000);
    expect(runs).toEqual([{ id: 1, at: 1000 }, { id: 2, at: 1000 }]);
    expect(s.dueAt(2)).toBe(61_020);
    await clock.advance(30);
    expect(runs.at(-1)).toEqual({ id: 3, at: 1030 });
    await clock.advance(60_000);
    expect(runs.slice(3)).toEqual([{ id: 1, at: 61_000 }, { id: 2, at: 61_000 }, { id: 3, at: 61_030 }]);
    expect(s.takeLateness()).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('never starts early a monitor that may not (a heartbeat judges a deadline)', async () => {
    const { clock, s, runs } = setup(100, undefined, { coalesceMs: 25, startsEarly: (id) => id !== 9 });
    s.schedule(1, 1000);
    s.schedule(9, 1010);
    await clock.advance(1000);
    expect(runs).toEqual([{ id: 1, at: 1000 }]);
    await clock.advance(10);
    expect(runs).toEqual([{ id: 1, at: 1000 }, { id: 9, at: 1010 }]);
  });

  it('starts early only the probes: every built-in type but the heartbeat', () => {
    const types = builtinMonitorTypes();
    expect(types.kinds().filter((k) => types.get(k)!.startsEarly === true)).toEqual(types.kinds().filter((k) => k !== 'heartbeat'));
    expect(types.kinds()).toContain('heartbeat');
  });

  it('keeps a monitor on its grid', () => {
    expect(nextOnGrid(1000, 60_000, 1500)).toBe(61_000);
    expect(nextOnGrid(1000, 60_000, 200_000)).toBe(241_000);
  });
});
