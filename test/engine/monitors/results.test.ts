/** Results: raw storage, hourly and daily rollups, p95 when a bucket closes, uptime windows, series, retention. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MonitorRepo } from '../../../electron/engine/monitors/monitor-repo.ts';
import { DAY, DURABLE_RESULTS_MS, HOUR, ResultStore, type PendingResult } from '../../../electron/engine/monitors/results.ts';
import { ConfigRepo } from '../../../electron/engine/store/config-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { MonitorInput } from '../../../electron/shared/monitor-schemas.ts';

const T0 = Date.parse('2026-03-02T00:00:00Z');
let store: Store;
let results: ResultStore;
let id: number;
/** now is the result store's clock. */
let now: number;

beforeEach(() => {
  store = new Store(':memory:');
  const config = new ConfigRepo(store);
  const policy = config.createEscalationPolicy({ name: 'P', description: '', levels: [{ targets: [{ kind: 'me' }], delayMinutes: 5 }], repeatCount: 0 });
  const service = config.createService({ name: 'S', description: '', escalationPolicyId: policy.id, urgencyRule: { type: 'constant', urgency: 'high' }, ackTimeoutMinutes: 0, autoResolveMinutes: 0, maintenanceWindows: [], enabled: true });
  id = new MonitorRepo(store).create(MonitorInput.parse({ name: 'M', kind: 'tcp', serviceId: service.id, config: { host: 'h', port: 1 } }), null, T0).id;
  now = T0;
  results = new ResultStore(store, () => now);
});

const result = (at: number, status: PendingResult['status'], latencyMs: number | null = 10): PendingResult => ({
  monitorId: id, at, status, latencyMs, phases: null, message: status, details: status === 'down' ? { why: 'test' } : null,
});

