import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import type { TriggerResult } from '../../../electron/shared/api.ts';
import type { Incident } from '../../../electron/shared/schemas.ts';
import { onCallSetup, testEngine } from '../../helpers/engine.ts';

const created = (r: TriggerResult): { status: 'created'; incident: Incident } => {
  if (r.status !== 'created') throw new Error(`expected a new incident, got ${r.status}`);
  return { status: 'created', incident: r.incident };
};

describe('dedup (Events API v2 semantics)', () => {
  it('a trigger with the key of an open incident adds an alert; after resolve the key opens a new incident', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const first = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'down', dedupKey: 'blog/http' }));
    await t.settle();
    const again = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'still down', dedupKey: 'blog/http' });
    expect(again.status).toBe('deduplicated');
    expect(again.status !== 'suppressed' && again.incident.id).toBe(first.incident.id);
    expect(again.status !== 'suppressed' && again.incident.alertCount).toBe(2);
    await t.settle();
    expect(t.kinds()).toEqual(['desktop@0']); // the duplicate pages nobody
    const types = (await t.engine.invoke('incidents.get', { id: first.incident.id })).timeline.map((e) => e.type);
    expect(types).toEqual(['trigger', 'notify', 'alert']);

    await t.engine.invoke('incidents.resolve', { id: first.incident.id });
    const next = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'down again', dedupKey: 'blog/http' }));
    expect(next.incident.id).not.toBe(first.incident.id);
    expect((await t.engine.invoke('incidents.list', {})).total).toBe(2);
  });

  it('acknowledge or resolve for an unknown or resolved key is dropped', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    expect(t.engine.lifecycle.actByDedupKey(service.id, 'nope', { type: 'resolve', actor: 'api' })).toBe('dropped');
    const r = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x', dedupKey: 'k' }));
    expect(t.engine.lifecycle.actByDedupKey(service.id, 'k', { type: 'acknowledge', actor: 'api' })).toBe('applied');
    expect(t.engine.lifecycle.actByDedupKey(service.id, 'k', { type: 'resolve', actor: 'api' })).toBe('applied');
    expect(t.engine.lifecycle.actByDedupKey(service.id, 'k', { type: 'resolve', actor: 'api' })).toBe('dropped');
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect([inc.status, inc.resolvedBy]).toEqual(['resolved', 'api']);
  });

  it('dedup keys are per service', async () => {
    const t = await testEngine();
    const { service, policy } = await onCallSetup(t);
    const other = await t.engine.invoke('services.create', { name: 'Shop', escalationPolicyId: policy.id });
    created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'a', dedupKey: 'same' }));
    created(await t.engine.invoke('incidents.trigger', { serviceId: other.id, title: 'b', dedupKey: 'same' }));
  });
});

describe('timeouts', () => {
  it('the acknowledgement timeout triggers the incident again and notifies again', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t, { ackTimeout: 30 });
    const r = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await t.settle();
    await t.advance(2);
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    await t.advance(29);
    expect((await t.engine.invoke('incidents.get', { id: r.incident.id })).status).toBe('acknowledged');
    await t.advance(1); // minute 32 = acknowledged at 2 + 30
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect(inc.status).toBe('triggered');
    expect(inc.acknowledgedAt).toBe(new Date(t.start + 2 * 60_000).toISOString()); // the first ack stays for MTA
    expect(inc.timeline.map((e) => e.type)).toContain('unacknowledge');
    expect(t.kinds()).toEqual(['desktop@0', 'desktop@32']);
    await t.advance(5);
    expect(t.kinds()).toEqual(['desktop@0', 'desktop@32', 'sms@37']);
  });

  it('auto-resolve closes an incident left open for the service timeout', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t, { autoResolve: 240 });
    const r = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    await t.advance(239);
    expect((await t.engine.invoke('incidents.get', { id: r.incident.id })).status).toBe('acknowledged');
    await t.advance(1);
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect([inc.status, inc.resolvedBy]).toEqual(['resolved', 'auto']);
    expect(inc.resolvedAt).toBe(new Date(t.start + 240 * 60_000).toISOString());
  });

  it('snooze needs an acknowledged incident; when it ends the incident triggers and pages again', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const r = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await t.settle();
    await expect(t.engine.invoke('incidents.snooze', { id: r.incident.id, minutes: 60 })).rejects.toThrow(/only an acknowledged incident can be snoozed/);
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    const snoozed = await t.engine.invoke('incidents.snooze', { id: r.incident.id, minutes: 60 });
    expect(snoozed.snoozedUntil).toBe(new Date(t.start + 3_600_000).toISOString());
    await t.advance(59);
    expect(t.kinds()).toEqual(['desktop@0']);
    await t.advance(1);
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect([inc.status, inc.snoozedUntil]).toEqual(['triggered', null]);
    expect(t.kinds()).toEqual(['desktop@0', 'desktop@60']);
  });

  it('a second acknowledgement (from another channel) keeps the snooze, so its page still comes', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t); // no ack timeout: the snooze is the only thing that pages again
    const r = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await t.settle();
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    await t.engine.invoke('incidents.snooze', { id: r.incident.id, minutes: 60 });
    await t.advance(1);
    // The Pushover emergency silenced in the app, or an SMS "4" read a little later.
    t.engine.answerFromPhone({ incidentId: r.incident.id, action: { type: 'acknowledge' }, via: 'SMS (+14155550123)' });
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect([inc.status, inc.snoozedUntil]).toEqual(['acknowledged', new Date(t.start + 3_600_000).toISOString()]);
    expect(inc.timeline.at(-1)!.message).toBe(`Acknowledged again from SMS (+14155550123); still snoozed until ${new Date(t.start + 3_600_000).toISOString()}`);
    await t.advance(59);
    expect((await t.engine.invoke('incidents.get', { id: r.incident.id })).status).toBe('triggered');
    expect(t.kinds()).toEqual(['desktop@0', 'desktop@60']);
  });
});

