/**
 * IncidentDetailState is the open incident: its fields and timeline, and every action the detail
 * offers (acknowledge, resolve, snooze, escalate, urgency, note, reassign). An action's refusal is
 * kept in `actionError` and shown in place; the incident reloads when the engine says it changed.
 */
import type { ApiEvent } from '../../../../electron/shared/api.ts';
import type { IncidentWithTimeline, Urgency } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';

/** SNOOZE_CHOICES are the snooze lengths offered, in minutes (PagerDuty offers the same short list). */
export const SNOOZE_CHOICES: ReadonlyArray<{ minutes: number; label: string }> = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 h' },
  { minutes: 240, label: '4 h' },
];

/** DetailAction names the action in progress, to disable its button. */
export type DetailAction = 'acknowledge' | 'resolve' | 'snooze' | 'escalate' | 'urgency' | 'reassign';

/** IncidentDetailState holds the incident being looked at. */
export class IncidentDetailState {
  id = $state<number | null>(null);
  incident = $state<IncidentWithTimeline | null>(null);
  loadError = $state<string | null>(null);
  actionError = $state<string | null>(null);
  busy = $state<DetailAction | null>(null);
  snoozeMinutes = $state(60);
  reassignTo = $state<number | null>(null);
  note = new FormState({ text: '' }, ['text']);
  #seq = 0;

  /** open shows an incident. */
  async open(id: number): Promise<void> {
    this.id = id;
    this.incident = null;
    this.loadError = null;
    this.actionError = null;
    this.note.reset({ text: '' });
    await this.reload();
  }

  /** close goes back to the list. */
  close(): void {
    this.id = null;
    this.incident = null;
  }

  /** reload fetches the incident and its timeline again. */
  async reload(): Promise<void> {
    const id = this.id;
    if (id === null) return;
    const seq = ++this.#seq;
    try {
      const incident = await call('incidents.get', { id });
      if (seq !== this.#seq || this.id !== id) return;
      this.incident = incident;
      this.loadError = null;
    } catch (err) {
      if (seq === this.#seq) this.loadError = errorMessage(err);
    }
  }

  async #act(action: DetailAction, run: (id: number) => Promise<unknown>): Promise<void> {
    const id = this.id;
    if (id === null) return;
    this.busy = action;
    this.actionError = null;
    try {
      await run(id);
      await this.reload();
    } catch (err) {
      this.actionError = errorMessage(err);
    } finally {
      this.busy = null;
    }
  }

  acknowledge = (): Promise<void> => this.#act('acknowledge', (id) => call('incidents.acknowledge', { id }));
  resolve = (): Promise<void> => this.#act('resolve', (id) => call('incidents.resolve', { id }));
  snooze = (): Promise<void> => this.#act('snooze', (id) => call('incidents.snooze', { id, minutes: this.snoozeMinutes }));
  escalate = (): Promise<void> => this.#act('escalate', (id) => call('incidents.escalate', { id }));
  setUrgency = (urgency: Urgency): Promise<void> => this.#act('urgency', (id) => call('incidents.setUrgency', { id, urgency }));

  /** reassign pages the chosen contact method now. */
  reassign = (): Promise<void> => {
    const target = this.reassignTo;
    if (target === null) {
      this.actionError = 'Choose a contact method to reassign to.';
      return Promise.resolve();
    }
    return this.#act('reassign', (id) => call('incidents.reassign', { id, contactMethodId: target }));
  };

  /** addNote adds the note form's text to the timeline. */
  addNote = async (): Promise<void> => {
    const id = this.id;
    if (id === null) return;
    const done = await this.note.submit((d) => call('incidents.note', { id, text: d.text }));
    if (done) {
      this.note.draft.text = '';
      await this.reload();
    }
  };

  /** handle reloads when the open incident changed, or only its timeline did (a page delivered). */
  handle(e: ApiEvent): void {
    if (e.type === 'incident.changed' && e.data.incident.id === this.id) void this.reload();
    else if (e.type === 'incident.timeline' && e.data.incidentId === this.id) void this.reload();
  }
}

/** incidentDetail is the incident the window shows in detail (none when `id` is null). */
export const incidentDetail = new IncidentDetailState();
