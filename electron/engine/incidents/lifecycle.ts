/**
 * The incident lifecycle as a pure function: `transition(incident, event, now, ctx)` returns the
 * next incident and the effects to carry out (timeline entries, jobs to schedule or cancel). The
 * escalation timer of a triggered high-urgency incident is part of the incident (`escalateAt`), not a
 * job: it is written with the incident's own row.
 * It reads no clock and touches no database; the engine applies its effects in the same
 * transaction as the state change.
 */
import { ApiError } from '../../shared/errors.ts';
import type { Actor, EscalationPolicy, IncidentStatus, LogEntryType, NotificationRule, Service, Severity, Urgency } from '../../shared/schemas.ts';

const MINUTE = 60_000;

/** IncidentState is an incident as the engine holds it: times in epoch milliseconds. */
export interface IncidentState {
  id: number;
  number: number;
  title: string;
  serviceId: number;
  urgency: Urgency;
  severity: Severity | null;
  status: IncidentStatus;
  dedupKey: string;
  createdAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  resolvedBy: Actor | null;
  snoozedUntil: number | null;
  escalationLevel: number;
  escalationRound: number;
  /** cycle counts escalation plans: it grows whenever notifications start over, so their idempotency keys are fresh. */
  cycle: number;
  /**
   * escalateAt is when the current level times out unacknowledged (epoch ms), or null. Set only while the
   * incident is triggered at high urgency; it is kept on the incident's row (migration 18), so a paging
   * incident writes one job row (its page), not two.
   */
  escalateAt: number | null;
  alertCount: number;
  details: Record<string, unknown>;
}

/** LifecycleContext is what a transition may read besides the incident: its service, policy and my rules. */
export interface LifecycleContext {
  service: Service;
  policy: EscalationPolicy;
  rules: NotificationRule[];
}

/**
 * JobKind names each durable job. 'escalate' is only found in rows written before migration 18, which
 * moved the escalation timer onto the incident (`IncidentState.escalateAt`).
 */
export type JobKind = 'notify' | 'escalate' | 'ack_timeout' | 'auto_resolve' | 'snooze_expire';

/** NotifyPayload is what a notify job delivers and to whom. */
export interface NotifyPayload {
  contactMethodId: number;
  ruleId: number | null;
  level: number;
  round: number;
  cycle: number;
}

/** PlannedJob is a durable timer to insert; key makes it idempotent. */
export interface PlannedJob {
  kind: JobKind;
  dueAt: number;
  key: string;
  payload: NotifyPayload | { level: number; round: number; cycle: number } | Record<string, never>;
}

/** LogDraft is a timeline entry before it has an id. */
export interface LogDraft {
  type: LogEntryType;
  actor: Actor;
  message: string;
  data?: Record<string, unknown>;
}

/** Effect is something the engine does after a transition. */
export type Effect =
  | { type: 'log'; entry: LogDraft }
  | { type: 'schedule'; job: PlannedJob }
  | { type: 'cancel'; kinds: JobKind[] };

/** LifecycleEvent is anything that can happen to an incident. */
export type LifecycleEvent =
  | { type: 'open'; actor: Actor; source?: string }
  | { type: 'alert'; title: string; severity: Severity; details: Record<string, unknown>; actor: Actor }
  /** via says where a person acknowledged from ("Telegram (chat 42)"), for the timeline. */
  | { type: 'acknowledge'; actor: Actor; via?: string }
  | { type: 'resolve'; actor: Actor; reason?: string }
  | { type: 'ack_timeout' }
  | { type: 'snooze'; until: number; actor: Actor }
  | { type: 'snooze_expired' }
  | { type: 'escalation_due'; level: number; round: number; cycle: number }
  | { type: 'escalate'; level?: number; actor: Actor }
  | { type: 'set_urgency'; urgency: Urgency; actor: Actor }
  | { type: 'note'; text: string; actor: Actor }
  | { type: 'reassign'; contactMethodId: number; label: string; actor: Actor }
  | { type: 'auto_resolve' };

