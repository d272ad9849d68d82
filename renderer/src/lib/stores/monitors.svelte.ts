/**
 * MonitorsState is the monitor list: every monitor with its live status, its last checks (the up/down
 * strip), its 24 h / 7 d / 30 d uptime (`rowUptime`), the status filter, the monitor types (for the form), and the
 * row actions (pause, resume, delete) with their errors. `monitor.changed` replaces one row and
 * refreshes its uptime; `monitor.checks` adds each check to its row's strip and last check;
 * `monitor.deleted` drops it.
 */
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import type { CheckMark, MonitorTypeInfo, MonitorView, UptimeFractions, UptimeWindow, UptimeWindowName } from '../../../../electron/shared/monitor-schemas.ts';
import { checkMark, monitorRow, type MonitorRow } from '../../../../electron/shared/monitor-rows.ts';
import { call, errorMessage, isUnknownMethod } from '../api-client.ts';
import { filterCounts, orderMonitors, type MonitorFilter } from '../monitor-order.ts';

/** STRIP_LENGTH is how many of its last checks a row's up/down strip shows. */
export const STRIP_LENGTH = 24;

/** UPTIME_DEBOUNCE_MS gathers the changes of a moment (a monitor's burst, an outage behind many) into one uptime refresh. */
const UPTIME_DEBOUNCE_MS = 1000;

/**
 * UPTIME_ALL_FROM: when more monitors than this changed within UPTIME_DEBOUNCE_MS, every row's uptime
 * is read again in one `monitors.uptimeFractions` instead of one request per monitor (an outage behind 2,000
 * monitors, or a restart, would ask for 2,000).
 */
export const UPTIME_ALL_FROM = 20;

/** PREFETCH_AFTER_MS is how long after the list arrived its last checks and uptime are read, while the list is not on screen. */
export const PREFETCH_AFTER_MS = 1000;

/** RowUptime is a monitor's uptime per window as its row shows it (UptimeWindow's `uptime`: a fraction, null without counted checks). */
export type RowUptime = Partial<Record<UptimeWindowName, number | null>>;

/** rowUptimeOf takes a `monitors.uptimeFractions` answer apart, monitor by monitor. */
function rowUptimeOf(a: UptimeFractions): Record<number, RowUptime> {
  return Object.fromEntries(a.monitors.map((m) => [m.id, Object.fromEntries(a.windows.map((w, i) => [w, m.uptime[i] ?? null]))]));
}

/** windowsUptime is a row's uptime out of a monitor's full windows. */
function windowsUptime(windows: UptimeWindow[]): RowUptime {
  return Object.fromEntries(windows.map((w) => [w.window, w.uptime]));
}

// A box running a Standby from before `monitors.rows` and `monitors.uptimeFractions` (the desktop app
// connected to it was updated first) has no such methods: the list then reads what that Standby has.

/** readRows reads the list's rows (`monitors.rows`, or every monitor from an earlier Standby). */
async function readRows(): Promise<MonitorRow[]> {
  try {
    return await call('monitors.rows', {});
  } catch (err) {
    if (!isUnknownMethod(err)) throw err;
    return (await call('monitors.list', {})).map(monitorRow);
  }
}

/** readRowUptime reads every row's uptime (`monitors.uptimeFractions`, or the full windows from an earlier Standby). */
async function readRowUptime(): Promise<Record<number, RowUptime>> {
  try {
    return rowUptimeOf(await call('monitors.uptimeFractions', {}));
  } catch (err) {
    if (!isUnknownMethod(err)) throw err;
    return Object.fromEntries((await call('monitors.uptimeAll', {})).monitors.map((m) => [m.id, windowsUptime(m.windows)]));
  }
}

