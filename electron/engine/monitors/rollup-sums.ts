/**
 * Every monitor's rollup totals over spans of time, read from as few rollup rows as the spans allow.
 * Each check is counted into its hour and its UTC day (results.ts), so a span's whole days are read
 * from their daily rows and only its partial days, at either end, from hourly ones: a 90-day window
 * is about 90 + 48 rows per monitor instead of 2,160. Each piece is one range of the rollups' primary
 * key (monitor, bucket, start) per monitor, and pieces that spans share (the hours of today, the days
 * a 7-day window shares with a 30-day one) are read once.
 *
 * At 2,000 monitors after 90 days, the monitor list's uptime read the hourly rows of every window
 * (4.5 million rows, each window scanning the whole table: 19 to 26 s here, and node:sqlite
 * holds the event loop meanwhile, so checks and inbound alerts waited); bench/uptime.bench.ts.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** HOUR and DAY are the rollup bucket sizes in ms (results.ts writes the rollups with them and re-exports them). */
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** RollupTotals are one monitor's rollup columns summed over a span (min and max over it; null without latency). */
export interface RollupTotals {
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  latency_count: number;
  latency_sum: number;
  latency_min: number | null;
  latency_max: number | null;
}

/** Span is a period of hourly buckets: those whose hour starts at or after `from` (whole hours) and before `to` (without `to`: up to now and beyond). */
export interface Span {
  from: number;
  to?: number;
}

/** OPEN_END stands for a span without an end (a bound SQLite compares exactly). */
const OPEN_END = Number.MAX_SAFE_INTEGER;

/** Piece is one range of one bucket size: the rows whose start is in [from, to). */
interface Piece {
  bucket: number;
  from: number;
  to: number;
}

/** piecesOf splits a span into hours before its first whole day, its whole UTC days, and hours after them. */
export function piecesOf(span: Span): Piece[] {
  const from = Math.floor(span.from / HOUR) * HOUR;
  const to = span.to ?? OPEN_END;
  const firstDay = Math.ceil(from / DAY) * DAY;
  // A day counts whole when each of its hours starts before `to`; then all of them are in the span.
  const endDay = span.to === undefined ? OPEN_END : Math.floor((span.to - 1 + HOUR) / DAY) * DAY;
  if (firstDay >= endDay) return [{ bucket: HOUR, from, to }];
  return [
    { bucket: HOUR, from, to: firstDay },
    { bucket: DAY, from: firstDay, to: endDay },
    { bucket: HOUR, from: endDay, to },
  ].filter((p) => p.from < p.to);
}

/** elementary cuts pieces of one bucket size at every boundary any of them has, so overlapping pieces share their parts. */
function elementary(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const bucket of [HOUR, DAY]) {
    const mine = pieces.filter((p) => p.bucket === bucket);
    const cuts = [...new Set(mine.flatMap((p) => [p.from, p.to]))].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i]!;
      const to = cuts[i + 1]!;
      if (mine.some((p) => p.from <= from && to <= p.to)) out.push({ bucket, from, to });
    }
  }
  return out;
}

const statements = new WeakMap<DatabaseSync, StatementSync>();

/** readPiece sums each monitor's rows of one piece: a primary-key range per monitor (monitors first, forced by CROSS JOIN). */
function readPiece(db: DatabaseSync, p: Piece): Map<number, RollupTotals> {
  let q = statements.get(db);
  if (!q) {
    q = db.prepare(`
      SELECT m.id AS id, SUM(r.checks) AS checks, SUM(r.up) AS up, SUM(r.degraded) AS degraded, SUM(r.down) AS down, SUM(r.unknown) AS unknown,
             SUM(r.latency_count) AS latency_count, SUM(r.latency_sum) AS latency_sum, MIN(r.latency_min) AS latency_min, MAX(r.latency_max) AS latency_max
      FROM monitors m CROSS JOIN monitor_rollups r ON r.monitor_id = m.id AND r.bucket_ms = ? AND r.start >= ? AND r.start < ?
      GROUP BY m.id`);
    statements.set(db, q);
  }
  const rows = q.all(p.bucket, p.from, p.to) as unknown as Array<RollupTotals & { id: number }>;
  return new Map(rows.map(({ id, ...t }) => [Number(id), t]));
}

