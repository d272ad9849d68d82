/**
 * MonitorFormState is the monitor being created or edited. Its type's settings form is generated
 * from the type's JSON Schema (`monitors.types`), and `toMonitorInput` turns the draft into the
 * contract's MonitorInput; the engine validates it, and its issues come back with paths of that
 * input (`config.url`, `flapping.changes`, `timeoutSeconds`), shown next to those fields.
 */
import type { Severity } from '../../../../electron/shared/schemas.ts';
import type { ApiInput } from '../../../../electron/shared/api.ts';
import type { MonitorRow } from '../../../../electron/shared/monitor-rows.ts';
import type { MonitorView } from '../../../../electron/shared/monitor-schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { configTexts, HIDDEN_CONFIG_KEYS } from '../monitor-format.ts';
import { configFromDraft, draftFromConfig, fieldsFromJsonSchema, type FieldSpec, type SchemaDraft } from '../schema-form.ts';
import { config } from './config.svelte.ts';
import { monitors } from './monitors.svelte.ts';

/** MonitorDraft is the monitor form's content (numbers are null while empty: the engine's default applies). */
export interface MonitorDraft {
  name: string;
  serviceId: number | null;
  kind: string;
  config: SchemaDraft;
  intervalSeconds: number | null;
  timeoutSeconds: number | null;
  retries: number | null;
  retryIntervalSeconds: number | null;
  recoveryChecks: number | null;
  flapping: { changes: number | null; windowMinutes: number | null };
  severity: Severity;
  resolveOnRecovery: boolean;
  enabled: boolean;
}

/** MONITOR_FIELDS are the paths the monitor form shows next to a field. */
const MONITOR_FIELDS = ['name', 'serviceId', 'kind', 'config', 'intervalSeconds', 'timeoutSeconds', 'retries', 'retryIntervalSeconds', 'recoveryChecks', 'flapping', 'severity', 'resolveOnRecovery', 'enabled'];

/** configSpecs are the fields of a monitor type's settings, from its JSON Schema. */
export function configSpecs(kind: string): FieldSpec[] {
  const type = monitors.types.find((t) => t.kind === kind);
  return type ? fieldsFromJsonSchema(type.configSchema, configTexts(kind), HIDDEN_CONFIG_KEYS) : [];
}

/** newMonitorDraft is an empty form with the contract's defaults (an HTTP check every minute). */
export function newMonitorDraft(kind: string, serviceId: number | null): MonitorDraft {
  return {
    name: '',
    serviceId,
    kind,
    config: draftFromConfig(configSpecs(kind), undefined),
    intervalSeconds: 60,
    timeoutSeconds: 10,
    retries: 2,
    retryIntervalSeconds: 20,
    recoveryChecks: 1,
    flapping: { changes: 4, windowMinutes: 60 },
    severity: 'critical',
    resolveOnRecovery: true,
    enabled: true,
  };
}

/** monitorDraft fills the form from a saved monitor. */
export function monitorDraft(m: MonitorView): MonitorDraft {
  return {
    name: m.name,
    serviceId: m.serviceId,
    kind: m.kind,
    config: draftFromConfig(configSpecs(m.kind), m.config),
    intervalSeconds: m.intervalSeconds,
    timeoutSeconds: m.timeoutSeconds,
    retries: m.retries,
    retryIntervalSeconds: m.retryIntervalSeconds,
    recoveryChecks: m.recoveryChecks,
    flapping: { ...m.flapping },
    severity: m.severity,
    resolveOnRecovery: m.resolveOnRecovery,
    enabled: m.enabled,
  };
}

const num = (key: string, v: number | null): Record<string, number> => (v === null || !Number.isFinite(v) ? {} : { [key]: v });

/** toMonitorInput turns the form into the contract's input; empty numbers are left out so the defaults apply. */
export function toMonitorInput(d: MonitorDraft): ApiInput<'monitors.create'> {
  return {
    name: d.name,
    kind: d.kind,
    serviceId: d.serviceId as number,
    config: configFromDraft(configSpecs(d.kind), d.config),
    ...num('intervalSeconds', d.intervalSeconds),
    ...num('timeoutSeconds', d.timeoutSeconds),
    ...num('retries', d.retries),
    ...num('retryIntervalSeconds', d.retryIntervalSeconds),
    ...num('recoveryChecks', d.recoveryChecks),
    flapping: { ...num('changes', d.flapping.changes), ...num('windowMinutes', d.flapping.windowMinutes) },
    severity: d.severity,
    resolveOnRecovery: d.resolveOnRecovery,
    enabled: d.enabled,
  };
}

/** MonitorFormState holds the monitor in the form. */
export class MonitorFormState {
  /** editing is the monitor in the form: an id, 'new', or null (closed). */
  editing = $state<number | 'new' | null>(null);
  form = new FormState<MonitorDraft>(newMonitorDraft('http', null), MONITOR_FIELDS);
  /** #asked is the list row whose Edit was pressed last: an earlier one's settings arriving after it do not open the form. */
  #asked: number | null = null;

  /** create opens an empty form (HTTP, the first service). */
  create(): void {
    this.#asked = null;
    this.editing = 'new';
    this.form.reset(newMonitorDraft(monitors.types[0]?.kind ?? 'http', config.services[0]?.id ?? null));
  }

  /** edit opens the form on a saved monitor. */
  edit(m: MonitorView): void {
    this.#asked = m.id;
    this.editing = m.id;
    this.form.reset(monitorDraft(m));
  }

  /**
   * editRow opens the form on a monitor of the list, once its settings are read (a row has only what
   * the list shows); when they cannot be read, the row says why.
   */
  async editRow(row: MonitorRow): Promise<void> {
    this.#asked = row.id;
    delete monitors.rowErrors[row.id];
    try {
      const m = await call('monitors.get', { id: row.id });
      if (this.#asked === row.id) this.edit(m);
    } catch (err) {
      monitors.rowErrors[row.id] = `Could not open "${row.name}" to edit it: ${errorMessage(err)}`;
    }
  }

  /** cancel closes the form. */
  cancel(): void {
    this.#asked = null;
    this.editing = null;
    this.form.clear();
  }

  /** setKind switches the type: its settings start from their defaults. */
  setKind(kind: string): void {
    this.form.draft.kind = kind;
    this.form.draft.config = draftFromConfig(configSpecs(kind), undefined);
    this.form.clear();
  }

  /** save creates or updates the monitor and returns it; the form stays open with the engine's errors when it refuses. */
  save = async (): Promise<MonitorView | undefined> => {
    const editing = this.editing;
    if (editing === null) return undefined;
    const saved = await this.form.submit((d) => {
      const value = toMonitorInput(d);
      return editing === 'new' ? call('monitors.create', value) : call('monitors.update', { id: editing, value });
    }, editing === 'new' ? undefined : 'value');
    if (saved) {
      monitors.put(saved);
      this.editing = null;
    }
    return saved;
  };
}

/** monitorForm is the monitor form's state. */
export const monitorForm = new MonitorFormState();
