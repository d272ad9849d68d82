/**
 * AnalyticsState is the analytics page: the window (7/30/90 days), the service picked (or all), the
 * engine's summary of mean time to acknowledge (MTA) and to resolve (MTR), overall, per service and
 * per week, and the MTA/MTR table as a CSV file.
 */
import type { AnalyticsSummary } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';
import { downloadText, metricsCsv } from '../csv.ts';

/** AnalyticsRange is one of the windows the page offers. */
export type AnalyticsRange = '7d' | '30d' | '90d';

/** ANALYTICS_RANGES are the windows offered, with their labels. */
export const ANALYTICS_RANGES: ReadonlyArray<{ id: AnalyticsRange; label: string }> = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
];

/** REFRESH_DEBOUNCE_MS gathers incident changes into one recomputation. */
const REFRESH_DEBOUNCE_MS = 1000;

/** AnalyticsState holds the summary for the chosen window. */
export class AnalyticsState {
  range = $state<AnalyticsRange>('30d');
  /** serviceId narrows the overall numbers and the weekly chart to one service (null: all services). */
  serviceId = $state<number | null>(null);
  summary = $state<AnalyticsSummary | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** #inflight is the load on its way, if any. */
  #inflight: Promise<void> | undefined;

  /** open is the page being shown: it reads the summary, unless a read is on its way (the window's start-up asked already). */
  open(): Promise<void> {
    return this.#inflight ?? this.load();
  }

  /** load asks the engine for the summary of the current window. */
  load(): Promise<void> {
    const loading: Promise<void> = this.#fetch().finally(() => {
      if (this.#inflight === loading) this.#inflight = undefined;
    });
    this.#inflight = loading;
    return loading;
  }

  async #fetch(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const summary = await call('analytics.summary', { window: this.range, ...(this.serviceId !== null ? { serviceId: this.serviceId } : {}) });
      if (seq !== this.#seq) return;
      this.summary = summary;
      this.error = null;
    } catch (err) {
      if (seq === this.#seq) this.error = errorMessage(err);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** setRange changes the window and reloads. */
  setRange(range: AnalyticsRange): void {
    this.range = range;
    void this.load();
  }

  /** setService picks one service (null: all) and reloads. */
  setService(serviceId: number | null): void {
    this.serviceId = serviceId;
    void this.load();
  }

  /** downloadCsv saves the MTA/MTR table shown (the overall row first) as a CSV file. */
  downloadCsv(overallLabel: string): void {
    if (!this.summary) return;
    downloadText(metricsCsv(this.summary, overallLabel), `standby-mta-mtr-${this.range}.csv`, 'text/csv');
  }

  /** invalidate recomputes soon if the page has been shown (an incident changed). */
  invalidate(): void {
    if (this.summary === null) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), REFRESH_DEBOUNCE_MS);
  }
}

/** analytics is the analytics page's state. */
export const analytics = new AnalyticsState();
