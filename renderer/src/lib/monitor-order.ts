/**
 * The monitor list's order and filters, as a person on call reads it: what is down comes first, then
 * what is degraded, then what cannot be told (unknown, not checked yet), then what is up, then what is
 * paused; by name within each. The filters pick one status (All, Down, Degraded, Up, Paused). And a
 * monitor's recent checks, newest first, as they arrive.
 */
import type { MonitorRow } from '../../../electron/shared/monitor-rows.ts';
import type { CheckResult, MonitorStatus } from '../../../electron/shared/monitor-schemas.ts';

/** MonitorFilter is the status the list shows, or all. */
export type MonitorFilter = 'all' | 'down' | 'degraded' | 'up' | 'paused';

/** MONITOR_FILTERS are the list's filters with their labels, in the order shown. */
export const MONITOR_FILTERS: ReadonlyArray<{ id: MonitorFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'down', label: 'Down' },
  { id: 'degraded', label: 'Degraded' },
  { id: 'up', label: 'Up' },
  { id: 'paused', label: 'Paused' },
];

/** STATUS_RANK places each status in the list: down first, paused last. */
const STATUS_RANK: Record<MonitorStatus, number> = { down: 0, degraded: 1, unknown: 2, pending: 3, up: 4, paused: 5 };

/** orderMonitors is the list as shown: those the filter keeps, down and degraded first, then by name. */
export function orderMonitors<M extends Pick<MonitorRow, 'id' | 'name' | 'status'>>(list: readonly M[], filter: MonitorFilter): M[] {
  return list
    .filter((m) => filter === 'all' || m.status === filter)
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name) || a.id - b.id);
}

/** filterCounts is how many monitors each filter shows. */
export function filterCounts(list: readonly Pick<MonitorRow, 'status'>[]): Record<MonitorFilter, number> {
  const counts: Record<MonitorFilter, number> = { all: list.length, down: 0, degraded: 0, up: 0, paused: 0 };
  for (const m of list) if (m.status !== 'pending' && m.status !== 'unknown') counts[m.status]++;
  return counts;
}

/** newestFirst merges two lists of checks, newest first, each check once (by its time), at most `limit`. */
export function newestFirst(a: readonly CheckResult[], b: readonly CheckResult[], limit: number): CheckResult[] {
  const seen = new Set<string>();
  return [...a, ...b]
    .sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0))
    .filter((c) => !seen.has(c.at) && seen.add(c.at))
    .slice(0, limit);
}
