/**
 * Uptime per monitor over an analytics window (`analytics.summary`'s `monitors`): from the rollups
 * of the hours that start inside the window (the hour holding the window's start counts whole): whole
 * days from their daily rows, the hours at either end from hourly ones, so 90 days of 2,000 monitors
 * are a few hundred thousand rows, not millions. Worst first: the monitors
 * a person should look at lead the table; monitors with no counted check come last.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { MonitorUptimeRow } from '../../shared/api-results.ts';
import { HOUR, rollupTotals } from '../monitors/rollup-sums.ts';

/** byName is made on first use: a collator loads ICU's locale data, megabytes a server that is never asked keeps for nothing. */
let byName: Intl.Collator | undefined;

/** monitorUptime answers each monitor's checks and uptime between from and to, for one service or all. */
export function monitorUptime(db: DatabaseSync, from: number, to: number, serviceId?: number): MonitorUptimeRow[] {
  const byService = serviceId === undefined ? '' : ' WHERE service_id = ?';
  const q = db.prepare(`SELECT id, name, service_id FROM monitors${byService}`);
  const monitors = (serviceId === undefined ? q.all() : q.all(serviceId)) as Array<{ id: number; name: string; service_id: number }>;
  // Whole days from daily rollups, the hours at either end from hourly ones (rollup-sums.ts).
  const [totals] = rollupTotals(db, [{ from: Math.floor(from / HOUR) * HOUR, to }]);
  return monitors
    .map((m) => {
      const t = totals!.get(Number(m.id));
      const checks = t ? t.checks : 0;
      const counted = t ? checks - t.unknown : 0;
      return {
        monitorId: Number(m.id),
        name: String(m.name),
        serviceId: Number(m.service_id),
        checks,
        down: t ? t.down : 0,
        uptime: t && counted > 0 ? (t.up + t.degraded) / counted : null,
      };
    })
    .sort((a, b) => (a.uptime ?? 2) - (b.uptime ?? 2) || (byName ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true })).compare(a.name, b.name) || a.monitorId - b.monitorId);
}