/** add sums b into a (min and max of what either has). */
function add(a: RollupTotals, b: RollupTotals): void {
  a.checks += Number(b.checks);
  a.up += Number(b.up);
  a.degraded += Number(b.degraded);
  a.down += Number(b.down);
  a.unknown += Number(b.unknown);
  a.latency_count += Number(b.latency_count);
  a.latency_sum += Number(b.latency_sum);
  if (b.latency_min !== null) a.latency_min = a.latency_min === null ? Number(b.latency_min) : Math.min(a.latency_min, Number(b.latency_min));
  if (b.latency_max !== null) a.latency_max = a.latency_max === null ? Number(b.latency_max) : Math.max(a.latency_max, Number(b.latency_max));
}

/** emptyTotals are a span without any check. */
export function emptyTotals(): RollupTotals {
  return { checks: 0, up: 0, degraded: 0, down: 0, unknown: 0, latency_count: 0, latency_sum: 0, latency_min: null, latency_max: null };
}

/**
 * rollupTotals answers, for each span, each monitor's totals over it (monitors without a row in the
 * span are absent). The same as summing the span's hourly rows, since each day's row is its hours' sum.
 */
export function rollupTotals(db: DatabaseSync, spans: Span[]): Array<Map<number, RollupTotals>> {
  return combine(spans, (p) => readPiece(db, p), emptyTotals, add);
}

/** UptimeCounts are a monitor's checks that count for uptime over a span (all but unknown) and those of them up or degraded. */
export interface UptimeCounts {
  counted: number;
  good: number;
}

const uptimeStatements = new WeakMap<DatabaseSync, StatementSync>();

/**
 * rollupUptime answers, for each span, each monitor's UptimeCounts over it (monitors without a row in
 * the span are absent): what the monitor list shows of a window. Two sums per row instead of
 * RollupTotals' nine, as arrays rather than objects with named keys: half the time of rollupTotals
 * at 2,000 monitors (bench/uptime.bench.ts).
 */
export function rollupUptime(db: DatabaseSync, spans: Span[]): Array<Map<number, UptimeCounts>> {
  let q = uptimeStatements.get(db);
  if (!q) {
    q = db.prepare(`
      SELECT m.id, SUM(r.checks - r.unknown), SUM(r.up + r.degraded)
      FROM monitors m CROSS JOIN monitor_rollups r ON r.monitor_id = m.id AND r.bucket_ms = ? AND r.start >= ? AND r.start < ?
      GROUP BY m.id`);
    q.setReturnArrays(true);
    uptimeStatements.set(db, q);
  }
  const statement = q;
  const read = (p: Piece) => {
    const rows = statement.all(p.bucket, p.from, p.to) as unknown as Array<[number, number, number]>;
    return new Map(rows.map(([id, counted, good]) => [Number(id), { counted: Number(counted), good: Number(good) }]));
  };
  return combine(spans, read, () => ({ counted: 0, good: 0 }), (a, b) => {
    a.counted += b.counted;
    a.good += b.good;
  });
}

/**
 * combine reads each elementary piece of the spans once (`read`: each monitor's sums over the piece)
 * and adds, for each span, the pieces it is made of, monitor by monitor.
 */
function combine<T>(spans: Span[], read: (p: Piece) => Map<number, T>, empty: () => T, addTo: (a: T, b: T) => void): Array<Map<number, T>> {
  const perSpan = spans.map(piecesOf);
  const parts = elementary(perSpan.flat()).map((p) => ({ ...p, rows: read(p) }));
  return perSpan.map((pieces) => {
    const totals = new Map<number, T>();
    for (const part of parts) {
      if (!pieces.some((p) => p.bucket === part.bucket && p.from <= part.from && part.to <= p.to)) continue;
      for (const [id, t] of part.rows) {
        let sum = totals.get(id);
        if (!sum) totals.set(id, (sum = empty()));
        addTo(sum, t);
      }
    }
    return totals;
  });
}
