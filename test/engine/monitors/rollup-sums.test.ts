/**
 * Rollup totals over spans (monitors/rollup-sums.ts): whole UTC days from daily rollups, partial days
 * from hourly ones, the same totals as the span's hourly rows, for the monitor list's uptime windows
 * (`monitors.uptimeAll`, and `monitors.uptimeFractions` from two of the sums) and Analytics' uptime per monitor.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { monitorUptime } from '../../../electron/engine/analytics/monitor-uptime.ts';
import { MonitorRepo } from '../../../electron/engine/monitors/monitor-repo.ts';
import { DAY, HOUR, ResultStore, type PendingResult } from '../../../electron/engine/monitors/results.ts';
import { piecesOf, rollupTotals, rollupUptime, type Span } from '../../../electron/engine/monitors/rollup-sums.ts';
import { ConfigRepo } from '../../../electron/engine/store/config-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { MonitorInput } from '../../../electron/shared/monitor-schemas.ts';

const T0 = Date.parse('2026-03-02T00:00:00Z');
let store: Store;
let ids: number[];

beforeEach(() => {
  store = new Store(':memory:');
  const config = new ConfigRepo(store);
  const policy = config.createEscalationPolicy({ name: 'P', description: '', levels: [{ targets: [{ kind: 'me' }], delayMinutes: 5 }], repeatCount: 0 });
  const service = config.createService({ name: 'S', description: '', escalationPolicyId: policy.id, urgencyRule: { type: 'constant', urgency: 'high' }, ackTimeoutMinutes: 0, autoResolveMinutes: 0, maintenanceWindows: [], enabled: true });
  const repo = new MonitorRepo(store);
  ids = ['A', 'B', 'C'].map((name) => repo.create(MonitorInput.parse({ name, kind: 'tcp', serviceId: service.id, config: { host: 'h', port: 1 } }), null, T0).id);
});

/** random is a small seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** hourlySums is what the totals must equal: the span's hourly rows, summed by SQL, per monitor. */
function hourlySums(span: Span): Map<number, Record<string, number | null>> {
  const rows = store.db
    .prepare(`SELECT monitor_id AS id, SUM(checks) AS checks, SUM(up) AS up, SUM(degraded) AS degraded, SUM(down) AS down, SUM(unknown) AS unknown,
                     SUM(latency_count) AS latency_count, SUM(latency_sum) AS latency_sum, MIN(latency_min) AS latency_min, MAX(latency_max) AS latency_max
              FROM monitor_rollups WHERE bucket_ms = ? AND start >= ? AND start < ? GROUP BY monitor_id`)
    .all(HOUR, Math.floor(span.from / HOUR) * HOUR, span.to ?? Number.MAX_SAFE_INTEGER) as Array<Record<string, number | null>>;
  return new Map(rows.map(({ id, ...r }) => [Number(id), r]));
}

