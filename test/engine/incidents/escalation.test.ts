import { describe, expect, it } from 'vitest';
import { onCallSetup, testEngine } from '../../helpers/engine.ts';

describe('escalation with fake time', () => {
  it('pages desktop now, SMS at 5, call at 10, the backup at 15; acknowledging at minute 7 leaves exactly desktop + SMS', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Blog returns 500' });
    if (r.status !== 'created') throw new Error(r.status);
    await t.settle();
    await t.advance(7);
    expect(t.kinds()).toEqual(['desktop@0', 'sms@5']);
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    await t.advance(120);
    expect(t.kinds()).toEqual(['desktop@0', 'sms@5']);
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect(inc.status).toBe('acknowledged');
    const notified = inc.timeline.filter((e) => e.type === 'notify');
    expect(notified.map((e) => [e.data.contactType, e.data.outcome])).toEqual([['desktop', 'delivered'], ['sms', 'delivered']]);
    expect(t.engine.incidents.pendingJobs(r.incident.id)).toEqual([]);
  });

  it('without an acknowledgement escalates to the backup contact at 15 minutes and drops level 1 pages still pending', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t, { level1Delay: 8 });
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Disk full' });
    await t.settle();
    await t.advance(30);
    // The call at 10 minutes belonged to level 1, which timed out at 8: PagerDuty reassigns, so it is not placed.
    expect(t.kinds()).toEqual(['desktop@0', 'sms@5', 'email@8']);
    if (r.status !== 'created') throw new Error(r.status);
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect(inc.escalationLevel).toBe(2);
    expect(inc.timeline.map((e) => e.type)).toContain('escalate');
  });

  it('repeats the policy up to repeatCount times, then logs that it is exhausted and pages no more', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t, { level1Delay: 10, repeatCount: 2, twoLevels: false });
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'API down' });
    await t.settle();
    await t.advance(200);
    // Three rounds (first + 2 repeats) at 0, 10 and 20 minutes. A round times out at 10 minutes, the
    // same instant its voice call is due: the escalation goes first, so that call is not placed. When
    // the last round times out (30) the policy is exhausted and I stay assigned: its call goes out.
    expect(t.kinds()).toEqual(['desktop@0', 'sms@5', 'desktop@10', 'sms@15', 'desktop@20', 'sms@25', 'voice@30']);
    if (r.status !== 'created') throw new Error(r.status);
    const types = (await t.engine.invoke('incidents.get', { id: r.incident.id })).timeline.map((e) => e.type);
    expect(types.filter((x) => x === 'repeat')).toHaveLength(2);
    expect(types.filter((x) => x === 'exhaust')).toHaveLength(1);
    expect(types.slice(-2)).toEqual(['exhaust', 'notify']);
  });

  it('a manual escalate moves to the next level at once', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Queue stuck' });
    if (r.status !== 'created') throw new Error(r.status);
    await t.settle();
    await t.advance(1);
    const inc = await t.engine.invoke('incidents.escalate', { id: r.incident.id });
    expect(inc.escalationLevel).toBe(2);
    await t.settle();
    expect(t.kinds()).toEqual(['desktop@0', 'email@1']);
    await expect(t.engine.invoke('incidents.escalate', { id: r.incident.id, level: 3 })).rejects.toThrow(/level: must be 1 to 2/);
  });

  it('reassigning pages the chosen contact method now', async () => {
    const t = await testEngine();
    const { service, backup } = await onCallSetup(t);
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Cert expiring' });
    if (r.status !== 'created') throw new Error(r.status);
    await t.settle();
    await t.engine.invoke('incidents.reassign', { id: r.incident.id, contactMethodId: backup.id });
    await t.settle();
    expect(t.kinds()).toEqual(['desktop@0', 'email@0']);
    const types = (await t.engine.invoke('incidents.get', { id: r.incident.id })).timeline.map((e) => e.type);
    expect(types).toContain('reassign');
  });
});

describe('urgency', () => {
  it('low urgency notifies through the low-urgency rules only and never escalates', async () => {
    const t = await testEngine();
    const { service, policy } = await onCallSetup(t);
    await t.engine.invoke('services.update', { id: service.id, value: { name: 'Blog', escalationPolicyId: policy.id, urgencyRule: { type: 'constant', urgency: 'low' }, ackTimeoutMinutes: 0, autoResolveMinutes: 0 } });
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Slow page' });
    if (r.status !== 'created') throw new Error(r.status);
    expect(r.incident.urgency).toBe('low');
    await t.settle();
    await t.advance(300);
    expect(t.kinds()).toEqual(['desktop@0']);
    expect((await t.engine.invoke('incidents.get', { id: r.incident.id })).escalationLevel).toBe(1);
  });

  it('by severity: critical and error are high, warning and info low', async () => {
    const t = await testEngine();
    const { service, policy } = await onCallSetup(t);
    await t.engine.invoke('services.update', { id: service.id, value: { name: 'Blog', escalationPolicyId: policy.id, urgencyRule: { type: 'severity' } } });
    const urg = async (severity: 'critical' | 'error' | 'warning' | 'info') => {
      const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: severity, severity });
      return r.status === 'suppressed' ? r.status : r.incident.urgency;
    };
    expect([await urg('critical'), await urg('error'), await urg('warning'), await urg('info')]).toEqual(['high', 'high', 'low', 'low']);
  });

  it('support hours: high inside (in the profile time zone), low outside', async () => {
    // 2026-03-02 is a Monday. 08:30 UTC is 09:30 in Paris (UTC+1 in winter); 17:30 UTC is 18:30.
    const t = await testEngine({ start: '2026-03-02T08:30:00Z' });
    const { service, policy } = await onCallSetup(t);
    await t.engine.invoke('profile.update', { name: 'Ada', email: '', phone: '', timeZone: 'Europe/Paris' });
    await t.engine.invoke('services.update', { id: service.id, value: { name: 'Blog', escalationPolicyId: policy.id, urgencyRule: { type: 'support_hours', supportHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } } } });
    const inside = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'inside' });
    await t.clock.advance(9 * 3_600_000);
    const outside = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'outside' });
    expect(inside.status === 'created' && inside.incident.urgency).toBe('high');
    expect(outside.status === 'created' && outside.incident.urgency).toBe('low');
  });

  it('changing urgency to low stops escalation; back to high pages again', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'x' });
    if (r.status !== 'created') throw new Error(r.status);
    await t.settle();
    await t.engine.invoke('incidents.setUrgency', { id: r.incident.id, urgency: 'low' });
    await t.settle();
    await t.advance(60);
    expect(t.kinds()).toEqual(['desktop@0', 'desktop@0']);
    const types = (await t.engine.invoke('incidents.get', { id: r.incident.id })).timeline.map((e) => e.type);
    expect(types).toContain('urgency_change');
  });
});
