/**
 * MonitorDetailState is one monitor's page: its recent check results (`monitors.results`), its
 * response time over a window (`monitors.series`: each check of the last hours, hourly or daily
 * rollups beyond), its uptime, and for a heartbeat the ping URL and key rotation. Each check the
 * engine sends (`monitor.checks`) joins the recent checks and the latency line at once; when the
 * monitor itself changed (status, settings) the page is read again.
 */
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import type { CheckMark, CheckResult, MonitorView, SeriesPoint } from '../../../../electron/shared/monitor-schemas.ts';
import { checkMark } from '../../../../electron/shared/monitor-rows.ts';
import { call, errorMessage } from '../api-client.ts';
import { newestFirst } from '../monitor-order.ts';
import { monitors } from './monitors.svelte.ts';

/** SeriesWindow is a period the response-time chart covers. */
export type SeriesWindow = '24h' | '7d' | '30d' | '90d' | '1y';

/** SERIES_WINDOWS are the chart's periods with their labels. */
export const SERIES_WINDOWS: ReadonlyArray<{ id: SeriesWindow; label: string }> = [
  { id: '24h', label: 'Last 24 hours' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: '1y', label: 'Last year' },
];

/** WINDOW_SECONDS is each window's length. */
export const WINDOW_SECONDS: Record<SeriesWindow, number> = { '24h': 86_400, '7d': 7 * 86_400, '30d': 30 * 86_400, '90d': 90 * 86_400, '1y': 365 * 86_400 };

/** RESULTS_LIMIT is how many recent checks the table shows. */
const RESULTS_LIMIT = 50;
/** MAX_LINE_CHECKS bounds the per-check latency line kept in the page (the engine sends at most 2,500). */
const MAX_LINE_CHECKS = 3000;
/** UPTIME_REFRESH_MS gathers the checks of a busy monitor into one uptime read. */
const UPTIME_REFRESH_MS = 5000;

/** REFRESH_DEBOUNCE_MS gathers a check's events into one refresh. */
const REFRESH_DEBOUNCE_MS = 500;

/** MonitorDetailState holds the open monitor's history. */
export class MonitorDetailState {
  id = $state<number | null>(null);
  fetched = $state<MonitorView | null>(null);
  results = $state<CheckResult[]>([]);
  points = $state<SeriesPoint[]>([]);
  /** checks are the per-check latency line: each check of the last hours, oldest first (hourly windows only). */
  checks = $state<CheckMark[]>([]);
  bucket = $state<'hour' | 'day'>('hour');
  window = $state<SeriesWindow>('24h');
  error = $state<string | null>(null);
  loading = $state(false);
  /** pingPaths keeps a heartbeat's ping path shown at creation or rotation (the secret store may not keep it). */
  pingPaths = $state<Record<number, string>>({});
  rotating = $state(false);
  confirmingRotate = $state(false);
  rotateError = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #uptimeTimer: ReturnType<typeof setTimeout> | undefined;

  /** monitor is the open monitor as last read or told (`monitor.changed`, `monitor.checks`). */
  get monitor(): MonitorView | null {
    return this.fetched !== null && this.fetched.id === this.id ? this.fetched : null;
  }

  /** pingPath is the open heartbeat's ping path, if known. */
  get pingPath(): string | null {
    if (this.id === null) return null;
    return this.pingPaths[this.id] ?? this.fetched?.pingPath ?? null;
  }

  /** pingKeyError is why the open heartbeat's ping URL cannot be shown (or was not kept), as the engine last said. */
  get pingKeyError(): string | null {
    return this.fetched?.pingKeyError ?? null;
  }

  /** open shows a monitor's page. */
  async open(id: number): Promise<void> {
    if (this.id !== id) {
      this.results = [];
      this.points = [];
      this.checks = [];
      this.fetched = null;
      this.confirmingRotate = false;
      this.rotateError = null;
    }
    this.id = id;
    await this.reload();
  }

  /** close leaves the page. */
  close(): void {
    this.id = null;
    this.fetched = null;
    clearTimeout(this.#timer);
    clearTimeout(this.#uptimeTimer);
    this.#uptimeTimer = undefined;
  }

  /** remember keeps a ping path the engine showed (on create). */
  remember(m: MonitorView): void {
    if (m.pingPath) this.pingPaths[m.id] = m.pingPath;
  }

  /** reload fetches the monitor's results, series and uptime. */
  async reload(): Promise<void> {
    const id = this.id;
    if (id === null) return;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const [m, results, series] = await Promise.all([
        call('monitors.get', { id }),
        call('monitors.results', { id, limit: RESULTS_LIMIT }),
        call('monitors.series', { id, window: this.window }),
        monitors.loadUptime(id),
      ]);
      if (seq !== this.#seq) return;
      this.fetched = m;
      // Checks that arrived while this was read stay (the answer may predate them).
      this.results = newestFirst(results.results, this.results.filter((r) => r.at > (results.results[0]?.at ?? '')), RESULTS_LIMIT);
      this.points = series.points;
      this.bucket = series.bucket;
      const lineEnd = series.checks.at(-1)?.at ?? '';
      this.checks = [...series.checks, ...(series.bucket === 'hour' ? this.checks.filter((c) => c.at > lineEnd) : [])];
      this.error = null;
    } catch (err) {
      if (seq === this.#seq) this.error = errorMessage(err);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** setWindow changes the chart's period. */
  setWindow(w: SeriesWindow): void {
    this.window = w;
    void this.reload();
  }

  /** checked takes a `monitor.checks` event: the open monitor's checks join the recent checks and the latency line now, its uptime soon. */
  checked(data: ApiEvents['monitor.checks']): void {
    const id = this.id;
    const mine = data.monitors.find((x) => x.monitorId === id)?.checks;
    if (id === null || !mine || mine.length === 0) return;
    const newest = mine.at(-1)!;
    if (this.fetched?.id === id && (this.fetched.lastCheck === null || this.fetched.lastCheck.at <= newest.at)) this.fetched = { ...this.fetched, lastCheck: newest };
    this.results = newestFirst(mine, this.results, RESULTS_LIMIT);
    if (this.bucket === 'hour') {
      const end = this.checks.at(-1)?.at ?? '';
      const added = mine.filter((c) => c.at > end).map(checkMark);
      this.checks = [...this.checks, ...added].slice(-MAX_LINE_CHECKS);
    }
    this.#uptimeTimer ??= setTimeout(() => {
      this.#uptimeTimer = undefined;
      if (this.id === id) void monitors.loadUptime(id);
    }, UPTIME_REFRESH_MS);
  }

  /** changed shows the open monitor as it changed (its status, a pause, its settings) and refreshes its history soon. */
  changed(view: MonitorView): void {
    if (view.id !== this.id) return;
    // An event's view has no ping path (nor the reason it has none): the page keeps the one it read.
    if (this.fetched?.id === view.id) this.fetched = { ...view, pingPath: this.fetched.pingPath, pingKeyError: this.fetched.pingKeyError };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), REFRESH_DEBOUNCE_MS);
  }

  /** rotate gives the heartbeat a new key: the old URL stops working at once. */
  rotate = async (): Promise<void> => {
    const id = this.id;
    if (id === null) return;
    this.rotating = true;
    this.rotateError = null;
    try {
      const m = await call('monitors.rotatePingKey', { id });
      this.remember(m);
      monitors.put(m);
      this.fetched = m;
      this.confirmingRotate = false;
    } catch (err) {
      this.rotateError = errorMessage(err);
    } finally {
      this.rotating = false;
    }
  };
}

/** monitorDetail is the open monitor's page. */
export const monitorDetail = new MonitorDetailState();