describe('result store', () => {
  it('commits its own flush without an fsync (synchronous=NORMAL) and leaves every other commit FULL', () => {
    const level = () => (store.db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    const seen: number[] = [];
    results.add(result(T0 + 1000, 'up'));
    results.flush(() => seen.push(level()));
    // Inside a caller's transaction (an incident's), the caller's FULL commit is kept.
    results.add(result(T0 + 2000, 'down'));
    store.transaction(() => results.flush(() => seen.push(level())));
    expect(seen).toEqual([1, 2]);
    expect(level()).toBe(2);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM monitor_results').get() as { n: number }).n).toBe(2);
  });

  it('commits one flush with an fsync at least every DURABLE_RESULTS_MS, so a power cut takes back at most that much', () => {
    const level = () => (store.db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    const seen: number[] = [];
    // A flush a second, as the runner does, for two and a half times the bound.
    for (let s = 1; s <= 150; s++) {
      now = T0 + s * 1000;
      results.add(result(now, 'up'));
      results.flush(() => seen.push(level()));
    }
    const durable = seen.flatMap((l, i) => (l === 2 ? [i + 1] : []));
    expect(durable).toEqual([DURABLE_RESULTS_MS / 1000, (2 * DURABLE_RESULTS_MS) / 1000]);
    expect(level()).toBe(2);
  });

  it('rolls each check into its hour and its UTC day, with latency of answered checks only', () => {
    results.add(result(T0 + 1000, 'up', 10));
    results.add(result(T0 + 2000, 'up', 30));
    results.add(result(T0 + 3000, 'down', 9000));
    results.add(result(T0 + HOUR + 1, 'degraded', 700));
    results.add(result(T0 + HOUR + 2, 'unknown', null));
    results.flush();
    const rows = store.db.prepare('SELECT bucket_ms, start, checks, up, degraded, down, unknown, latency_count, latency_sum, latency_min, latency_max FROM monitor_rollups ORDER BY bucket_ms, start').all();
    expect(rows).toEqual([
      { bucket_ms: HOUR, start: T0, checks: 3, up: 2, degraded: 0, down: 1, unknown: 0, latency_count: 2, latency_sum: 40, latency_min: 10, latency_max: 30 },
      { bucket_ms: HOUR, start: T0 + HOUR, checks: 2, up: 0, degraded: 1, down: 0, unknown: 1, latency_count: 1, latency_sum: 700, latency_min: 700, latency_max: 700 },
      { bucket_ms: DAY, start: T0, checks: 5, up: 2, degraded: 1, down: 1, unknown: 1, latency_count: 3, latency_sum: 740, latency_min: 10, latency_max: 700 },
    ]);
    const recent = results.recent(id, 10);
    expect(recent.map((r) => r.status)).toEqual(['unknown', 'degraded', 'down', 'up', 'up']);
    expect(recent[2]!.details).toEqual({ why: 'test' });
    expect(recent[3]!.details).toBeNull();
  });

  it('computes p95 from raw results when a bucket closes', () => {
    for (let i = 1; i <= 100; i++) results.add(result(T0 + i * 1000, 'up', i));
    results.flush();
    expect(results.closeBuckets(T0 + 30 * 60_000)).toBe(0);
    expect(results.closeBuckets(T0 + HOUR)).toBe(1);
    expect(results.closeBuckets(T0 + DAY)).toBe(1);
    const p95 = store.db.prepare('SELECT bucket_ms, latency_p95 FROM monitor_rollups ORDER BY bucket_ms').all();
    expect(p95).toEqual([{ bucket_ms: HOUR, latency_p95: 95 }, { bucket_ms: DAY, latency_p95: 95 }]);
  });

  it('gives the nearest-rank percentile of answered checks, for any count (ties, one check, none)', () => {
    let seed = 3;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const answered: Array<{ at: number; latency: number }> = [];
    for (let i = 0; i < 500; i++) {
      const status = random() < 0.1 ? 'down' : random() < 0.1 ? 'degraded' : 'up';
      // Whole milliseconds, so ties happen.
      const latency = status === 'down' ? null : Math.floor(random() * 50);
      results.add(result(T0 + i * 1000, status, latency));
      if (latency !== null) answered.push({ at: T0 + i * 1000, latency });
    }
    results.flush();
    for (const n of [0, 1, 2, 7, 20, 137, answered.length]) {
      const sorted = answered.slice(0, n).map((a) => a.latency).sort((a, b) => a - b);
      // Up to just after the nth answered check: the window holds those n (and down checks, not counted).
      const to = n === 0 ? T0 : answered[n - 1]!.at + 1;
      for (const q of [0.5, 0.95, 0.99]) expect(results.percentile(id, T0, to, q), `n=${n} q=${q}`).toBe(n === 0 ? null : sorted[Math.ceil(q * n) - 1]);
    }
  });

  it('closes the buckets of many monitors with statements compiled once, not one pair per monitor (each held its memory until GC: RSS grew at every hour)', () => {
    const repo = new MonitorRepo(store);
    const serviceId = repo.get(id).serviceId;
    const ids = [id, ...Array.from({ length: 19 }, (_, i) => repo.create(MonitorInput.parse({ name: `M${i}`, kind: 'tcp', serviceId, config: { host: 'h', port: 1 } }), null, T0).id)];
    const hourOf = (h: number) => {
      for (const m of ids) for (let i = 1; i <= 5; i++) results.add({ ...result(T0 + h * HOUR + i * 1000, 'up', i), monitorId: m });
      results.flush();
    };
    hourOf(0);
    expect(results.closeBuckets(T0 + HOUR)).toBe(20);
    hourOf(1);
    const prepare = vi.spyOn(store.db, 'prepare');
    expect(results.closeBuckets(T0 + 2 * HOUR)).toBe(20);
    expect(prepare).not.toHaveBeenCalled();
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM monitor_rollups WHERE bucket_ms = ? AND latency_p95 = 5').get(HOUR)).toEqual({ n: 40 });
  });

  it('reports uptime over 24 h, 7 d, 30 d and 90 d, counting unknown checks as neither up nor down', () => {
    const now = T0 + 100 * DAY;
    // 10 days ago: 2 down; 40 days ago: 6 down; last hour: 7 up, 1 degraded, 2 unknown.
    results.add(result(now - 10 * DAY, 'down'));
    results.add(result(now - 10 * DAY + 1, 'down'));
    for (let i = 0; i < 6; i++) results.add(result(now - 40 * DAY + i, 'down'));
    for (let i = 0; i < 7; i++) results.add(result(now - 60_000 + i, 'up', 20));
    results.add(result(now - 1000, 'degraded', 800));
    results.add(result(now - 500, 'unknown', null));
    results.add(result(now - 400, 'unknown', null));
    results.flush();
    const w = results.uptime(id, now, 7 * DAY);
    expect(w.map((x) => [x.window, x.checks, x.up + x.degraded, x.down, x.unknown, x.uptime])).toEqual([
      ['24h', 10, 8, 0, 2, 1],
      ['7d', 10, 8, 0, 2, 1],
      ['30d', 12, 8, 2, 2, 0.8],
      ['90d', 18, 8, 8, 2, 0.5],
    ]);
    expect(w[0]!.latency).toEqual({ min: 20, mean: 117.5, p95: 800, max: 800 });
    expect(w[3]!.latency!.p95).toBeNull();
  });

  it('answers uptime from an index range, however long the history', () => {
    const plan = store.db
      .prepare("EXPLAIN QUERY PLAN SELECT SUM(checks) FROM monitor_rollups WHERE monitor_id = ? AND bucket_ms = ? AND start >= ?")
      .all(id, HOUR, T0)
      .map((r) => String((r as { detail: string }).detail));
    expect(plan.join('\n')).toMatch(/SEARCH monitor_rollups USING (INDEX|PRIMARY KEY).*monitor_id=\? AND bucket_ms=\? AND start>\?/);
    expect(plan.join('\n')).not.toMatch(/SCAN/);
  });

  it('gives hourly chart points up to 7 days and daily ones beyond', () => {
    const now = T0 + 10 * DAY + 30 * 60_000;
    results.add(result(now - 2 * HOUR, 'up', 50));
    results.add(result(now - 1000, 'up', 70));
    results.add(result(now - 9 * DAY, 'down'));
    results.flush();
    const day = results.series(id, '24h', now);
    expect(day.bucket).toBe('hour');
    expect(day.points.map((p) => [p.start, p.checks, p.latency?.p95])).toEqual([
      [new Date(T0 + 10 * DAY - 2 * HOUR).toISOString(), 1, 50],
      [new Date(T0 + 10 * DAY).toISOString(), 1, 70],
    ]);
    const month = results.series(id, '30d', now);
    expect(month.bucket).toBe('day');
    expect(month.points.map((p) => [p.start, p.down, p.uptime])).toEqual([
      [new Date(T0 + DAY).toISOString(), 1, 0],
      [new Date(T0 + 9 * DAY).toISOString(), 0, 1],
      [new Date(T0 + 10 * DAY).toISOString(), 0, 1],
    ]);
  });

  it('prunes raw results past the retention, keeping the rollups', () => {
    results.add(result(T0, 'up'));
    results.add(result(T0 + 8 * DAY, 'up'));
    results.flush();
    results.prune(T0 + 8 * DAY, 7 * DAY);
    expect(results.recent(id, 10).length).toBe(1);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM monitor_rollups WHERE start = ?').get(T0) as { n: number }).n).toBe(2);
    results.prune(T0 + 101 * DAY, 7 * DAY);
    expect(store.db.prepare('SELECT bucket_ms FROM monitor_rollups').all()).toEqual([{ bucket_ms: DAY }, { bucket_ms: DAY }]);
  });

  it("reads each monitor's newest check time, leaving out monitors never checked", () => {
    const serviceId = (store.db.prepare('SELECT service_id AS s FROM monitors WHERE id = ?').get(id) as { s: number }).s;
    const never = new MonitorRepo(store).create(MonitorInput.parse({ name: 'N', kind: 'tcp', serviceId, config: { host: 'h', port: 1 } }), null, T0).id;
    for (const at of [T0 + 5000, T0 + 9000, T0 + 7000]) results.add(result(at, 'up'));
    results.flush();
    expect(results.lastCheckTimes()).toEqual(new Map([[id, T0 + 9000]]));
    expect(results.lastCheckTimes().has(never)).toBe(false);
  });

  it('prunes a slice at a time, monitor by monitor from where the last slice stopped, to the same end', () => {
    const serviceId = (store.db.prepare('SELECT service_id AS s FROM monitors WHERE id = ?').get(id) as { s: number }).s;
    const repo = new MonitorRepo(store);
    const ids = [id, ...['B', 'C'].map((name) => repo.create(MonitorInput.parse({ name, kind: 'tcp', serviceId, config: { host: 'h', port: 1 } }), null, T0).id)];
    // Per monitor: 25 results past a 7-day retention, 2 within it.
    for (const monitorId of ids) for (const at of [...Array.from({ length: 25 }, (_, i) => T0 + i * 60_000), T0 + 8 * DAY, T0 + 8 * DAY + 1]) results.add({ ...result(at, 'up'), monitorId });
    results.flush();
    const raw = (m: number) => (store.db.prepare('SELECT COUNT(*) AS n FROM monitor_results WHERE monitor_id = ?').get(m) as { n: number }).n;
    // A budget of 0 ms: one chunk (here 10 results) a call.
    const slices: number[][] = [];
    for (let more = true; more; ) {
      const r = results.pruneSome(T0 + 8 * DAY, 7 * DAY, 0, 10);
      slices.push([r.deleted, ...ids.map(raw)]);
      more = r.more;
    }
    expect(slices).toEqual([
      [10, 17, 27, 27],
      [10, 7, 27, 27],
      [5, 2, 27, 27],
      [10, 2, 17, 27],
      [10, 2, 7, 27],
      [5, 2, 2, 27],
      [10, 2, 2, 17],
      [10, 2, 2, 7],
      [5, 2, 2, 2],
    ]);
    // The next pass starts again from the first monitor: its 6 raw results left, and 6 hourly rollups past 92 days (two hours a monitor).
    expect(results.pruneSome(T0 + 101 * DAY, 7 * DAY, Infinity)).toEqual({ deleted: 6 + 6, more: false });
    expect(store.db.prepare('SELECT DISTINCT bucket_ms FROM monitor_rollups').all()).toEqual([{ bucket_ms: DAY }]);
  });
});
