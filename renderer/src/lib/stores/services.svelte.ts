/**
 * ServicesState is the services page: which service is being edited (or a new one) and its form.
 * The draft keeps what a person types (local date-times, the urgency rule as one choice) and
 * `toServiceInput` turns it into the contract's ServiceInput; the engine validates it, and its
 * issues come back with paths of that input (`urgencyRule.supportHours.days`, `maintenanceWindows.0.end`).
 */
import type { MaintenanceWindow, Service, ServiceInput } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { fromLocalInput, localInputFromNow, toLocalInput } from '../format.ts';
import { serviceDependents } from '../dependents.ts';
import { config } from './config.svelte.ts';
import { confirmation } from './confirm.svelte.ts';
import { monitors } from './monitors.svelte.ts';

/** UrgencyChoice is the urgency rule as the form offers it. */
export type UrgencyChoice = 'high' | 'low' | 'severity' | 'support_hours';

/** MaintenanceDraft is one maintenance window being edited (once: local date-times; weekly: days and HH:MM). */
export interface MaintenanceDraft {
  type: 'once' | 'weekly';
  start: string;
  end: string;
  days: number[];
  description: string;
}

/** ServiceDraft is the service form's content. */
export interface ServiceDraft {
  name: string;
  description: string;
  escalationPolicyId: number | null;
  urgency: UrgencyChoice;
  supportHours: { days: number[]; start: string; end: string };
  ackTimeoutMinutes: number | null;
  autoResolveMinutes: number | null;
  enabled: boolean;
  maintenanceWindows: MaintenanceDraft[];
}

/** SERVICE_FIELDS are the paths the service form shows next to a field. */
const SERVICE_FIELDS = ['name', 'description', 'escalationPolicyId', 'urgencyRule', 'ackTimeoutMinutes', 'autoResolveMinutes', 'maintenanceWindows', 'enabled'];

/** newServiceDraft is an empty form: high urgency, the first policy, PagerDuty's usual timeouts. */
export function newServiceDraft(policyId: number | null): ServiceDraft {
  return {
    name: '',
    description: '',
    escalationPolicyId: policyId,
    urgency: 'high',
    supportHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    ackTimeoutMinutes: 30,
    autoResolveMinutes: 240,
    enabled: true,
    maintenanceWindows: [],
  };
}

