import { describe, it, expect } from 'vitest';
import type { DatabaseSync } from 'node:sqlite';
import { Store } from '../../../electron/engine/store/database.ts';
import { computeAnalytics, localMidnight, percentile, summarize, weekStarts, windowBounds } from '../../../electron/engine/analytics/mta-mtr.ts';

const MIN = 60_000;
const at = (iso: string): number => Date.parse(iso);

interface IncidentFixture {
  serviceId: number;
  created: string;
  ackAfterMs?: number;
  resolveAfterMs?: number;
  resolvedBy?: 'me' | 'monitor' | 'api' | 'auto' | 'system';
}

/** A fresh in-memory store with one escalation policy; add services and incidents with plain SQL. */
function fixture() {
  const store = new Store(':memory:');
  const db: DatabaseSync = store.db;
  db.prepare("INSERT INTO escalation_policies (name, description, levels_json, repeat_count) VALUES ('Default', '', '[]', 0)").run();
  let number = 0;
  const addService = (name: string): number =>
    Number(
      db
        .prepare(
          `INSERT INTO services (name, description, escalation_policy_id, urgency_rule_json, ack_timeout_minutes, auto_resolve_minutes, maintenance_json, enabled)
           VALUES (?, '', 1, '{"type":"constant","urgency":"high"}', 30, 240, '[]', 1)`,
        )
        .run(name).lastInsertRowid,
    );
  const addIncident = (f: IncidentFixture): number => {
    number++;
    const created = at(f.created);
    const ackAt = f.ackAfterMs === undefined ? null : created + f.ackAfterMs;
    const resolvedAt = f.resolveAfterMs === undefined ? null : created + f.resolveAfterMs;
    const status = resolvedAt !== null ? 'resolved' : ackAt !== null ? 'acknowledged' : 'triggered';
    return Number(
      db
        .prepare(
          `INSERT INTO incidents (number, title, service_id, urgency, severity, status, dedup_key, created_at, acknowledged_at, resolved_at, resolved_by,
             snoozed_until, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
           VALUES (?, ?, ?, 'high', NULL, ?, ?, ?, ?, ?, ?, NULL, 1, 1, 1, 1, '{}', ?)`,
        )
        .run(number, `Incident ${number}`, f.serviceId, status, `key-${number}`, created, ackAt, resolvedAt, resolvedAt === null ? null : (f.resolvedBy ?? 'me'), resolvedAt ?? ackAt ?? created)
        .lastInsertRowid,
    );
  };
  const addLog = (incidentId: number, atMs: number, type: string, actor: string): void => {
    db.prepare("INSERT INTO log_entries (incident_id, at, type, actor, message, data_json) VALUES (?, ?, ?, ?, ?, '{}')").run(incidentId, atMs, type, actor, type);
  };
  return { store, db, addService, addIncident, addLog };
}

// The main fixture: '7d' ending 2026-04-15 12:00 UTC (a Wednesday), so the window is [2026-04-08T12:00Z, 2026-04-15T12:00Z).
const NOW = at('2026-04-15T12:00:00Z');