/** MonitorsState holds the list and its actions. */
export class MonitorsState {
  /**
   * monitors is the list, raw (not made deeply reactive): at 2,000 monitors a deep proxy of every
   * monitor was most of the page's work when the list arrived. Each change replaces the array (and the
   * changed monitors), so whatever reads it sees the change. Rows, not whole monitors: a monitor's
   * page and form read its settings (`monitors.get`).
   */
  monitors = $state.raw<MonitorRow[]>([]);
  types = $state<MonitorTypeInfo[]>([]);
  /** uptime are the monitors' full uptime windows, read one monitor at a time (its page shows them). */
  uptime = $state<Record<number, UptimeWindow[]>>({});
  /**
   * rowUptime is each row's uptime per window, read for every monitor at once: what the list shows,
   * under 0.1 MB at 2,000 monitors against the full windows' 1.2 MB (tens of ms of a busy machine's
   * work to send and read).
   */
  rowUptime = $state<Record<number, RowUptime>>({});
  /** strips are each monitor's last checks, oldest first (at most STRIP_LENGTH). */
  strips = $state<Record<number, CheckMark[]>>({});
  /** filter is the status the list shows. */
  filter = $state<MonitorFilter>('all');
  /** shown is the list as shown: the filter's monitors, down and degraded first. */
  shown = $derived(orderMonitors(this.monitors, this.filter));
  /** counts is how many monitors each filter shows. */
  counts = $derived(filterCounts(this.monitors));
  /**
   * #at finds a monitor's place in the list without a walk over it: a second of checks at 2,000
   * monitors every 10 s looks up 200 of them.
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- made anew by the derived, never changed in place
  #at = $derived(new Map(this.monitors.map((m, i) => [m.id, i])));
  loaded = $state(false);
  error = $state<string | null>(null);
  rowErrors = $state<Record<number, string>>({});
  pending = $state<Record<number, boolean>>({});
  /** confirmingDelete is the monitor whose row asks "delete it and its history?". */
  confirmingDelete = $state<number | null>(null);
  /** #stale are the monitors whose uptime is to be read again at the end of the moment (not state: nothing shows them). */
  #stale: Record<number, true> = {};
  #uptimeTimer: ReturnType<typeof setTimeout> | undefined;
  /** #loading is the load on its way, if any. */
  #loading: Promise<void> | undefined;
  /** #details is the read of every row's last checks and uptime that goes with the current list (on its way or done). */
  #details: Promise<void> | undefined;
  /** #shown says the monitor list has been opened: its last checks and uptime are read with the list, not after it. */
  #shown = false;

  /** downCount is how many monitors are down (the navigation shows it). */
  get downCount(): number {
    return this.monitors.filter((m) => m.status === 'down').length;
  }

