/**
 * MTA (mean time to acknowledge) and MTR (mean time to resolve), overall, per service and per week.
 *
 * Definitions (also in docs/analytics.md):
 * - Window: '7d', '30d' and '90d' are [now - N × 24 h, now); a custom window {from, to} is [from, to).
 *   An incident is in the window when its `created_at` is in it.
 * - MTA = acknowledged_at - created_at over the incidents in the window that were ever acknowledged.
 *   `acknowledged_at` is the first acknowledgement, so an incident re-triggered by an ack timeout or a
 *   snooze and acknowledged again counts once, with its first acknowledgement. Incidents never
 *   acknowledged (resolved without an ack, or still open and unacknowledged) are left out of MTA and
 *   counted in `neverAcknowledged`.
 * - MTR = resolved_at - created_at over the resolved incidents in the window, except those resolved
 *   by Standby itself (resolved_by = 'auto', the service's auto-resolve timeout), which say nothing
 *   about the responder's speed: they are counted in `autoResolved`. Open incidents (status not
 *   'resolved') are counted in `open` and left out of MTR.
 * - Each metric gives count, mean, median and p90 in seconds; median and p90 are nearest-rank (the
 *   p-th percentile of n sorted values is the value at rank ceil(p/100 × n)); all null when count is 0.
 *   The mean is not rounded.
 * - `incidents` counts the incidents created in the window (in the slice's scope).
 * - Weekly series: weeks start on Monday 00:00 wall time in the profile's time zone (a week across a
 *   DST change is 167 or 169 hours long; a day whose midnight does not exist starts at the DST jump).
 *   Every week overlapping the window has a point, in order, with zero incidents when empty;
 *   `weekStart` is the UTC instant of that Monday midnight. Each week uses the rules above.
 * - `overall` covers all services (or only `serviceId` when given); `services` has one slice per
 *   service with at least one incident in the window, ordered by name.
 *
 * One indexed range query on `incidents.created_at` reads the window; the rest is done in memory.
 */
import type { DatabaseSync } from 'node:sqlite';
import { monitorUptime } from './monitor-uptime.ts';
import type { AnalyticsSlice, AnalyticsSummary, AnalyticsWeek, AnalyticsWindow, ApiArgs, MetricSummary } from '../../shared/api.ts';

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
const WINDOW_DAYS: Record<'7d' | '30d' | '90d', number> = { '7d': 7, '30d': 30, '90d': 90 };

/** windowBounds turns an analytics window into epoch milliseconds [from, to). */
export function windowBounds(window: AnalyticsWindow, now: number): { from: number; to: number } {
  if (typeof window === 'string') return { from: now - WINDOW_DAYS[window] * DAY_MS, to: now };
  return { from: Date.parse(window.from), to: Date.parse(window.to) };
}