/** serviceDraft fills the form from a saved service. */
export function serviceDraft(s: Service): ServiceDraft {
  const rule = s.urgencyRule;
  return {
    name: s.name,
    description: s.description,
    escalationPolicyId: s.escalationPolicyId,
    urgency: rule.type === 'constant' ? rule.urgency : rule.type,
    supportHours: rule.type === 'support_hours' ? { ...rule.supportHours, days: [...rule.supportHours.days] } : { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    ackTimeoutMinutes: s.ackTimeoutMinutes,
    autoResolveMinutes: s.autoResolveMinutes,
    enabled: s.enabled,
    maintenanceWindows: s.maintenanceWindows.map((w) =>
      w.type === 'once'
        ? { type: 'once', start: toLocalInput(w.start), end: toLocalInput(w.end), days: [], description: w.description }
        : { type: 'weekly', start: w.start, end: w.end, days: [...w.days], description: w.description },
    ),
  };
}

function toWindow(w: MaintenanceDraft): MaintenanceWindow {
  return w.type === 'once'
    ? { type: 'once', start: fromLocalInput(w.start), end: fromLocalInput(w.end), description: w.description }
    : { type: 'weekly', days: [...w.days].sort((a, b) => a - b), start: w.start, end: w.end, description: w.description };
}

/** toServiceInput turns the form into the contract's input (nulls are sent as is, for the engine to name). */
export function toServiceInput(d: ServiceDraft): ServiceInput {
  const urgencyRule: ServiceInput['urgencyRule'] =
    d.urgency === 'high' || d.urgency === 'low'
      ? { type: 'constant', urgency: d.urgency }
      : d.urgency === 'severity'
        ? { type: 'severity' }
        : { type: 'support_hours', supportHours: { days: [...d.supportHours.days].sort((a, b) => a - b), start: d.supportHours.start, end: d.supportHours.end } };
  return {
    name: d.name,
    description: d.description,
    escalationPolicyId: d.escalationPolicyId as number,
    urgencyRule,
    ackTimeoutMinutes: d.ackTimeoutMinutes as number,
    autoResolveMinutes: d.autoResolveMinutes as number,
    enabled: d.enabled,
    maintenanceWindows: d.maintenanceWindows.map(toWindow),
  };
}

/** ServicesState holds the service being edited. */
export class ServicesState {
  /** editing is the id of the service in the form, 'new' for a new one, or null when the form is closed. */
  editing = $state<number | 'new' | null>(null);
  form = new FormState<ServiceDraft>(newServiceDraft(null), SERVICE_FIELDS);
  listError = $state<string | null>(null);

  /** create opens an empty form. */
  create(): void {
    this.editing = 'new';
    this.form.reset(newServiceDraft(config.escalationPolicies[0]?.id ?? null));
  }

  /** edit opens the form on a saved service. */
  edit(service: Service): void {
    this.editing = service.id;
    this.form.reset(serviceDraft(service));
  }

  /** cancel closes the form. */
  cancel(): void {
    this.editing = null;
    this.form.clear();
  }

  /** addWindow adds an empty maintenance window of a type. */
  addWindow(type: MaintenanceDraft['type']): void {
    const start = type === 'once' ? localInputFromNow(3_600_000) : '22:00';
    const end = type === 'once' ? localInputFromNow(7_200_000) : '23:00';
    this.form.draft.maintenanceWindows.push({ type, start, end, days: type === 'weekly' ? [6] : [], description: '' });
  }

  /** removeWindow drops a maintenance window from the draft. */
  removeWindow(index: number): void {
    this.form.draft.maintenanceWindows.splice(index, 1);
  }

  /** save creates or updates the service; the form stays open with the engine's errors when it refuses. */
  save = async (): Promise<void> => {
    const editing = this.editing;
    if (editing === null) return;
    const saved = await this.form.submit((d) => {
      const value = toServiceInput(d);
      return editing === 'new' ? call('services.create', value) : call('services.update', { id: editing, value });
    }, editing === 'new' ? undefined : 'value');
    if (saved) {
      this.editing = saved.id;
      await config.load('services');
    }
  };

  /** remove deletes a service (the engine refuses while incidents need it). */
  /** askRemove opens the confirm dialog with what depends on the service (its monitors, incidents and integrations). */
  askRemove = async (service: Service): Promise<void> => {
    this.listError = null;
    try {
      const [incidents, integrations] = await Promise.all([call('incidents.list', { serviceId: service.id, limit: 1 }), call('integrations.list', { serviceId: service.id })]);
      const monitorNames = monitors.monitors.filter((m) => m.serviceId === service.id).map((m) => m.name);
      const dependents = serviceDependents(service, { monitorNames, incidents: incidents.total, integrations: integrations.length, policyName: config.policyName(service.escalationPolicyId) });
      confirmation.ask({ title: `Delete the service “${service.name}”?`, confirmLabel: 'Delete service', ...dependents, run: () => this.remove(service) });
    } catch (err) {
      this.listError = `Could not check what uses "${service.name}": ${errorMessage(err)}`;
    }
  };

  async remove(service: Service): Promise<void> {
    this.listError = null;
    try {
      await call('services.delete', { id: service.id });
      if (this.editing === service.id) this.cancel();
      await config.load('services');
    } catch (err) {
      this.listError = `Could not delete "${service.name}": ${errorMessage(err)}`;
    }
  }
}

/** services is the services page's state. */
export const services = new ServicesState();