  /**
   * load fetches the monitors and the types, then every row's last checks and uptime: at once when the
   * list is on screen (shown as soon as it arrives, the strips and uptime filling it in as they do),
   * otherwise PREFETCH_AFTER_MS after the list arrived, so that another view opened at start-up is not
   * held up behind them (at 2,000 monitors they are megabytes) and the list has them when opened.
   * It returns once the list is in (or failed); the last checks and uptime may still be on their way.
   */
  load(): Promise<void> {
    this.#details = undefined;
    const { promise: listed, resolve } = Promise.withResolvers<void>();
    const loading: Promise<void> = this.#fetchAll(resolve).finally(() => {
      if (this.#loading === loading) this.#loading = undefined;
    });
    this.#loading = loading;
    return listed;
  }

  async #fetchAll(listed: () => void): Promise<void> {
    const list = readRows();
    const types = this.types.length ? Promise.resolve(this.types) : call('monitors.types', {});
    if (this.#shown) this.#details = this.#fetchDetails();
    // Each is awaited below, or the load fails with the first to fail: none is left to reject unheard.
    for (const p of [list, types]) p.catch(() => {});
    try {
      const [monitors, kinds] = await Promise.all([list, types]);
      this.monitors = monitors;
      this.types = kinds;
      this.error = null;
      this.loaded = true;
    } catch (err) {
      this.error = errorMessage(err);
      return;
    } finally {
      listed();
    }
    if (this.#details) return this.#details;
    setTimeout(() => {
      if (!this.#details && this.#loading === undefined) this.#details = this.#fetchDetails();
    }, PREFETCH_AFTER_MS);
  }

  /** #fetchDetails reads every row's last checks and uptime (one request each, whatever the count). */
  async #fetchDetails(): Promise<void> {
    // Every row's uptime in one request (a request per monitor took seconds at 2,000 monitors). The
    // last checks are asked for once the uptime is in: at 2,000 monitors they are 4.5 MB and a fifth
    // of a second of the engine's work, which on a 2-core machine slowed the list and its uptime
    // they were asked for with (bench/ui.bench.ts).
    const all = readRowUptime();
    const last = all.then(
      () => call('monitors.lastChecks', { limit: STRIP_LENGTH }),
      () => call('monitors.lastChecks', { limit: STRIP_LENGTH }),
    );
    for (const p of [last, all]) p.catch(() => {});
    try {
      await Promise.all([
        last.then((l) => (this.strips = Object.fromEntries(l.monitors.map((x) => [x.monitorId, x.checks])))),
        all.then((u) => (this.rowUptime = u)),
      ]);
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /**
   * ensureLoaded is the monitor list being opened: it loads the list with its last checks and uptime,
   * unless they are loaded or on their way (the list of the app's start-up load is used, not asked for again).
   */
  ensureLoaded(): Promise<void> {
    this.#shown = true;
    if (!this.loaded && !this.#loading) return this.load();
    this.#details ??= this.#fetchDetails();
    return Promise.all([this.#loading, this.#details]).then(() => {});
  }

  /** opening says the list is about to be shown (the window opens on it): a load reads its last checks and uptime with it. */
  opening(): void {
    this.#shown = true;
  }

  /** loadUptime fetches one monitor's uptime windows (for its page and its row). */
  async loadUptime(id: number): Promise<void> {
    try {
      const r = await call('monitors.uptime', { id });
      this.uptime[id] = r.windows;
      this.rowUptime[id] = windowsUptime(r.windows);
    } catch {
      // A monitor deleted meanwhile has no uptime; its row is about to go.
    }
  }

  /** typeLabel names a monitor type ("HTTP(S)"). */
  typeLabel(kind: string): string {
    return this.types.find((t) => t.kind === kind)?.label ?? kind;
  }

  /** byId finds a monitor's row in the list. */
  byId(id: number): MonitorRow | undefined {
    const i = this.#at.get(id);
    return i === undefined ? undefined : this.monitors[i];
  }

  /** put adds or replaces a monitor's row (after a save or an event). */
  put(view: MonitorView): void {
    const m = monitorRow(view);
    const i = this.#at.get(m.id);
    if (i !== undefined) this.monitors = this.monitors.with(i, m);
    else this.monitors = [...this.monitors, m].sort((a, b) => a.name.localeCompare(b.name));
    this.#stale[m.id] = true;
    if (this.#uptimeTimer === undefined) this.#uptimeTimer = setTimeout(() => void this.#refreshUptime(), UPTIME_DEBOUNCE_MS);
  }

  /** #refreshUptime reads the uptime of the monitors that changed: one by one, or all at once after a burst. */
  async #refreshUptime(): Promise<void> {
    this.#uptimeTimer = undefined;
    const ids = Object.keys(this.#stale).map(Number);
    this.#stale = {};
    if (ids.length <= UPTIME_ALL_FROM) {
      await Promise.all(ids.map((id) => this.loadUptime(id)));
      return;
    }
    try {
      Object.assign(this.rowUptime, await readRowUptime());
    } catch {
      // The rows keep the uptime they show; the next change or load reads it again.
    }
  }

  /** checked takes a `monitor.checks` event: each check joins its row's strip and becomes its last check. */
  checked(data: ApiEvents['monitor.checks']): void {
    let next: MonitorRow[] | undefined;
    for (const { monitorId, checks } of data.monitors) {
      const newest = checks.at(-1);
      if (!newest) continue;
      const strip = this.strips[monitorId] ?? [];
      const known = strip.at(-1)?.at ?? '';
      const added = checks.filter((c) => c.at > known).map(checkMark);
      this.strips[monitorId] = [...strip, ...added].slice(-STRIP_LENGTH);
      const i = this.#at.get(monitorId);
      const m = i === undefined ? undefined : (next ?? this.monitors)[i];
      if (m && (m.lastCheck === null || m.lastCheck.at <= newest.at)) {
        next ??= [...this.monitors];
        next[i!] = { ...m, lastCheck: checkMark(newest) };
      }
    }
    // One new list for the whole event: its monitors that were checked are new objects, the rest the same.
    if (next) this.monitors = next;
  }

  /** drop removes a deleted monitor. */
  drop(id: number): void {
    this.monitors = this.monitors.filter((m) => m.id !== id);
    delete this.uptime[id];
    delete this.rowUptime[id];
    delete this.strips[id];
    if (this.confirmingDelete === id) this.confirmingDelete = null;
  }

  /** pause pauses one monitor until it is resumed. */
  async pause(m: MonitorRow): Promise<void> {
    await this.#act(m.id, () => call('monitors.pause', { id: m.id }));
  }

  /** resume resumes one monitor. */
  async resume(m: MonitorRow): Promise<void> {
    await this.#act(m.id, () => call('monitors.resume', { id: m.id }));
  }

  /** remove deletes a monitor and its history (its incidents stay). */
  async remove(m: MonitorRow): Promise<boolean> {
    this.pending[m.id] = true;
    delete this.rowErrors[m.id];
    try {
      await call('monitors.delete', { id: m.id });
      this.drop(m.id);
      return true;
    } catch (err) {
      this.rowErrors[m.id] = `Could not delete "${m.name}": ${errorMessage(err)}`;
      return false;
    } finally {
      delete this.pending[m.id];
    }
  }

  async #act(id: number, fn: () => Promise<MonitorView>): Promise<void> {
    this.pending[id] = true;
    delete this.rowErrors[id];
    try {
      this.put(await fn());
    } catch (err) {
      this.rowErrors[id] = errorMessage(err);
    } finally {
      delete this.pending[id];
    }
  }
}

/** monitors is the window's monitor list. */
export const monitors = new MonitorsState();