describe('rollup totals', () => {
  it('splits a span into the hours before its first whole day, its whole days, and the hours after', () => {
    const day = Date.parse('2026-03-10T00:00:00Z');
    expect(piecesOf({ from: day - 3 * HOUR, to: day + 2 * DAY + 5 * HOUR })).toEqual([
      { bucket: HOUR, from: day - 3 * HOUR, to: day },
      { bucket: DAY, from: day, to: day + 2 * DAY },
      { bucket: HOUR, from: day + 2 * DAY, to: day + 2 * DAY + 5 * HOUR },
    ]);
    // Within one day: hours only. An end inside a day's last hour takes that day whole (its last hour starts before the end).
    expect(piecesOf({ from: day + HOUR, to: day + 20 * HOUR })).toEqual([{ bucket: HOUR, from: day + HOUR, to: day + 20 * HOUR }]);
    expect(piecesOf({ from: day, to: day + 23 * HOUR + 1 })).toEqual([{ bucket: DAY, from: day, to: day + DAY }]);
    // No end: every day from the first whole one on, today's as far as it goes.
    expect(piecesOf({ from: day - HOUR })).toEqual([
      { bucket: HOUR, from: day - HOUR, to: day },
      { bucket: DAY, from: day, to: Number.MAX_SAFE_INTEGER },
    ]);
  });

  it('equals the sum of the span\'s hourly rows, for spans of any length, starting and ending at any hour', () => {
    const random = seeded(7);
    const results = new ResultStore(store, () => T0);
    const statuses: PendingResult['status'][] = ['up', 'up', 'up', 'degraded', 'down', 'unknown'];
    // 100 days of checks at random times: each is counted into its hour and its UTC day, as the engine does.
    for (let i = 0; i < 6000; i++) {
      const status = statuses[Math.floor(random() * statuses.length)]!;
      const latency = status === 'down' || status === 'unknown' ? null : Math.round(random() * 5000) / 10;
      results.add({ monitorId: ids[Math.floor(random() * ids.length)]!, at: T0 + Math.floor(random() * 100 * DAY), status, latencyMs: latency, phases: null, message: null, details: null });
    }
    results.flush();
    const spans: Span[] = [];
    for (let i = 0; i < 60; i++) {
      const from = T0 + Math.floor(random() * 100 * 24) * HOUR;
      spans.push(i % 4 === 0 ? { from } : { from, to: from + Math.floor(random() * 60 * DAY) + Math.floor(random() * HOUR) + 1 });
    }
    const totals = rollupTotals(store.db, spans);
    const uptime = rollupUptime(store.db, spans);
    spans.forEach((span, i) => {
      const want = hourlySums(span);
      const got = totals[i]!;
      expect([...got.keys()].sort(), JSON.stringify(span)).toEqual([...want.keys()].sort());
      expect([...uptime[i]!.keys()].sort(), JSON.stringify(span)).toEqual([...want.keys()].sort());
      for (const [id, w] of want) {
        const g = got.get(id)!;
        expect({ ...g, latency_sum: Math.round(g.latency_sum * 10) }, JSON.stringify(span)).toEqual({ ...w, latency_sum: Math.round(Number(w.latency_sum) * 10) });
        expect(uptime[i]!.get(id), JSON.stringify(span)).toEqual({ counted: Number(w.checks) - Number(w.unknown), good: Number(w.up) + Number(w.degraded) });
      }
    });
  });

  it('reads whole days from their daily row, not their 24 hourly ones', () => {
    // Rows as no check would leave them, to see which are read: a day whose daily row says 10 checks
    // and whose hourly rows say 1 each (24 in all).
    const day = T0 + 5 * DAY;
    const put = store.db.prepare('INSERT INTO monitor_rollups (monitor_id, bucket_ms, start, checks, up, degraded, down, unknown, latency_count, latency_sum) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0)');
    put.run(ids[0]!, DAY, day, 10, 10);
    for (let h = 0; h < 24; h++) put.run(ids[0]!, HOUR, day + h * HOUR, 1, 1);
    const [whole, part] = rollupTotals(store.db, [{ from: day - DAY, to: day + 2 * DAY }, { from: day + 2 * HOUR, to: day + 5 * HOUR }]);
    expect(whole!.get(ids[0]!)!.checks).toBe(10);
    expect(part!.get(ids[0]!)!.checks).toBe(3);
    // So do the monitor list's windows and Analytics (at 2,000 monitors after 90 days, the hourly rows were 4.5 million).
    const now = day + 3 * DAY + 12 * HOUR;
    expect(new ResultStore(store, () => now).uptimeAll(now)[0]!.windows.map((w) => w.checks)).toEqual([0, 10, 10, 10]);
    expect(monitorUptime(store.db, now - 7 * DAY, now).find((m) => m.monitorId === ids[0])!.checks).toBe(10);
  });

  it('gives the monitor list\'s windows and Analytics\' uptime from the same totals', () => {
    const now = T0 + 95 * DAY + 13 * HOUR + 20 * 60_000;
    const results = new ResultStore(store, () => now);
    const at = (ago: number, status: PendingResult['status'], monitor = ids[0]!) => results.add({ monitorId: monitor, at: now - ago, status, latencyMs: status === 'up' ? 20 : null, phases: null, message: null, details: null });
    at(10 * 60_000, 'up');
    at(20 * HOUR, 'down'); // yesterday, inside 24 h
    at(3 * DAY, 'down');
    at(20 * DAY, 'up');
    at(60 * DAY, 'down');
    at(91 * DAY, 'down'); // outside every window
    at(2 * DAY, 'up', ids[1]!);
    results.flush();
    const all = results.uptimeAll(now);
    expect(all.map((m) => m.id)).toEqual(ids);
    expect(all[0]!.windows.map((w) => [w.window, w.checks, w.down])).toEqual([
      ['24h', 2, 1],
      ['7d', 3, 2],
      ['30d', 4, 2],
      ['90d', 5, 3],
    ]);
    expect(all[0]!.windows[0]!.latency).toEqual({ min: 20, mean: 20, p95: null, max: 20 });
    expect(all[1]!.windows.map((w) => w.checks)).toEqual([0, 1, 1, 1]);
    expect(all[2]!.windows.every((w) => w.checks === 0 && w.uptime === null && w.latency === null)).toBe(true);
    // The list's own answer: each window's uptime and nothing else, the same fractions.
    const fractions = results.uptimeFractions(now);
    expect(fractions.windows).toEqual(['24h', '7d', '30d', '90d']);
    expect(fractions.monitors).toEqual(all.map((m) => ({ id: m.id, uptime: m.windows.map((w) => w.uptime) })));
    expect(fractions.monitors[0]!.uptime).toEqual([0.5, 1 / 3, 0.5, 0.4]);
    expect(fractions.monitors[2]!.uptime).toEqual([null, null, null, null]);
    // Analytics over the last 30 days: the same counts as the list's 30 d window (both start at the hour after the current one, 30 days back).
    const month = monitorUptime(store.db, Math.floor(now / HOUR) * HOUR - 30 * DAY + HOUR, now);
    expect(month.find((m) => m.monitorId === ids[0])).toMatchObject({ checks: 4, down: 2, uptime: 0.5 });
    expect(month.find((m) => m.monitorId === ids[2])).toMatchObject({ checks: 0, uptime: null });
  });
});
