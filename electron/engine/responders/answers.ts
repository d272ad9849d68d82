/**
 * An answer from the phone (a Telegram button, a Pushover acknowledgement, an SMS reply) applied to its
 * incident: acknowledge, resolve, or snooze (which acknowledges first, as PagerDuty does), with the
 * timeline saying where it came from ("Acknowledged from Telegram (chat 42)"). The responder's cursor
 * is written in the same transaction, so a restart never applies one answer twice.
 */
import { ApiError } from '../../shared/errors.ts';
import type { Incident } from '../../shared/schemas.ts';
import type { Clock } from '../clock.ts';
import type { IncidentEngine } from '../incidents/incident-engine.ts';
import type { Store } from '../store/database.ts';

/** AnswerAction is what a person answered. */
export type AnswerAction = { type: 'acknowledge' } | { type: 'resolve' } | { type: 'snooze'; minutes: number };

/** Answer is one answer, matched to its incident. */
export interface Answer {
  incidentId: number;
  action: AnswerAction;
  /** via names where it came from, for the timeline: "Telegram (chat 42)". */
  via: string;
}

/** AnswerOutcome is what happened, and a short line to tell the person (a reply, a toast on the phone). */
export type AnswerOutcome = { ok: true; incident: Incident; said: string } | { ok: false; said: string };

/** AnswerDeps are what applying an answer needs. */
export interface AnswerDeps {
  store: Store;
  lifecycle: IncidentEngine;
  clock: Clock;
  log: (line: string) => void;
}

/** describe is the past tense of an action, for replies and logs. */
export function describe(a: AnswerAction): string {
  return a.type === 'acknowledge' ? 'acknowledged' : a.type === 'resolve' ? 'resolved' : `snoozed for ${a.minutes >= 60 && a.minutes % 60 === 0 ? `${a.minutes / 60} h` : `${a.minutes} min`}`;
}

/**
 * applyAnswer applies an answer and runs `also` (the responder's cursor) in the same transaction. An
 * answer that cannot apply (the incident is resolved already, or gone) changes nothing but the cursor
 * and says why; any other error rolls everything back, so the answer is read again.
 */
export function applyAnswer(d: AnswerDeps, a: Answer, also?: () => void): AnswerOutcome {
  return d.store.transaction((): AnswerOutcome => {
    also?.();
    try {
      const incident = act(d, a);
      const said = `#${incident.number} ${describe(a.action)}`;
      d.log(`incident #${incident.number} ${describe(a.action)} from ${a.via}`);
      return { ok: true, incident, said };
    } catch (err) {
      if (!(err instanceof ApiError) || (err.code !== 'conflict' && err.code !== 'not_found')) throw err;
      d.log(`an answer from ${a.via} to incident ${a.incidentId} changed nothing: ${err.message}`);
      return { ok: false, said: err.message };
    }
  });
}

function act(d: AnswerDeps, a: Answer): Incident {
  const via = a.via;
  switch (a.action.type) {
    case 'acknowledge':
      return d.lifecycle.act(a.incidentId, { type: 'acknowledge', actor: 'me', via });
    case 'resolve':
      return d.lifecycle.act(a.incidentId, { type: 'resolve', actor: 'me', reason: `Resolved from ${via}` });
    case 'snooze': {
      const row = d.store.prepare('SELECT status FROM incidents WHERE id = ?').get(a.incidentId) as { status: string } | undefined;
      if (row?.status === 'triggered') d.lifecycle.act(a.incidentId, { type: 'acknowledge', actor: 'me', via });
      return d.lifecycle.act(a.incidentId, { type: 'snooze', actor: 'me', until: d.clock.now() + a.action.minutes * 60_000 });
    }
  }
}

/** LastAnswer is an incident's latest acknowledgement or resolution: where it came from ("SMS (+1…)", null when from Standby itself or automatic) and when. */
export interface LastAnswer {
  via: string | null;
  at: string | null;
}

/**
 * followUpText says how a paged incident was answered, where and when: the text a Telegram page is
 * edited to (its buttons gone), and the short message a channel without an edit (SMS, ntfy) sends so
 * the person knows the page is handled: "Acknowledged at 03:12 from Telegram (chat 42): #12 Disk full
 * (db)", or "… in Standby" when answered in the tray, the window or the API. The time is the latest
 * answer's: an incident acknowledged again after its acknowledgement ran out keeps its first
 * acknowledgement in `acknowledgedAt` (time to acknowledge), which is not the answer to this page.
 */
export function followUpText(incident: Incident, timeZone: string, answer: LastAnswer): string {
  const at = answer.at ?? (incident.status === 'resolved' ? incident.resolvedAt : incident.acknowledgedAt);
  const time = at ? new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(at)) : '';
  const state = incident.status === 'resolved' ? 'Resolved' : incident.snoozedUntil ? 'Acknowledged and snoozed' : 'Acknowledged';
  return `${state}${time ? ` at ${time}` : ''}${answer.via ? ` from ${answer.via}` : ' in Standby'}: #${incident.number} ${incident.title} (${incident.serviceName})`;
}

/** VIA reads where an answer came from out of its timeline entry ("Acknowledged from SMS (+1…)"). */
export const VIA = /^(?:Acknowledged|Resolved) from (.+)$/;
