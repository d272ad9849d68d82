/**
 * IncidentsState is the incident list: the filter tab, the page of incidents it shows (open ones
 * first; PAGE_SIZE a page, newer and older pages beyond), the open count for the navigation, the row
 * actions (acknowledge, resolve) with their errors, and the rows selected for acting on together.
 * It reloads when the engine says an incident changed.
 */
import type { ApiEvent } from '../../../../electron/shared/api.ts';
import type { Incident, IncidentStatus } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { downloadText, incidentsCsv } from '../csv.ts';

/** IncidentFilter is one tab of the incident list. */
export type IncidentFilter = 'open' | 'triggered' | 'acknowledged' | 'resolved' | 'all';

/** INCIDENT_FILTERS are the tabs in order, with the statuses each shows (undefined: every status). */
export const INCIDENT_FILTERS: ReadonlyArray<{ id: IncidentFilter; label: string; statuses: IncidentStatus[] | undefined }> = [
  { id: 'open', label: 'Open', statuses: ['triggered', 'acknowledged'] },
  { id: 'triggered', label: 'Triggered', statuses: ['triggered'] },
  { id: 'acknowledged', label: 'Acknowledged', statuses: ['acknowledged'] },
  { id: 'resolved', label: 'Resolved', statuses: ['resolved'] },
  { id: 'all', label: 'All', statuses: undefined },
];

/** PAGE_SIZE is how many incidents one page of a tab shows (the contract allows up to 500). */
export const PAGE_SIZE = 200;
/** SEARCH_DEBOUNCE_MS waits for the person to pause typing before searching. */
const SEARCH_DEBOUNCE_MS = 250;
/** RELOAD_DEBOUNCE_MS gathers a burst of incident events into one reload. */
const RELOAD_DEBOUNCE_MS = 150;

const STATUS_RANK: Record<IncidentStatus, number> = { triggered: 0, acknowledged: 1, resolved: 2 };

/** sortIncidents puts open incidents first (triggered, then acknowledged), newest first within each. */
export function sortIncidents(list: Incident[]): Incident[] {
  return [...list].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || b.number - a.number);
}

/** RowAction is what a row's buttons do. */
export type RowAction = 'acknowledge' | 'resolve';

