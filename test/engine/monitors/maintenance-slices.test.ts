/**
 * The monitors' maintenance a slice at a time: closing ended buckets (a p95 from each one's raw
 * results; at 2,000 monitors a day's close reads 17 million raw results) and pruning raw results past
 * the retention (120,000 rows every 10 minutes at 2,000 monitors). node:sqlite holds the event loop
 * while a query runs, so the runner does one slice (closeSliceMs), lets checks and inbound alerts run
 * for closePauseMs, and goes on; the next maintenance keeps its 10-minute rhythm.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../../electron/engine/monitors/results.ts';
import { onCallSetup, testEngine, type TestEngine } from '../../helpers/engine.ts';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.stop();
  t = undefined;
});

/** threeMonitors starts an engine whose maintenance slices are 0 ms (one piece of work each) 50 ms apart, with three monitors. */
async function threeMonitors(): Promise<{ t: TestEngine; ids: number[] }> {
  const e = await testEngine({ monitors: { closeSliceMs: 0, closePauseMs: 50, maintenanceMs: 10 * 60_000 } });
  t = e;
  const { service } = await onCallSetup(e, { twoLevels: false });
  const ids: number[] = [];
  for (const name of ['A', 'B', 'C']) {
    const m = await e.engine.invoke('monitors.create', { name, kind: 'heartbeat', serviceId: service.id, config: { periodSeconds: 3600, graceSeconds: 60 } });
    ids.push(m.id);
  }
  return { t: e, ids };
}

describe('closing buckets', () => {
  it('closes one slice, pauses, and goes on until every ended bucket has its p95', async () => {
    // A slice of 0 ms closes one bucket (each slice closes at least one).
    const { t, ids } = await threeMonitors();
    // An hour that has ended: ten checks each, 10 to 100 ms (p95: 100 ms).
    const hour = Math.floor(t.clock.now() / HOUR) * HOUR - 2 * HOUR;
    for (const id of ids) for (let i = 1; i <= 10; i++) t.engine.monitors.results.add({ monitorId: id, at: hour + i * 60_000, status: 'up', latencyMs: i * 10, phases: null, message: null, details: null });
    t.engine.monitors.results.flush();
    const closed = () => (t.engine.store.db.prepare(`SELECT COUNT(*) AS n FROM monitor_rollups WHERE bucket_ms = ${HOUR} AND start = ? AND latency_p95 = 100`).get(hour) as { n: number }).n;

    await t.clock.advance(10 * 60_000);
    expect(closed()).toBe(1);
    await t.clock.advance(49);
    expect(closed()).toBe(1);
    await t.clock.advance(1);
    expect(closed()).toBe(2);
    await t.clock.advance(50);
    expect(closed()).toBe(3);
    // Nothing left: the next maintenance is ten minutes on, not a slice.
    expect(t.engine.monitors.results.closeSomeBuckets(t.clock.now(), 0)).toEqual({ closed: 0, more: false });
  });
});

describe('pruning raw results', () => {
  it('prunes one slice, pauses, and goes on monitor by monitor until every result past the retention is gone', async () => {
    // A slice of 0 ms prunes one monitor's results here (each slice deletes at least one chunk).
    const { t, ids } = await threeMonitors();
    // Ten results each from eight days ago (past the 7-day retention) and one from an hour ago; no latency, so no bucket to close.
    const now = t.clock.now();
    for (const id of ids) for (const at of [...Array.from({ length: 10 }, (_, i) => now - 8 * DAY + i * 60_000), now - HOUR]) t.engine.monitors.results.add({ monitorId: id, at, status: 'up', latencyMs: null, phases: null, message: null, details: null });
    t.engine.monitors.results.flush();
    const left = () => ids.map((id) => (t.engine.store.db.prepare('SELECT COUNT(*) AS n FROM monitor_results WHERE monitor_id = ?').get(id) as { n: number }).n);

    expect(left()).toEqual([11, 11, 11]);
    await t.clock.advance(10 * 60_000);
    expect(left()).toEqual([1, 11, 11]);
    await t.clock.advance(49);
    expect(left()).toEqual([1, 11, 11]);
    await t.clock.advance(1);
    expect(left()).toEqual([1, 1, 11]);
    await t.clock.advance(50);
    expect(left()).toEqual([1, 1, 1]);
    // Nothing left to prune.
    expect(t.engine.monitors.results.pruneSome(t.clock.now(), 7 * DAY, Infinity)).toEqual({ deleted: 0, more: false });
  });
});