/** Transition is a transition's result. */
export interface Transition {
  incident: IncidentState;
  effects: Effect[];
}

const log = (entry: LogDraft): Effect => ({ type: 'log', entry });
const cancel = (...kinds: JobKind[]): Effect => ({ type: 'cancel', kinds });
const schedule = (job: PlannedJob): Effect => ({ type: 'schedule', job });

/**
 * escalationDue is when a level started at `startAt` times out: for high urgency, after the level's
 * delay; low urgency never escalates (null), nor does a level the policy does not have.
 */
export function escalationDue(urgency: Urgency, policy: EscalationPolicy, level: number, startAt: number): number | null {
  const def = policy.levels[level - 1];
  return def && urgency === 'high' ? startAt + def.delayMinutes * MINUTE : null;
}

/**
 * planLevel plans one escalation level: my notification rules for the incident's urgency (each after
 * its start delay) and each backup contact now, and for high urgency the escalation timer (the
 * incident it returns holds it). Low urgency notifies level 1 through my low-urgency rules only and
 * never escalates. `before` (the cancels and the timeline entry that say why) go before the pages.
 */
function planLevel(inc: IncidentState, ctx: LifecycleContext, level: number, round: number, startAt: number, before: Effect[]): Transition {
  const escalateAt = escalationDue(inc.urgency, ctx.policy, level, startAt);
  // The same object when nothing changed: the engine does not write back an incident it was handed as stored.
  const incident = escalateAt === inc.escalateAt ? inc : { ...inc, escalateAt };
  const effects = before;
  const def = ctx.policy.levels[level - 1];
  if (!def) return { incident, effects };
  const base = `i${inc.id}:c${inc.cycle}:r${round}:l${level}`;
  for (const target of def.targets) {
    if (target.kind === 'me') {
      for (const rule of ctx.rules) {
        if (rule.urgency !== inc.urgency) continue;
        effects.push(schedule({
          kind: 'notify',
          dueAt: startAt + rule.startDelayMinutes * MINUTE,
          key: `${base}:rule${rule.id}`,
          payload: { contactMethodId: rule.contactMethodId, ruleId: rule.id, level, round, cycle: inc.cycle },
        }));
      }
    } else if (inc.urgency === 'high') {
      effects.push(schedule({
        kind: 'notify',
        dueAt: startAt,
        key: `${base}:cm${target.contactMethodId}`,
        payload: { contactMethodId: target.contactMethodId, ruleId: null, level, round, cycle: inc.cycle },
      }));
    }
  }
  return { incident, effects };
}

function conflict(inc: IncidentState, what: string): never {
  throw new ApiError('conflict', `incident #${inc.number} is ${inc.status}: ${what}`);
}

function resolveNow(inc: IncidentState, now: number, actor: Actor, message: string): Transition {
  const next: IncidentState = { ...inc, status: 'resolved', resolvedAt: now, resolvedBy: actor, snoozedUntil: null, escalateAt: null };
  return { incident: next, effects: [cancel('notify', 'ack_timeout', 'auto_resolve', 'snooze_expire'), log({ type: 'resolve', actor, message })] };
}

/** retrigger returns an acknowledged incident to triggered and notifies its current level again. */
function retrigger(inc: IncidentState, ctx: LifecycleContext, now: number, entry: LogDraft): Transition {
  const next: IncidentState = { ...inc, status: 'triggered', snoozedUntil: null, cycle: inc.cycle + 1 };
  return planLevel(next, ctx, next.escalationLevel, next.escalationRound, now, [cancel('ack_timeout', 'snooze_expire'), log(entry)]);
}

/** moveTo sends a triggered incident to an escalation level (and round), dropping the old level's pending pages. */
function moveTo(inc: IncidentState, ctx: LifecycleContext, now: number, level: number, round: number, entry: LogDraft): Transition {
  const next: IncidentState = { ...inc, escalationLevel: level, escalationRound: round, cycle: inc.cycle + 1 };
  return planLevel(next, ctx, level, round, now, [cancel('notify'), log(entry)]);
}