/** IncidentsState holds the list and its actions. */
export class IncidentsState {
  filter = $state<IncidentFilter>('open');
  incidents = $state<Incident[]>([]);
  total = $state(0);
  openCount = $state(0);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  rowErrors = $state<Record<number, string>>({});
  pending = $state<Record<number, RowAction>>({});
  /** page is the page of the tab shown, 0 for the newest. */
  page = $state(0);
  /** selected are the ids of the rows ticked for acting on together. */
  selected = $state<number[]>([]);
  /** bulkBusy is true while a bulk action runs. */
  bulkBusy = $state(false);
  /** query is the search text (title, service or dedup key), applied within the tab. */
  query = $state('');
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** load fetches the current tab and the open count. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    const statuses = INCIDENT_FILTERS.find((f) => f.id === this.filter)?.statuses;
    try {
      const [list, open] = await Promise.all([
        call('incidents.list', { ...(statuses ? { status: statuses } : {}), ...(this.query.trim() ? { query: this.query.trim() } : {}), limit: PAGE_SIZE, offset: this.page * PAGE_SIZE }),
        call('incidents.list', { status: ['triggered', 'acknowledged'], limit: 1 }),
      ]);
      if (seq !== this.#seq) return;
      // A page emptied by changes (the last ones acknowledged away) shows the page before it.
      if (list.incidents.length === 0 && this.page > 0 && list.total > 0) {
        this.page = Math.floor((list.total - 1) / PAGE_SIZE);
        void this.load();
        return;
      }
      this.incidents = sortIncidents(list.incidents);
      this.total = list.total;
      const shown = list.incidents.map((i) => i.id);
      if (this.selected.some((id) => !shown.includes(id))) this.selected = this.selected.filter((id) => shown.includes(id));
      this.openCount = open.total;
      this.error = null;
      this.loaded = true;
    } catch (err) {
      if (seq === this.#seq) this.error = errorMessage(err);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** setFilter switches tabs. */
  setFilter(filter: IncidentFilter): void {
    if (this.filter === filter) return;
    this.filter = filter;
    this.rowErrors = {};
    this.page = 0;
    this.selected = [];
    void this.load();
  }

  /** search sets the search text and, once typing pauses, shows the first page of what matches. */
  search(query: string): void {
    this.query = query;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.page = 0;
      this.selected = [];
      void this.load();
    }, SEARCH_DEBOUNCE_MS);
  }

  /** downloadCsv saves every incident of the tab and search (all pages, not only this one) as a CSV file. */
  async downloadCsv(): Promise<void> {
    const statuses = INCIDENT_FILTERS.find((f) => f.id === this.filter)?.statuses;
    const query = this.query.trim();
    const all: Incident[] = [];
    try {
      for (let offset = 0; ; offset += 500) {
        const page = await call('incidents.list', { ...(statuses ? { status: statuses } : {}), ...(query ? { query } : {}), limit: 500, offset });
        all.push(...page.incidents);
        if (page.incidents.length === 0 || all.length >= page.total) break;
      }
    } catch (err) {
      this.error = errorMessage(err);
      return;
    }
    downloadText(incidentsCsv(all), `standby-incidents-${this.filter}.csv`, 'text/csv');
  }

  /** pages is how many pages the tab has. */
  get pages(): number {
    return Math.max(1, Math.ceil(this.total / PAGE_SIZE));
  }

  /** goToPage shows another page of the tab (0 is the newest). */
  goToPage(page: number): void {
    const p = Math.min(Math.max(0, page), this.pages - 1);
    if (p === this.page) return;
    this.page = p;
    this.selected = [];
    void this.load();
  }

  /** select ticks or unticks one row. */
  select(id: number, on: boolean): void {
    this.selected = on ? [...this.selected.filter((x) => x !== id), id] : this.selected.filter((x) => x !== id);
  }

  /** selectAll ticks every open incident on the page, or none. */
  selectAll(on: boolean): void {
    this.selected = on ? this.incidents.filter((i) => i.status !== 'resolved').map((i) => i.id) : [];
  }

  /** actOnSelected acknowledges or resolves every selected incident it applies to; refusals stay on their rows (and selected). */
  async actOnSelected(action: RowAction): Promise<void> {
    const ids = this.incidents.filter((i) => this.selected.includes(i.id) && (action === 'acknowledge' ? i.status === 'triggered' : i.status !== 'resolved')).map((i) => i.id);
    if (ids.length === 0) return;
    this.bulkBusy = true;
    try {
      // A few at a time: each is its own transaction in the engine, and the page stays responsive.
      for (let i = 0; i < ids.length; i += 8) await Promise.all(ids.slice(i, i + 8).map((id) => this.act(id, action)));
      this.selected = this.selected.filter((id) => this.rowErrors[id] !== undefined);
    } finally {
      this.bulkBusy = false;
    }
    this.scheduleReload();
  }

  /** act acknowledges or resolves one incident from its row; a refusal is shown on the row. */
  async act(id: number, action: RowAction): Promise<void> {
    this.pending[id] = action;
    delete this.rowErrors[id];
    try {
      const incident = await call(action === 'acknowledge' ? 'incidents.acknowledge' : 'incidents.resolve', { id });
      this.replace(incident);
    } catch (err) {
      this.rowErrors[id] = errorMessage(err);
    } finally {
      delete this.pending[id];
    }
  }

  /** replace updates a row in place (before the reload decides whether it still belongs to the tab). */
  replace(incident: Incident): void {
    const i = this.incidents.findIndex((x) => x.id === incident.id);
    if (i >= 0) this.incidents[i] = incident;
  }

  /** handle reacts to an engine event. */
  handle(e: ApiEvent): void {
    if (e.type === 'incident.changed') {
      this.replace(e.data.incident);
      this.scheduleReload();
    } else if (e.type === 'config.changed' && (e.data.entity === 'services' || e.data.entity === 'all')) {
      this.scheduleReload();
    }
  }

  /** scheduleReload reloads soon, once for a burst of events. */
  scheduleReload(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), RELOAD_DEBOUNCE_MS);
  }
}

/** incidents is the window's incident list. */
export const incidents = new IncidentsState();
