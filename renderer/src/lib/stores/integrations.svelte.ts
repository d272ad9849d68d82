/**
 * IntegrationsState is the integrations and change events of the service being edited: how
 * monitoring tools page it (Events API v2 or Alertmanager, each with its own integration key),
 * the form to add one, rotation and deletion, and the changes (deploys...) reported on it. It
 * follows `integrations.changed` and `changeEvent.recorded` for that service.
 */
import type { AlertGrouping, ChangeEvent, Integration, IntegrationType } from '../../../../electron/shared/integration-schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';

/** INTEGRATION_TYPES are the kinds of integration with their names. */
export const INTEGRATION_TYPES: ReadonlyArray<{ id: IntegrationType; label: string }> = [
  { id: 'events_v2', label: 'Events API v2' },
  { id: 'alertmanager', label: 'Prometheus Alertmanager' },
];

/** IntegrationDraft is the new-integration form's content. */
export interface IntegrationDraft {
  type: IntegrationType;
  name: string;
  groupBy: AlertGrouping;
  rateLimitPerMinute: number | null;
}

/** DEFAULT_RATE_LIMIT is PagerDuty's Events API v2 limit per key (https://developer.pagerduty.com/docs/events-api-v2/rate-limits/). */
const DEFAULT_RATE_LIMIT = 120;
/** CHANGE_EVENTS_LIMIT is how many recent change events the page lists. */
const CHANGE_EVENTS_LIMIT = 20;

const emptyDraft = (): IntegrationDraft => ({ type: 'events_v2', name: '', groupBy: 'group', rateLimitPerMinute: DEFAULT_RATE_LIMIT });

/** IntegrationsState holds one service's integrations and change events. */
export class IntegrationsState {
  serviceId = $state<number | null>(null);
  integrations = $state<Integration[]>([]);
  changeEvents = $state<ChangeEvent[]>([]);
  changeEventsTotal = $state(0);
  error = $state<string | null>(null);
  creating = $state(false);
  form = new FormState<IntegrationDraft>(emptyDraft(), ['type', 'name', 'groupBy', 'rateLimitPerMinute']);
  /** keys keeps each key shown at creation or rotation, for when the secret store cannot show it again. */
  keys = $state<Record<number, string>>({});
  rowErrors = $state<Record<number, string>>({});
  /** confirming is the integration whose card asks to confirm a rotation or a deletion. */
  confirming = $state<{ id: number; action: 'rotate' | 'delete' } | null>(null);
  #seq = 0;

  /** open loads a service's integrations and change events (null closes). */
  async open(serviceId: number | null): Promise<void> {
    if (serviceId !== this.serviceId) {
      this.integrations = [];
      this.changeEvents = [];
      this.changeEventsTotal = 0;
      this.creating = false;
      this.confirming = null;
      this.rowErrors = {};
    }
    this.serviceId = serviceId;
    if (serviceId !== null) await Promise.all([this.load(), this.loadChangeEvents()]);
  }

  /** load fetches the service's integrations. */
  async load(): Promise<void> {
    const id = this.serviceId;
    if (id === null) return;
    const seq = ++this.#seq;
    try {
      const list = await call('integrations.list', { serviceId: id });
      if (seq !== this.#seq || id !== this.serviceId) return;
      this.integrations = list;
      this.error = null;
    } catch (err) {
      if (seq === this.#seq) this.error = errorMessage(err);
    }
  }

  /** loadChangeEvents fetches the service's latest change events. */
  async loadChangeEvents(): Promise<void> {
    const id = this.serviceId;
    if (id === null) return;
    try {
      const r = await call('changeEvents.list', { serviceId: id, limit: CHANGE_EVENTS_LIMIT });
      if (id !== this.serviceId) return;
      this.changeEvents = r.changeEvents;
      this.changeEventsTotal = r.total;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** keyOf is the integration's key if Standby can show it. */
  keyOf(i: Integration): string | null {
    return i.key ?? this.keys[i.id] ?? null;
  }

  /** startCreate opens the new-integration form. */
  startCreate(): void {
    this.creating = true;
    this.form.reset(emptyDraft());
  }

  /** cancelCreate closes it. */
  cancelCreate(): void {
    this.creating = false;
    this.form.clear();
  }

  /** create adds the integration; the answer holds its key. */
  create = async (): Promise<void> => {
    const serviceId = this.serviceId;
    if (serviceId === null) return;
    const created = await this.form.submit((d) =>
      call('integrations.create', {
        serviceId,
        type: d.type,
        name: d.name,
        ...(d.type === 'alertmanager' ? { groupBy: d.groupBy } : {}),
        ...(d.rateLimitPerMinute === null ? {} : { rateLimitPerMinute: d.rateLimitPerMinute }),
      }),
    );
    if (created) {
      if (created.key) this.keys[created.id] = created.key;
      this.creating = false;
      await this.load();
    }
  };

  /** rotate gives an integration a new key; the old one stops working at once. */
  async rotate(i: Integration): Promise<void> {
    await this.#act(i, async () => {
      const r = await call('integrations.rotate', { id: i.id });
      if (r.key) this.keys[i.id] = r.key;
    });
  }

  /** remove deletes an integration: its key stops working at once. */
  async remove(i: Integration): Promise<void> {
    await this.#act(i, async () => {
      await call('integrations.delete', { id: i.id });
      delete this.keys[i.id];
    });
  }

  async #act(i: Integration, fn: () => Promise<void>): Promise<void> {
    delete this.rowErrors[i.id];
    try {
      await fn();
      this.confirming = null;
      await this.load();
    } catch (err) {
      this.rowErrors[i.id] = errorMessage(err);
    }
  }

  /** handleIntegrations reloads when the open service's integrations changed. */
  handleIntegrations(serviceId: number): void {
    if (serviceId === this.serviceId) void this.load();
  }

  /** handleChangeEvent reloads the list when a change event was recorded on the open service. */
  handleChangeEvent(e: ChangeEvent): void {
    if (e.serviceId === this.serviceId) void this.loadChangeEvents();
  }
}

/** integrations is the open service's integrations. */
export const integrations = new IntegrationsState();