describe('maintenance windows and disabled services', () => {
  it('opens no incident during a one-off or weekly maintenance window', async () => {
    const t = await testEngine(); // Monday 2026-03-02 12:00 UTC
    const { service, policy } = await onCallSetup(t);
    const base = { name: 'Blog', escalationPolicyId: policy.id };
    await t.engine.invoke('services.update', { id: service.id, value: { ...base, maintenanceWindows: [{ type: 'once', start: '2026-03-02T11:00:00Z', end: '2026-03-02T13:00:00Z', description: 'deploy' }] } });
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'during deploy' });
    expect(r).toEqual({ status: 'suppressed', reason: 'service "Blog" is in a maintenance window (deploy)' });
    await t.engine.invoke('profile.update', { name: '', email: '', phone: '', timeZone: 'UTC' });
    await t.engine.invoke('services.update', { id: service.id, value: { ...base, maintenanceWindows: [{ type: 'weekly', days: [1], start: '11:30', end: '12:30' }] } });
    expect((await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'weekly' })).status).toBe('suppressed');
    await t.advance(31);
    expect((await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'after' })).status).toBe('created');
    await t.engine.invoke('services.update', { id: service.id, value: { ...base, enabled: false } });
    expect((await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'off' })).status).toBe('suppressed');
    expect((await t.engine.invoke('incidents.list', {})).total).toBe(1);
  });

  it('a weekly window past midnight covers the early hours of the next day', async () => {
    const t = await testEngine({ start: '2026-03-03T01:00:00Z' }); // Tuesday 01:00 UTC
    const { service, policy } = await onCallSetup(t);
    await t.engine.invoke('profile.update', { name: '', email: '', phone: '', timeZone: 'UTC' });
    await t.engine.invoke('services.update', { id: service.id, value: { name: 'Blog', escalationPolicyId: policy.id, maintenanceWindows: [{ type: 'weekly', days: [1], start: '23:00', end: '02:00' }] } });
    expect((await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' })).status).toBe('suppressed');
  });
});

describe('durability: sleep, restart, crash', () => {
  it('a laptop that sleeps through a due page sends it once on wake, not twice', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await t.settle();
    t.clock.jump(7 * 60_000); // asleep: no timer fired
    expect(t.kinds()).toEqual(['desktop@0']);
    await Promise.all([t.engine.lifecycle.runDue(), t.engine.lifecycle.runDue()]); // resume event and timer race
    await t.engine.lifecycle.idle();
    expect(t.kinds()).toEqual(['desktop@0', 'sms@7']);
    await t.engine.lifecycle.runDue();
    expect(t.kinds()).toEqual(['desktop@0', 'sms@7']);
  });

  it('after a restart, pages that fell due while stopped are sent once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-restart-'));
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const a = await testEngine({ databasePath: join(dir, 'db.sqlite'), clock });
    const { service } = await onCallSetup(a);
    created(await a.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await a.settle();
    await a.engine.stop();
    clock.jump(6 * 60_000);
    const b = await testEngine({ databasePath: join(dir, 'db.sqlite'), clock });
    await b.engine.lifecycle.idle();
    expect(b.sent.map((s) => s.type)).toEqual(['sms']);
    await b.engine.stop();
    const c = await testEngine({ databasePath: join(dir, 'db.sqlite'), clock });
    await c.engine.lifecycle.idle();
    expect(c.sent).toEqual([]);
    await c.engine.stop();
  });

  it('a delivery interrupted by a crash is sent again at the next start, and the timeline says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-crash-'));
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const a = await testEngine({ databasePath: join(dir, 'db.sqlite'), clock });
    const { service } = await onCallSetup(a);
    const r = created(await a.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    // Simulate the crash window: the job was claimed (running) but its outcome never recorded.
    a.engine.store.db.prepare("UPDATE jobs SET state = 'running' WHERE kind = 'notify' AND due_at <= ?").run(clock.now());
    await a.engine.stop();
    const b = await testEngine({ databasePath: join(dir, 'db.sqlite'), clock });
    await b.engine.lifecycle.idle();
    expect(b.sent.map((s) => s.type)).toEqual(['desktop']);
    const notes = (await b.engine.invoke('incidents.get', { id: r.incident.id })).timeline.filter((e) => e.type === 'notify');
    expect(notes.map((e) => [e.data.outcome, e.message])).toEqual([
      ['interrupted', 'A delivery to desktop "This computer" was interrupted by a restart before Standby knew whether it arrived; sending it again (it may arrive twice)'],
      ['delivered', 'Notified desktop "This computer": delivered'],
    ]);
    await b.engine.stop();
  });
});

describe('conflicts', () => {
  it('refuses to acknowledge or resolve a resolved incident, with a clear message', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const r = created(await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' }));
    await t.engine.invoke('incidents.resolve', { id: r.incident.id });
    await expect(t.engine.invoke('incidents.acknowledge', { id: r.incident.id })).rejects.toThrow(`incident #${r.incident.number} is resolved: a resolved incident cannot be acknowledged`);
    await expect(t.engine.invoke('incidents.resolve', { id: r.incident.id })).rejects.toThrow(/already resolved/);
    await expect(t.engine.invoke('incidents.get', { id: 999 })).rejects.toThrow('incident 999 does not exist');
  });
});