/** percentile gives the nearest-rank p-th percentile (0 < p ≤ 100) of values sorted ascending, or null when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  // p * n is an exact integer for integer p, so the division rounds once and ceil never overshoots.
  const rank = Math.min(n, Math.max(1, Math.ceil((p * n) / 100)));
  return sorted[rank - 1] ?? null;
}

/** summaryOf summarizes `durations`, each divided by `unit` (1000 turns ms into seconds). */
function summaryOf(durations: readonly number[], unit: number): MetricSummary {
  const count = durations.length;
  if (count === 0) return { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
  // A typed array sorts numerically without a comparator, several times faster on 100k values.
  const values = Float64Array.from(durations).sort();
  let sum = 0;
  for (const v of values) sum += v;
  // Summing integer milliseconds is exact; dividing once keeps the mean at full precision.
  return {
    count,
    meanSeconds: sum / (count * unit),
    medianSeconds: (percentile(values, 50) ?? 0) / unit,
    p90Seconds: (percentile(values, 90) ?? 0) / unit,
  };
}

/** summarize gives count, mean, nearest-rank median and p90 of durations in seconds (nulls when empty). */
export function summarize(durationsSeconds: readonly number[]): MetricSummary {
  return summaryOf(durationsSeconds, 1);
}

// ---------------------------------------------------------------------------------------------
// Wall time in a time zone.

const wallFormatters = new Map<string, Intl.DateTimeFormat>();

/** wallClock gives an instant's local wall time in a zone, written as if it were UTC (whole seconds). */
function wallClock(ms: number, timeZone: string): number {
  let f = wallFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** offsetAt gives a zone's UTC offset in ms at an instant. */
function offsetAt(ms: number, timeZone: string): number {
  return wallClock(ms, timeZone) - (ms - (((ms % SECOND_MS) + SECOND_MS) % SECOND_MS));
}

/**
 * localMidnight gives the first instant of a local calendar day (month 1-12; days past the month's end
 * roll over) in a time zone: the earlier one when midnight happens twice, the DST jump when it never does.
 */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // The offset in force at midnight is one of the offsets within a day of it.
  const candidates = [wall - DAY_MS, wall, wall + DAY_MS].map((probe) => wall - offsetAt(probe, timeZone));
  const exact = candidates.filter((t) => wallClock(t, timeZone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // Midnight falls in a DST gap: the day starts at the first second whose wall time is past midnight.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** weekStarts lists the start (Monday 00:00 in the time zone) of every week overlapping [from, to), in order. */
export function weekStarts(from: number, to: number, timeZone: string): number[] {
  if (!(to > from)) return [];
  const local = new Date(wallClock(from, timeZone));
  const daysSinceMonday = (local.getUTCDay() + 6) % 7;
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const monday = local.getUTCDate() - daysSinceMonday;
  const starts: number[] = [];
  for (let week = 0; ; week++) {
    const start = localMidnight(year, month, monday + 7 * week, timeZone);
    if (start >= to) return starts;
    starts.push(start);
  }
}

/** weekIndex finds the week containing t: the last start at or before it (starts ascending, starts[0] ≤ t). */
function weekIndex(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? Infinity) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Accumulation.

/** One incident as read: rows come back as arrays, several times faster than objects in node:sqlite. */
type IncidentRow = [serviceId: number, createdAt: number, acknowledgedAt: number | null, resolvedAt: number | null, resolvedBy: string | null, status: string];
const COLUMNS = 'service_id, created_at, acknowledged_at, resolved_at, resolved_by, status';

/** Durations in ms of one scope (a slice or one of its weeks). */
interface Bucket {
  incidents: number;
  ackMs: number[];
  resolveMs: number[];
}

interface Scope extends Bucket {
  neverAcknowledged: number;
  autoResolved: number;
  open: number;
  weeks: Bucket[];
}

const newBucket = (): Bucket => ({ incidents: 0, ackMs: [], resolveMs: [] });

function newScope(weeks: number): Scope {
  return { ...newBucket(), neverAcknowledged: 0, autoResolved: 0, open: 0, weeks: Array.from({ length: weeks }, newBucket) };
}

/** add counts one incident in a scope and its week, applying the MTA and MTR rules. */
function add(scope: Scope, week: number, [, createdAt, acknowledgedAt, resolvedAt, resolvedBy, status]: IncidentRow): void {
  const w = scope.weeks[week];
  scope.incidents++;
  if (w) w.incidents++;
  if (acknowledgedAt === null) {
    scope.neverAcknowledged++;
  } else {
    const ms = acknowledgedAt - createdAt;
    scope.ackMs.push(ms);
    w?.ackMs.push(ms);
  }
  if (status !== 'resolved') {
    scope.open++;
  } else if (resolvedBy === 'auto') {
    scope.autoResolved++;
  } else if (resolvedAt !== null) {
    const ms = resolvedAt - createdAt;
    scope.resolveMs.push(ms);
    w?.resolveMs.push(ms);
  }
}

function toSlice(scope: Scope, starts: readonly number[]): AnalyticsSlice {
  const weekly: AnalyticsWeek[] = scope.weeks.map((w, i) => ({
    weekStart: new Date(starts[i] ?? 0).toISOString(),
    incidents: w.incidents,
    mta: summaryOf(w.ackMs, SECOND_MS),
    mtr: summaryOf(w.resolveMs, SECOND_MS),
  }));
  return {
    incidents: scope.incidents,
    neverAcknowledged: scope.neverAcknowledged,
    autoResolved: scope.autoResolved,
    open: scope.open,
    mta: summaryOf(scope.ackMs, SECOND_MS),
    mtr: summaryOf(scope.resolveMs, SECOND_MS),
    weekly,
  };
}

/** byName is made on first use: a collator loads ICU's locale data, megabytes a server that is never asked keeps for nothing. */
let byName: Intl.Collator | undefined;

/**
 * computeAnalytics answers `analytics.summary`: MTA and MTR over the window, overall and per service,
 * with a weekly series whose weeks start on Monday 00:00 in `timeZone` (the profile's IANA zone).
 */
export function computeAnalytics(db: DatabaseSync, args: ApiArgs<'analytics.summary'>, now: number, timeZone: string): AnalyticsSummary {
  const { from, to } = windowBounds(args.window, now);
  const starts = weekStarts(from, to, timeZone);
  const byService = args.serviceId === undefined ? '' : ' AND service_id = ?';
  const query = db.prepare(`SELECT ${COLUMNS} FROM incidents WHERE created_at >= ? AND created_at < ?${byService}`);
  query.setReturnArrays(true);
  const rows = (args.serviceId === undefined ? query.all(from, to) : query.all(from, to, args.serviceId)) as unknown as IncidentRow[];

  const overall = newScope(starts.length);
  const perService = new Map<number, Scope>();
  for (const r of rows) {
    const week = weekIndex(starts, r[1]);
    add(overall, week, r);
    let scope = perService.get(r[0]);
    if (!scope) {
      scope = newScope(starts.length);
      perService.set(r[0], scope);
    }
    add(scope, week, r);
  }

  const names = new Map<number, string>();
  if (perService.size > 0) {
    for (const s of db.prepare('SELECT id, name FROM services').all() as unknown as Array<{ id: number; name: string }>) names.set(s.id, s.name);
  }
  const services = [...perService.entries()]
    .map(([serviceId, scope]) => ({ serviceId, serviceName: names.get(serviceId) ?? `Service ${serviceId}`, ...toSlice(scope, starts) }))
    .sort((a, b) => (byName ??= new Intl.Collator('en', { numeric: true })).compare(a.serviceName, b.serviceName) || a.serviceId - b.serviceId);

  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), overall: toSlice(overall, starts), services, monitors: monitorUptime(db, from, to, args.serviceId) };
}
