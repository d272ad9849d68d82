/**
 * When checks start, on fake time: 2,000 first checks spread evenly over the first interval (no burst
 * at start), and a restart keeps each monitor's place on its grid instead of checking everything again.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { withDefaults } from '../../../electron/engine/monitors/runner-options.ts';
import { nextOnGrid, spreadOffset } from '../../../electron/engine/monitors/runner.ts';
import { Scheduler } from '../../../electron/engine/monitors/scheduler.ts';
import { testEngine, type TestEngine } from '../../helpers/engine.ts';
import { tempDir } from '../../helpers/headless.ts';
import { httpTarget, type HttpTarget } from './helpers.ts';

describe('first checks', () => {
  it('2,000 monitors at 10 s: every second of the first interval starts 200 of them, give or take 5 %', async () => {
    const clock = new FakeClock(0);
    const starts: number[] = [];
    const s = new Scheduler({
      clock,
      concurrency: 10_000,
      maxTickMs: 5000,
      sleepGapMs: 30_000,
      // As the runner's: HTTP checks due within 25 ms start together.
      coalesceMs: withDefaults({}).coalesceMs,
      startsEarly: () => true,
      run: async (_id, dueAt) => {
        starts.push(clock.now());
        return nextOnGrid(dueAt, 10_000, clock.now());
      },
      onWake: () => {},
      onError: () => {},
    });
    s.start();
    for (let id = 1; id <= 2000; id++) s.schedule(id, spreadOffset(id, 10_000));
    await clock.advance(9_999);
    expect(starts.length).toBe(2000);
    const perSecond = Array.from({ length: 10 }, (_, k) => starts.filter((t) => Math.floor(t / 1000) === k).length);
    for (const n of perSecond) expect(n).toBeGreaterThanOrEqual(190);
    for (const n of perSecond) expect(n).toBeLessThanOrEqual(210);
    // And no 100 ms slice holds more than twice its share (20): the spread holds at a finer grain too.
    const perTenth = Array.from({ length: 100 }, (_, k) => starts.filter((t) => Math.floor(t / 100) === k).length);
    expect(Math.max(...perTenth)).toBeLessThanOrEqual(40);
    await s.stop();
  });
});

describe('a restart', () => {
  let t: TestEngine | undefined;
  let target: HttpTarget;
  afterEach(async () => {
    await t?.engine.stop();
    t = undefined;
    await target?.close();
  });

  async function firstRun(dir: string, n: number): Promise<{ clock: FakeClock; ids: number[]; lastAt: Map<number, number> }> {
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    t = await testEngine({ databasePath: join(dir, 'standby.db'), clock });
    const service = (await t.engine.invoke('services.list', {}))[0]!;
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const m = await t.engine.invoke('monitors.create', { name: `m${i}`, serviceId: service.id, kind: 'http', config: { url: target.url }, intervalSeconds: 60 });
      ids.push(m.id);
    }
    await clock.advance(90_000);
    await t.engine.monitors.idle();
    const lastAt = new Map<number, number>();
    for (const id of ids) lastAt.set(id, Date.parse((await t.engine.invoke('monitors.get', { id })).lastCheck!.at));
    await t.engine.stop();
    t = undefined;
    return { clock, ids, lastAt };
  }

  it('within an interval of the last checks: each monitor keeps its place on its grid, none is checked early or twice', async () => {
    target = await httpTarget();
    const dir = tempDir();
    const { clock, ids, lastAt } = await firstRun(dir, 30);
    const hitsBefore = target.hits;
    // Standby is down for 5 s, then starts again on the same database.
    const later = new FakeClock(clock.now() + 5_000);
    t = await testEngine({ databasePath: join(dir, 'standby.db'), clock: later });
    const onGrid = ids.filter((id) => lastAt.get(id)! + 60_000 > later.now());
    expect(onGrid.length).toBeGreaterThan(20);
    for (const id of onGrid) expect(t.engine.monitors.scheduler.dueAt(id)).toBe(lastAt.get(id)! + 60_000);
    // Those whose check fell due in the 5 s away are spread over the first interval, not all run now.
    for (const id of ids.filter((id) => !onGrid.includes(id))) {
      const due = t.engine.monitors.scheduler.dueAt(id)!;
      expect([due >= later.now(), due < later.now() + 60_000]).toEqual([true, true]);
    }
    await later.advance(1_000);
    await t.engine.monitors.idle();
    expect(target.hits - hitsBefore).toBeLessThan(5);
    // Over the first minute after the restart, every monitor is checked exactly once.
    await later.advance(58_999);
    await t.engine.monitors.idle();
    expect(target.hits - hitsBefore).toBe(ids.length);
  });

  it('after more than an interval away: first checks spread over the first interval again', async () => {
    target = await httpTarget();
    const dir = tempDir();
    const { clock, ids } = await firstRun(dir, 30);
    const later = new FakeClock(clock.now() + 10 * 60_000);
    t = await testEngine({ databasePath: join(dir, 'standby.db'), clock: later });
    const due = ids.map((id) => t!.engine.monitors.scheduler.dueAt(id)! - later.now());
    for (const d of due) expect(d).toBeGreaterThanOrEqual(0);
    for (const d of due) expect(d).toBeLessThan(60_000);
    const perTenSeconds = Array.from({ length: 6 }, (_, k) => due.filter((d) => Math.floor(d / 10_000) === k).length);
    for (const n of perTenSeconds) expect(n).toBeGreaterThanOrEqual(3);
    for (const n of perTenSeconds) expect(n).toBeLessThanOrEqual(7);
  });
});