/** transition is the lifecycle: every change to an incident goes through here. */
export function transition(inc: IncidentState, event: LifecycleEvent, now: number, ctx: LifecycleContext): Transition {
  const levels = ctx.policy.levels.length;
  switch (event.type) {
    case 'open': {
      // The engine writes a new incident with its first escalation timer (escalationDue) in its row: the
      // incident comes back as it was handed in, and is not written twice.
      const opened = planLevel(inc, ctx, 1, 1, now, [
        log({ type: 'trigger', actor: event.actor, message: `Triggered: ${inc.title}`, data: { urgency: inc.urgency, severity: inc.severity, dedupKey: inc.dedupKey, ...(event.source ? { source: event.source } : {}) } }),
      ]);
      if (ctx.service.autoResolveMinutes > 0) {
        opened.effects.push(schedule({ kind: 'auto_resolve', dueAt: now + ctx.service.autoResolveMinutes * MINUTE, key: `i${inc.id}:auto_resolve`, payload: {} }));
      }
      return opened;
    }
    case 'alert': {
      // Events API v2: a trigger with the dedup key of an open incident is added to it, it does not page again.
      const next = { ...inc, alertCount: inc.alertCount + 1 };
      return { incident: next, effects: [log({ type: 'alert', actor: event.actor, message: `Alert added: ${event.title}`, data: { severity: event.severity, details: event.details } })] };
    }
    case 'acknowledge': {
      if (inc.status === 'resolved') conflict(inc, 'a resolved incident cannot be acknowledged');
      if (inc.status === 'acknowledged' && inc.snoozedUntil !== null) {
        // A second answer (the Pushover emergency silenced after a Telegram snooze, a late SMS "4") keeps
        // the snooze: clearing it would drop the page it promises, and with no ack timeout nothing else would page.
        const until = new Date(inc.snoozedUntil).toISOString();
        return { incident: inc, effects: [log({ type: 'snooze', actor: event.actor, message: `Acknowledged again${event.via ? ` from ${event.via}` : ''}; still snoozed until ${until}`, data: { until } })] };
      }
      const next: IncidentState = { ...inc, status: 'acknowledged', acknowledgedAt: inc.acknowledgedAt ?? now, snoozedUntil: null, escalateAt: null };
      const effects: Effect[] = [cancel('notify', 'ack_timeout', 'snooze_expire'), log({ type: 'acknowledge', actor: event.actor, message: event.via ? `Acknowledged from ${event.via}` : 'Acknowledged' })];
      if (ctx.service.ackTimeoutMinutes > 0) {
        effects.push(schedule({ kind: 'ack_timeout', dueAt: now + ctx.service.ackTimeoutMinutes * MINUTE, key: `i${inc.id}:c${inc.cycle}:ack_timeout:${now}`, payload: {} }));
      }
      return { incident: next, effects };
    }
    case 'resolve':
      if (inc.status === 'resolved') conflict(inc, 'it is already resolved');
      return resolveNow(inc, now, event.actor, event.reason ?? `Resolved by ${event.actor}`);
    case 'auto_resolve':
      if (inc.status === 'resolved') return { incident: inc, effects: [] };
      return resolveNow(inc, now, 'auto', `Resolved automatically after ${ctx.service.autoResolveMinutes} minutes open`);
    case 'ack_timeout':
      if (inc.status !== 'acknowledged') return { incident: inc, effects: [] };
      return retrigger(inc, ctx, now, { type: 'unacknowledge', actor: 'system', message: `Acknowledgement timed out after ${ctx.service.ackTimeoutMinutes} minutes; triggered again` });
    case 'snooze': {
      if (inc.status !== 'acknowledged') conflict(inc, 'only an acknowledged incident can be snoozed');
      const next: IncidentState = { ...inc, snoozedUntil: event.until };
      return {
        incident: next,
        effects: [
          cancel('ack_timeout', 'snooze_expire'),
          log({ type: 'snooze', actor: event.actor, message: `Snoozed until ${new Date(event.until).toISOString()}`, data: { until: new Date(event.until).toISOString() } }),
          schedule({ kind: 'snooze_expire', dueAt: event.until, key: `i${inc.id}:c${inc.cycle}:snooze:${event.until}`, payload: {} }),
        ],
      };
    }
    case 'snooze_expired':
      if (inc.status !== 'acknowledged' || inc.snoozedUntil === null || inc.snoozedUntil > now) return { incident: inc, effects: [] };
      return retrigger(inc, ctx, now, { type: 'unacknowledge', actor: 'system', message: 'Snooze ended; triggered again' });
    case 'escalation_due': {
      const stale = inc.status !== 'triggered' || event.cycle !== inc.cycle || event.level !== inc.escalationLevel || event.round !== inc.escalationRound;
      if (stale) return { incident: inc, effects: [] };
      if (event.level < levels) {
        return moveTo(inc, ctx, now, event.level + 1, event.round, { type: 'escalate', actor: 'system', message: `Not acknowledged: escalated to level ${event.level + 1}`, data: { level: event.level + 1, round: event.round } });
      }
      if (event.round <= ctx.policy.repeatCount) {
        return moveTo(inc, ctx, now, 1, event.round + 1, { type: 'repeat', actor: 'system', message: `Not acknowledged: repeating the escalation policy (round ${event.round + 1} of ${ctx.policy.repeatCount + 1})`, data: { round: event.round + 1 } });
      }
      return { incident: { ...inc, escalateAt: null }, effects: [log({ type: 'exhaust', actor: 'system', message: `Escalation policy exhausted after ${event.round} round${event.round === 1 ? '' : 's'}; the incident stays triggered`, data: { rounds: event.round } })] };
    }
    case 'escalate': {
      if (inc.status === 'resolved') conflict(inc, 'a resolved incident cannot be escalated');
      const level = event.level ?? Math.min(inc.escalationLevel + 1, levels);
      if (level > levels) throw new ApiError('invalid_input', `level: must be 1 to ${levels} (the policy "${ctx.policy.name}" has ${levels} level${levels === 1 ? '' : 's'})`, [{ path: 'level', message: `must be 1 to ${levels}` }]);
      const triggered: IncidentState = { ...inc, status: 'triggered', snoozedUntil: null };
      const moved = moveTo(triggered, ctx, now, level, inc.escalationRound, { type: 'escalate', actor: event.actor, message: `Escalated to level ${level}`, data: { level, round: inc.escalationRound } });
      if (inc.status === 'acknowledged') moved.effects.unshift(cancel('ack_timeout', 'snooze_expire'));
      return moved;
    }
    case 'set_urgency': {
      if (inc.status === 'resolved') conflict(inc, 'the urgency of a resolved incident cannot change');
      if (event.urgency === inc.urgency) return { incident: inc, effects: [] };
      const next: IncidentState = { ...inc, urgency: event.urgency, cycle: inc.cycle + 1 };
      const entry = log({ type: 'urgency_change', actor: event.actor, message: `Urgency changed from ${inc.urgency} to ${event.urgency}`, data: { from: inc.urgency, to: event.urgency } });
      if (inc.status !== 'triggered') return { incident: next, effects: [entry] };
      // Pages still pending were planned for the old urgency: plan the current level again with the new one.
      return planLevel(next, ctx, next.escalationLevel, next.escalationRound, now, [cancel('notify'), entry]);
    }
    case 'note':
      return { incident: inc, effects: [log({ type: 'annotate', actor: event.actor, message: event.text })] };
    case 'reassign': {
      if (inc.status === 'resolved') conflict(inc, 'a resolved incident cannot be reassigned');
      return {
        incident: inc,
        effects: [
          log({ type: 'reassign', actor: event.actor, message: `Reassigned to ${event.label}`, data: { contactMethodId: event.contactMethodId } }),
          schedule({ kind: 'notify', dueAt: now, key: `i${inc.id}:c${inc.cycle}:reassign:cm${event.contactMethodId}:${now}`, payload: { contactMethodId: event.contactMethodId, ruleId: null, level: inc.escalationLevel, round: inc.escalationRound, cycle: inc.cycle } }),
        ],
      };
    }
  }
}
