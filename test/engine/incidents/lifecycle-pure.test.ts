/** The lifecycle as a pure function: same input, same output, no clock, no database. */
import { describe, expect, it } from 'vitest';
import { escalationDue, transition, type IncidentState, type LifecycleContext } from '../../../electron/engine/incidents/lifecycle.ts';

const now = Date.parse('2026-03-02T12:00:00Z');
const incident: IncidentState = {
  id: 7, number: 3, title: 'Blog down', serviceId: 1, urgency: 'high', severity: 'critical', status: 'triggered', dedupKey: 'k',
  createdAt: now, acknowledgedAt: null, resolvedAt: null, resolvedBy: null, snoozedUntil: null,
  escalationLevel: 1, escalationRound: 1, cycle: 1, escalateAt: now + 900_000, alertCount: 1, details: {},
};
const ctx: LifecycleContext = {
  service: { id: 1, name: 'Blog', description: '', escalationPolicyId: 1, urgencyRule: { type: 'constant', urgency: 'high' }, ackTimeoutMinutes: 30, autoResolveMinutes: 0, maintenanceWindows: [], enabled: true },
  policy: { id: 1, name: 'P', description: '', repeatCount: 0, levels: [{ targets: [{ kind: 'me' }], delayMinutes: 15 }, { targets: [{ kind: 'contact', contactMethodId: 9 }], delayMinutes: 15 }] },
  rules: [
    { id: 1, urgency: 'high', startDelayMinutes: 0, contactMethodId: 1 },
    { id: 2, urgency: 'high', startDelayMinutes: 5, contactMethodId: 2 },
    { id: 3, urgency: 'low', startDelayMinutes: 0, contactMethodId: 1 },
  ],
};

describe('transition', () => {
  it('open plans my high-urgency rules, with idempotency keys, and the level timeout on the incident', () => {
    const opened = transition({ ...incident, escalateAt: null }, { type: 'open', actor: 'api' }, now, ctx);
    const jobs = opened.effects.flatMap((e) => (e.type === 'schedule' ? [[e.job.kind, e.job.dueAt - now, e.job.key]] : []));
    expect(jobs).toEqual([
      ['notify', 0, 'i7:c1:r1:l1:rule1'],
      ['notify', 300_000, 'i7:c1:r1:l1:rule2'],
    ]);
    // The escalation timer is the incident's own (migration 18), not a job row.
    expect(opened.incident.escalateAt).toBe(now + 900_000);
  });

  it('open hands back the incident itself when its row already holds the timer (the engine then does not write it again)', () => {
    expect(escalationDue('high', ctx.policy, 1, now)).toBe(incident.escalateAt);
    expect(transition(incident, { type: 'open', actor: 'api' }, now, ctx).incident).toBe(incident);
    expect(escalationDue('low', ctx.policy, 1, now)).toBeNull();
    expect(escalationDue('high', ctx.policy, 3, now)).toBeNull();
  });

  it('acknowledge cancels pages and escalation and starts the ack timeout; it does not mutate its input', () => {
    const before = structuredClone(incident);
    const t = transition(incident, { type: 'acknowledge', actor: 'me' }, now + 60_000, ctx);
    expect(incident).toEqual(before);
    expect(t.incident.status).toBe('acknowledged');
    expect(t.incident.acknowledgedAt).toBe(now + 60_000);
    expect(t.effects[0]).toEqual({ type: 'cancel', kinds: ['notify', 'ack_timeout', 'snooze_expire'] });
    expect(t.incident.escalateAt).toBeNull();
    expect(t.effects.some((e) => e.type === 'schedule' && e.job.kind === 'ack_timeout' && e.job.dueAt === now + 31 * 60_000)).toBe(true);
  });

  it('a stale escalation timer (other cycle, level or an acknowledged incident) does nothing', () => {
    expect(transition(incident, { type: 'escalation_due', level: 1, round: 1, cycle: 0 }, now, ctx).effects).toEqual([]);
    expect(transition(incident, { type: 'escalation_due', level: 2, round: 1, cycle: 1 }, now, ctx).effects).toEqual([]);
    expect(transition({ ...incident, status: 'acknowledged' }, { type: 'escalation_due', level: 1, round: 1, cycle: 1 }, now, ctx).effects).toEqual([]);
  });

  it('escalation pages the backup contact, starts a new plan cycle and the next level timeout', () => {
    const at = now + 900_000;
    const t = transition(incident, { type: 'escalation_due', level: 1, round: 1, cycle: 1 }, at, ctx);
    expect([t.incident.escalationLevel, t.incident.cycle, t.incident.escalateAt]).toEqual([2, 2, at + 900_000]);
    const keys = t.effects.flatMap((e) => (e.type === 'schedule' ? [e.job.key] : []));
    expect(keys).toEqual(['i7:c2:r1:l2:cm9']);
  });

  it('the last level of the last round ends the timer and stays triggered', () => {
    const last = { ...incident, escalationLevel: 2, cycle: 2 };
    const t = transition(last, { type: 'escalation_due', level: 2, round: 1, cycle: 2 }, now, ctx);
    expect([t.incident.status, t.incident.escalateAt]).toEqual(['triggered', null]);
    expect(t.effects.map((e) => (e.type === 'log' ? e.entry.type : e.type))).toEqual(['exhaust']);
  });

  it('resolving ends the escalation timer; so does lowering the urgency, and raising it starts one', () => {
    expect(transition(incident, { type: 'resolve', actor: 'me' }, now, ctx).incident.escalateAt).toBeNull();
    const low = transition(incident, { type: 'set_urgency', urgency: 'low', actor: 'me' }, now, ctx).incident;
    expect(low.escalateAt).toBeNull();
    expect(transition(low, { type: 'set_urgency', urgency: 'high', actor: 'me' }, now + 60_000, ctx).incident.escalateAt).toBe(now + 60_000 + 900_000);
  });

  it('a low-urgency incident plans the low rules and no escalation', () => {
    const { effects, incident: opened } = transition({ ...incident, urgency: 'low', escalateAt: null }, { type: 'open', actor: 'api' }, now, ctx);
    expect(effects.flatMap((e) => (e.type === 'schedule' ? [e.job.key] : []))).toEqual(['i7:c1:r1:l1:rule3']);
    expect(opened.escalateAt).toBeNull();
  });

  it('the first acknowledgement time is kept when an incident is acknowledged again', () => {
    const again = transition({ ...incident, acknowledgedAt: now - 1000 }, { type: 'acknowledge', actor: 'me' }, now, ctx);
    expect(again.incident.acknowledgedAt).toBe(now - 1000);
  });
});
