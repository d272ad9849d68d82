/** The lifecycle as a pure function: same input, same output, no clock, no database. */
import { describe, expect, it } from 'vitest';
import { transition, type IncidentState, type LifecycleContext } from '../../../electron/engine/incidents/lifecycle.ts';

const now = Date.parse('2026-03-02T12:00:00Z');
const incident: IncidentState = {
  id: 7, number: 3, title: 'Blog down', serviceId: 1, urgency: 'high', severity: 'critical', status: 'triggered', dedupKey: 'k',
  createdAt: now, acknowledgedAt: null, resolvedAt: null, resolvedBy: null, snoozedUntil: null,
  escalationLevel: 1, escalationRound: 1, cycle: 1, alertCount: 1, details: {},
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
  it('open plans my high-urgency rules and the level timeout, with idempotency keys', () => {
    const { effects } = transition(incident, { type: 'open', actor: 'api' }, now, ctx);
    const jobs = effects.flatMap((e) => (e.type === 'schedule' ? [[e.job.kind, e.job.dueAt - now, e.job.key]] : []));
    expect(jobs).toEqual([
      ['notify', 0, 'i7:c1:r1:l1:rule1'],
      ['notify', 300_000, 'i7:c1:r1:l1:rule2'],
      ['escalate', 900_000, 'i7:c1:r1:l1:escalate'],
    ]);
  });

  it('acknowledge cancels pages and escalation and starts the ack timeout; it does not mutate its input', () => {
    const before = structuredClone(incident);
    const t = transition(incident, { type: 'acknowledge', actor: 'me' }, now + 60_000, ctx);
    expect(incident).toEqual(before);
    expect(t.incident.status).toBe('acknowledged');
    expect(t.incident.acknowledgedAt).toBe(now + 60_000);
    expect(t.effects[0]).toEqual({ type: 'cancel', kinds: ['notify', 'escalate', 'ack_timeout', 'snooze_expire'] });
    expect(t.effects.some((e) => e.type === 'schedule' && e.job.kind === 'ack_timeout' && e.job.dueAt === now + 31 * 60_000)).toBe(true);
  });

  it('a stale escalation timer (other cycle, level or an acknowledged incident) does nothing', () => {
    expect(transition(incident, { type: 'escalation_due', level: 1, round: 1, cycle: 0 }, now, ctx).effects).toEqual([]);
    expect(transition(incident, { type: 'escalation_due', level: 2, round: 1, cycle: 1 }, now, ctx).effects).toEqual([]);
    expect(transition({ ...incident, status: 'acknowledged' }, { type: 'escalation_due', level: 1, round: 1, cycle: 1 }, now, ctx).effects).toEqual([]);
  });

  it('escalation pages the backup contact and starts a new plan cycle', () => {
    const t = transition(incident, { type: 'escalation_due', level: 1, round: 1, cycle: 1 }, now, ctx);
    expect([t.incident.escalationLevel, t.incident.cycle]).toEqual([2, 2]);
    const keys = t.effects.flatMap((e) => (e.type === 'schedule' ? [e.job.key] : []));
    expect(keys).toEqual(['i7:c2:r1:l2:cm9', 'i7:c2:r1:l2:escalate']);
  });

  it('a low-urgency incident plans the low rules and no escalation', () => {
    const { effects } = transition({ ...incident, urgency: 'low' }, { type: 'open', actor: 'api' }, now, ctx);
    expect(effects.flatMap((e) => (e.type === 'schedule' ? [e.job.key] : []))).toEqual(['i7:c1:r1:l1:rule3']);
  });

  it('the first acknowledgement time is kept when an incident is acknowledged again', () => {
    const again = transition({ ...incident, acknowledgedAt: now - 1000 }, { type: 'acknowledge', actor: 'me' }, now, ctx);
    expect(again.incident.acknowledgedAt).toBe(now - 1000);
  });
});