function mainFixture() {
  const f = fixture();
  // Beta is created first (lower id) to show that slices are ordered by name, not id.
  const beta = f.addService('Beta DB');
  const alpha = f.addService('Alpha API');
  // #1 Alpha, normal, created exactly at `from` (inclusive): MTA 60 s, MTR 600 s.
  f.addIncident({ serviceId: alpha, created: '2026-04-08T12:00:00Z', ackAfterMs: 60_000, resolveAfterMs: 600_000 });
  // #2 Alpha, re-triggered: acked at +2 min, ack timeout re-triggers at +32 min, acked again at +40 min,
  // resolved at +50 min. acknowledged_at stays at the first ack: MTA 120 s, MTR 3000 s.
  const retrig = f.addIncident({ serviceId: alpha, created: '2026-04-13T00:00:00Z', ackAfterMs: 2 * MIN, resolveAfterMs: 50 * MIN });
  const c2 = at('2026-04-13T00:00:00Z');
  f.addLog(retrig, c2, 'trigger', 'monitor');
  f.addLog(retrig, c2 + 2 * MIN, 'acknowledge', 'me');
  f.addLog(retrig, c2 + 32 * MIN, 'unacknowledge', 'system');
  f.addLog(retrig, c2 + 40 * MIN, 'acknowledge', 'me');
  f.addLog(retrig, c2 + 50 * MIN, 'resolve', 'me');
  // #3 Alpha, acked at +300 s then auto-resolved at +2 h: MTA 300 s; no MTR; autoResolved.
  f.addIncident({ serviceId: alpha, created: '2026-04-13T10:00:00Z', ackAfterMs: 300_000, resolveAfterMs: 7_200_000, resolvedBy: 'auto' });
  // #4 Beta, never acked, resolved by its monitor at +900 s: no MTA (neverAcknowledged); MTR 900 s.
  f.addIncident({ serviceId: beta, created: '2026-04-09T08:00:00Z', resolveAfterMs: 900_000, resolvedBy: 'monitor' });
  // #5 Beta, still triggered: neverAcknowledged and open.
  f.addIncident({ serviceId: beta, created: '2026-04-14T09:00:00Z' });
  // #6 Beta, acked at +30.75 s and still open: MTA 30.75 s; open.
  f.addIncident({ serviceId: beta, created: '2026-04-15T11:00:00Z', ackAfterMs: 30_750 });
  // #7 Alpha, before the window; #8 Beta, exactly at `to` (exclusive): both left out.
  f.addIncident({ serviceId: alpha, created: '2026-04-01T10:00:00Z', ackAfterMs: 1_000, resolveAfterMs: 2_000 });
  f.addIncident({ serviceId: beta, created: '2026-04-15T12:00:00Z', ackAfterMs: 1_000 });
  return { ...f, alpha, beta };
}

