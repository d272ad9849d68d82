/**
 * Analytics' uptime per monitor (analytics/monitor-uptime.ts): from the rollups inside the
 * window, for all services or the one picked, worst first, degraded counting as up and unknown checks
 * not counted; a monitor with no check in the window says so (null) and comes last.
 */
import { describe, expect, it } from 'vitest';
import { computeAnalytics } from '../../../electron/engine/analytics/mta-mtr.ts';
import { Store } from '../../../electron/engine/store/database.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T12:00:00Z');

function fixture() {
  const store = new Store(':memory:');
  const db = store.db;
  db.prepare("INSERT INTO escalation_policies (name, description, levels_json, repeat_count) VALUES ('Default', '', '[]', 0)").run();
  const service = (name: string) =>
    Number(db.prepare(`INSERT INTO services (name, description, escalation_policy_id, urgency_rule_json, ack_timeout_minutes, auto_resolve_minutes, maintenance_json, enabled) VALUES (?, '', 1, '{"type":"constant","urgency":"high"}', 30, 240, '[]', 1)`).run(name).lastInsertRowid);
  const monitor = (name: string, serviceId: number) =>
    Number(db.prepare("INSERT INTO monitors (name, kind, service_id, config_json, settings_json, enabled, created_at) VALUES (?, 'http', ?, '{}', '{}', 1, 0)").run(name, serviceId).lastInsertRowid);
  /** hour counts checks into an hour and its UTC day, as the engine's result store does. */
  const hour = (monitorId: number, start: number, c: { up?: number; degraded?: number; down?: number; unknown?: number }) => {
    const up = c.up ?? 0, degraded = c.degraded ?? 0, down = c.down ?? 0, unknown = c.unknown ?? 0;
    const add = db.prepare(`INSERT INTO monitor_rollups (monitor_id, bucket_ms, start, checks, up, degraded, down, unknown, latency_count, latency_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
      ON CONFLICT (monitor_id, bucket_ms, start) DO UPDATE SET checks = checks + excluded.checks, up = up + excluded.up, degraded = degraded + excluded.degraded, down = down + excluded.down, unknown = unknown + excluded.unknown`);
    for (const bucket of [HOUR, DAY]) add.run(monitorId, bucket, Math.floor(start / bucket) * bucket, up + degraded + down + unknown, up, degraded, down, unknown);
  };
  return { db, service, monitor, hour };
}

describe('uptime per monitor in analytics', () => {
  it('counts the window\'s hours only, worst first, for all services or one', () => {
    const f = fixture();
    const blog = f.service('Blog');
    const shop = f.service('Shop');
    const home = f.monitor('Blog home', blog);
    const checkout = f.monitor('Checkout', shop);
    f.monitor('New heartbeat', shop);
    // Inside the last 7 days: Blog home 358 up + 2 degraded of 360 counted (1 unknown not counted); Checkout 90 of 100.
    f.hour(home, NOW - 2 * HOUR, { up: 358, degraded: 2, unknown: 1 });
    f.hour(checkout, NOW - 3 * HOUR, { up: 90, down: 10 });
    // Before the window: not counted.
    f.hour(checkout, NOW - 10 * 24 * HOUR, { down: 500 });

    const all = computeAnalytics(f.db, { window: '7d' }, NOW, 'UTC').monitors;
    expect(all.map((m) => [m.name, m.uptime, m.down, m.checks])).toEqual([
      ['Checkout', 0.9, 10, 100],
      ['Blog home', 1, 0, 361],
      ['New heartbeat', null, 0, 0],
    ]);
    const shopOnly = computeAnalytics(f.db, { window: '7d', serviceId: shop }, NOW, 'UTC').monitors;
    expect(shopOnly.map((m) => m.name)).toEqual(['Checkout', 'New heartbeat']);
    // A longer window reaches the old outage.
    const month = computeAnalytics(f.db, { window: '30d' }, NOW, 'UTC').monitors.find((m) => m.name === 'Checkout')!;
    expect(month.uptime).toBeCloseTo(90 / 600, 6);
  });
});
