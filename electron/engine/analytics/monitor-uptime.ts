/**
 * Uptime per monitor over an analytics window (`analytics.summary`'s `monitors`): from the hourly
 * rollups whose hour starts inside the window (the hour holding the window's start counts whole), so
 * 100,000 check results cost one grouped query over a few thousand rows. Worst first: the monitors
 * a person should look at lead the table; monitors with no counted check come last.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { MonitorUptimeRow } from '../../shared/api-results.ts';

const HOUR = 3_600_000;
/** byName is made on first use: a collator loads ICU's locale data, megabytes a server that is never asked keeps for nothing. */
let byName: Intl.Collator | undefined;

/** monitorUptime answers each monitor's checks and uptime between from and to, for one service or all. */
export function monitorUptime(db: DatabaseSync, from: number, to: number, serviceId?: number): MonitorUptimeRow[] {
  const byService = serviceId === undefined ? '' : ' WHERE m.service_id = ?';
  const q = db.prepare(`
    SELECT m.id AS id, m.name AS name, m.service_id AS service_id,
           COALESCE(SUM(r.checks), 0) AS checks, COALESCE(SUM(r.up), 0) AS up, COALESCE(SUM(r.degraded), 0) AS degraded,
           COALESCE(SUM(r.down), 0) AS down, COALESCE(SUM(r.unknown), 0) AS unknown
    FROM monitors m
    LEFT JOIN monitor_rollups r ON r.monitor_id = m.id AND r.bucket_ms = ? AND r.start >= ? AND r.start < ?${byService}
    GROUP BY m.id`);
  const start = Math.floor(from / HOUR) * HOUR;
  const rows = (serviceId === undefined ? q.all(HOUR, start, to) : q.all(HOUR, start, to, serviceId)) as Array<Record<string, number | string>>;
  return rows
    .map((r) => {
      const checks = Number(r.checks);
      const counted = checks - Number(r.unknown);
      return {
        monitorId: Number(r.id),
        name: String(r.name),
        serviceId: Number(r.service_id),
        checks,
        down: Number(r.down),
        uptime: counted > 0 ? (Number(r.up) + Number(r.degraded)) / counted : null,
      };
    })
    .sort((a, b) => (a.uptime ?? 2) - (b.uptime ?? 2) || (byName ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true })).compare(a.name, b.name) || a.monitorId - b.monitorId);
}