const none = { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
const one = (s: number) => ({ count: 1, meanSeconds: s, medianSeconds: s, p90Seconds: s });

describe('summarize and percentile', () => {
  it('gives nulls for no values', () => {
    expect(summarize([])).toEqual(none);
    expect(percentile([], 90)).toBeNull();
  });

  it('uses nearest rank on 10 values', () => {
    // Sorted 1..10; mean 55/10 = 5.5; median rank ceil(0.5 × 10) = 5 → 5; p90 rank ceil(0.9 × 10) = 9 → 9.
    expect(summarize([5, 1, 9, 3, 7, 10, 2, 8, 4, 6])).toEqual({ count: 10, meanSeconds: 5.5, medianSeconds: 5, p90Seconds: 9 });
  });

  it('uses nearest rank on 11 values and keeps a fractional mean', () => {
    // Sorted 1..11; mean 66/11 = 6; median rank ceil(5.5) = 6 → 6; p90 rank ceil(9.9) = 10 → 10.
    expect(summarize([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ count: 11, meanSeconds: 6, medianSeconds: 6, p90Seconds: 10 });
    // Mean of 1, 2 is 1.5 (not rounded); median rank ceil(1) = 1 → 1; p90 rank ceil(1.8) = 2 → 2.
    expect(summarize([2, 1])).toEqual({ count: 2, meanSeconds: 1.5, medianSeconds: 1, p90Seconds: 2 });
    expect(percentile([1, 2, 3], 100)).toBe(3);
    expect(percentile([1, 2, 3], 1)).toBe(1);
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    summarize(input);
    expect(input).toEqual([3, 1, 2]);
  });
});

describe('computeAnalytics', () => {
  it('applies the MTA and MTR rules over the last 7 days', () => {
    const { store } = mainFixture();
    const r = computeAnalytics(store.db, { window: '7d' }, NOW, 'UTC');
    expect(r.from).toBe('2026-04-08T12:00:00.000Z');
    expect(r.to).toBe('2026-04-15T12:00:00.000Z');
    // In the window: #1..#6.
    // MTA over #1, #2, #3, #6 = 60, 120, 300, 30.75 → sorted 30.75, 60, 120, 300; mean 510.75 / 4 = 127.6875;
    // median rank ceil(2) = 2 → 60; p90 rank ceil(3.6) = 4 → 300. Never acked: #4, #5.
    // MTR over #1, #2, #4 = 600, 3000, 900 → sorted 600, 900, 3000; mean 4500 / 3 = 1500;
    // median rank ceil(1.5) = 2 → 900; p90 rank ceil(2.7) = 3 → 3000. Auto-resolved: #3. Open: #5, #6.
    expect(r.overall).toMatchObject({
      incidents: 6,
      neverAcknowledged: 2,
      autoResolved: 1,
      open: 2,
      mta: { count: 4, meanSeconds: 127.6875, medianSeconds: 60, p90Seconds: 300 },
      mtr: { count: 3, meanSeconds: 1500, medianSeconds: 900, p90Seconds: 3000 },
    });
    store.close();
  });

  it('counts a re-triggered incident once, with its first acknowledgement', () => {
    const { store, alpha } = mainFixture();
    const r = computeAnalytics(store.db, { window: { from: '2026-04-13T00:00:00Z', to: '2026-04-13T00:00:01Z' }, serviceId: alpha }, NOW, 'UTC');
    // Only #2: MTA 120 s (first ack at +2 min, not the +40 min re-ack), MTR 3000 s.
    expect(r.overall).toMatchObject({ incidents: 1, neverAcknowledged: 0, autoResolved: 0, open: 0, mta: one(120), mtr: one(3000) });
    store.close();
  });

  it('splits by service, ordered by name', () => {
    const { store, alpha, beta } = mainFixture();
    const r = computeAnalytics(store.db, { window: '7d' }, NOW, 'UTC');
    expect(r.services.map((s) => [s.serviceId, s.serviceName])).toEqual([
      [alpha, 'Alpha API'],
      [beta, 'Beta DB'],
    ]);
    // Alpha: #1, #2, #3. MTA 60, 120, 300 → mean 160, median rank 2 → 120, p90 rank ceil(2.7) = 3 → 300.
    // MTR 600, 3000 (#3 is auto) → mean 1800, median rank 1 → 600, p90 rank ceil(1.8) = 2 → 3000.
    expect(r.services[0]).toMatchObject({
      incidents: 3,
      neverAcknowledged: 0,
      autoResolved: 1,
      open: 0,
      mta: { count: 3, meanSeconds: 160, medianSeconds: 120, p90Seconds: 300 },
      mtr: { count: 2, meanSeconds: 1800, medianSeconds: 600, p90Seconds: 3000 },
    });
    // Beta: #4, #5, #6. MTA 30.75 (#6); MTR 900 (#4); never acked #4, #5; open #5, #6.
    expect(r.services[1]).toMatchObject({ incidents: 3, neverAcknowledged: 2, autoResolved: 0, open: 2, mta: one(30.75), mtr: one(900) });
    store.close();
  });

  it('narrows to one service', () => {
    const { store, beta } = mainFixture();
    const r = computeAnalytics(store.db, { window: '7d', serviceId: beta }, NOW, 'UTC');
    expect(r.services).toHaveLength(1);
    expect(r.services[0]?.serviceName).toBe('Beta DB');
    const { serviceId: _id, serviceName: _name, ...slice } = r.services[0]!;
    expect(r.overall).toEqual(slice);
    expect(r.overall).toMatchObject({ incidents: 3, mta: one(30.75), mtr: one(900) });
    store.close();
  });

  it('builds weekly buckets from Monday 00:00', () => {
    const { store } = mainFixture();
    const r = computeAnalytics(store.db, { window: '7d' }, NOW, 'UTC');
    // The window starts on Wednesday 2026-04-08, so the first week is Monday 2026-04-06; the next is 2026-04-13.
    // Week 1: #1, #4. MTA 60 (#1). MTR 600, 900 → mean 750, median rank 1 → 600, p90 rank ceil(1.8) = 2 → 900.
    // Week 2: #2 (at Monday 00:00 exactly), #3, #5, #6. MTA 120, 300, 30.75 → sorted 30.75, 120, 300;
    // mean 450.75 / 3 = 150.25; median rank 2 → 120; p90 rank ceil(2.7) = 3 → 300. MTR 3000 (#2).
    expect(r.overall.weekly).toEqual([
      { weekStart: '2026-04-06T00:00:00.000Z', incidents: 2, mta: one(60), mtr: { count: 2, meanSeconds: 750, medianSeconds: 600, p90Seconds: 900 } },
      { weekStart: '2026-04-13T00:00:00.000Z', incidents: 4, mta: { count: 3, meanSeconds: 150.25, medianSeconds: 120, p90Seconds: 300 }, mtr: one(3000) },
    ]);
    // Beta alone: week 1 has #4 (never acked, MTR 900); week 2 has #5, #6 (MTA 30.75, both open).
    expect(r.services[1]?.weekly).toEqual([
      { weekStart: '2026-04-06T00:00:00.000Z', incidents: 1, mta: none, mtr: one(900) },
      { weekStart: '2026-04-13T00:00:00.000Z', incidents: 2, mta: one(30.75), mtr: none },
    ]);
    store.close();
  });

  it('takes a custom window as [from, to), with offsets', () => {
    const { store } = mainFixture();
    // 2026-04-13T02:00+02:00 is 2026-04-13T00:00Z: #2 (at from, included) and #3; #5 is after `to`.
    const r = computeAnalytics(store.db, { window: { from: '2026-04-13T02:00:00+02:00', to: '2026-04-14T00:00:00Z' } }, NOW, 'UTC');
    expect(r.from).toBe('2026-04-13T00:00:00.000Z');
    expect(r.to).toBe('2026-04-14T00:00:00.000Z');
    // MTA 120, 300 → mean 210, median rank 1 → 120, p90 rank ceil(1.8) = 2 → 300. MTR 3000 (#3 is auto).
    expect(r.overall).toMatchObject({
      incidents: 2,
      neverAcknowledged: 0,
      autoResolved: 1,
      open: 0,
      mta: { count: 2, meanSeconds: 210, medianSeconds: 120, p90Seconds: 300 },
      mtr: one(3000),
    });
    expect(r.overall.weekly.map((w) => w.weekStart)).toEqual(['2026-04-13T00:00:00.000Z']);
    store.close();
  });

  it('gives median and p90 by nearest rank over 10 incidents', () => {
    const f = fixture();
    const svc = f.addService('Web');
    // Acknowledged after 10, 20, ..., 100 s and resolved after 100, 200, ..., 1000 s.
    for (let i = 1; i <= 10; i++) f.addIncident({ serviceId: svc, created: `2026-04-10T0${i % 10}:00:00Z`, ackAfterMs: i * 10_000, resolveAfterMs: i * 100_000 });
    const r = computeAnalytics(f.db, { window: '7d' }, NOW, 'UTC');
    // MTA: mean 550 / 10 = 55, median rank 5 → 50, p90 rank 9 → 90. MTR: mean 550, median 500, p90 900.
    expect(r.overall.mta).toEqual({ count: 10, meanSeconds: 55, medianSeconds: 50, p90Seconds: 90 });
    expect(r.overall.mtr).toEqual({ count: 10, meanSeconds: 550, medianSeconds: 500, p90Seconds: 900 });
    f.store.close();
  });

  it('returns empty slices and zero weeks when nothing happened', () => {
    const f = fixture();
    const r = computeAnalytics(f.db, { window: '7d' }, NOW, 'UTC');
    expect(r.services).toEqual([]);
    expect(r.overall).toMatchObject({ incidents: 0, neverAcknowledged: 0, autoResolved: 0, open: 0, mta: none, mtr: none });
    expect(r.overall.weekly.map((w) => [w.weekStart, w.incidents])).toEqual([
      ['2026-04-06T00:00:00.000Z', 0],
      ['2026-04-13T00:00:00.000Z', 0],
    ]);
    f.store.close();
  });

  it('buckets weeks in the profile zone across a DST change, keeping empty weeks', () => {
    const f = fixture();
    const svc = f.addService('Web');
    // Europe/Paris moves from +01:00 to +02:00 on Sunday 2026-03-29 at 02:00 local (01:00Z).
    // Mondays 00:00 local: 03-09, 03-16, 03-23 at 23:00Z the day before (+01:00); 03-30, 04-06, 04-13 at 22:00Z (+02:00).
    f.addIncident({ serviceId: svc, created: '2026-03-11T12:00:00Z', ackAfterMs: 60_000 }); // week of 03-09
    f.addIncident({ serviceId: svc, created: '2026-03-29T21:59:59Z', ackAfterMs: 120_000 }); // Sun 23:59:59 +02:00: week of 03-23
    f.addIncident({ serviceId: svc, created: '2026-03-29T22:30:00Z', ackAfterMs: 180_000 }); // Mon 00:30 +02:00: week of 03-30 (a 7 × 24 h step would say 03-23)
    f.addIncident({ serviceId: svc, created: '2026-04-14T08:00:00Z', ackAfterMs: 240_000 }); // week of 04-13
    const r = computeAnalytics(f.db, { window: { from: '2026-03-10T00:00:00Z', to: '2026-04-15T00:00:00Z' } }, NOW, 'Europe/Paris');
    expect(r.overall.weekly.map((w) => [w.weekStart, w.incidents, w.mta.meanSeconds])).toEqual([
      ['2026-03-08T23:00:00.000Z', 1, 60],
      ['2026-03-15T23:00:00.000Z', 0, null],
      ['2026-03-22T23:00:00.000Z', 1, 120],
      ['2026-03-29T22:00:00.000Z', 1, 180],
      ['2026-04-05T22:00:00.000Z', 0, null],
      ['2026-04-12T22:00:00.000Z', 1, 240],
    ]);
    f.store.close();
  });
});

describe('windows and weeks', () => {
  it('reads preset windows as whole 24 h days back from now', () => {
    expect(windowBounds('7d', NOW)).toEqual({ from: NOW - 7 * 86_400_000, to: NOW });
    expect(windowBounds('30d', NOW)).toEqual({ from: NOW - 30 * 86_400_000, to: NOW });
    expect(windowBounds('90d', NOW)).toEqual({ from: NOW - 90 * 86_400_000, to: NOW });
  });

  it('finds Monday midnight after the autumn change too', () => {
    // Paris leaves +02:00 on Sunday 2026-10-25: Monday 10-19 00:00 is 10-18T22:00Z, Monday 10-26 00:00 is 10-25T23:00Z.
    expect(weekStarts(at('2026-10-20T00:00:00Z'), at('2026-10-27T00:00:00Z'), 'Europe/Paris').map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-18T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ]);
    // An instant in the first local hour of a Monday belongs to that Monday's week.
    expect(weekStarts(at('2026-10-25T23:00:00Z'), at('2026-10-25T23:00:01Z'), 'Europe/Paris')).toEqual([at('2026-10-25T23:00:00Z')]);
  });

  it('starts a day at the DST jump when its midnight does not exist, and at the first midnight when it repeats', () => {
    // Chile skips from 00:00 to 01:00 on 2026-09-06: the day starts at 01:00 -03:00 = 04:00Z.
    expect(localMidnight(2026, 9, 6, 'America/Santiago')).toBe(at('2026-09-06T04:00:00Z'));
    // Cuba goes back from 01:00 to 00:00 on 2026-11-01: the first midnight is 00:00 -04:00 = 04:00Z.
    expect(localMidnight(2026, 11, 1, 'America/Havana')).toBe(at('2026-11-01T04:00:00Z'));
    // Day numbers past the month's end roll over, and a zone east of UTC starts the day the evening before.
    expect(localMidnight(2026, 3, 32, 'Asia/Kathmandu')).toBe(at('2026-03-31T18:15:00Z'));
  });
});
