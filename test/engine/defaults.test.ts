import { describe, expect, it } from 'vitest';
import { testEngine } from '../helpers/engine.ts';

describe('a new installation', () => {
  it('starts with a desktop contact, PagerDuty-style rules, a policy and a default service', async () => {
    const { engine } = await testEngine();
    const contacts = await engine.invoke('contactMethods.list', {});
    expect(contacts.map((c) => [c.type, c.label])).toEqual([['desktop', 'This computer']]);
    const rules = await engine.invoke('notificationRules.list', {});
    expect(rules.map((r) => [r.urgency, r.startDelayMinutes, r.contactMethodId])).toEqual([['high', 0, contacts[0]!.id], ['low', 0, contacts[0]!.id]]);
    const services = await engine.invoke('services.list', {});
    expect(services.map((s) => [s.name, s.ackTimeoutMinutes, s.autoResolveMinutes, s.enabled])).toEqual([['Default service', 30, 240, true]]);
  });

  it('setting a phone adds SMS after 5 minutes and a voice call after 10 for high urgency, once', async () => {
    const { engine } = await testEngine();
    await engine.invoke('profile.update', { name: 'Ada', email: 'ada@example.com', phone: '+14155550123', timeZone: 'Europe/Paris' });
    await engine.invoke('profile.update', { name: 'Ada', email: 'ada@example.com', phone: '+14155550199', timeZone: 'Europe/Paris' });
    const contacts = await engine.invoke('contactMethods.list', {});
    expect(contacts.map((c) => [c.type, c.address])).toEqual([['desktop', ''], ['sms', '+14155550123'], ['voice', '+14155550123']]);
    const rules = await engine.invoke('notificationRules.list', {});
    const byId = new Map(contacts.map((c) => [c.id, c.type]));
    expect(rules.map((r) => `${r.urgency}:${byId.get(r.contactMethodId)}@${r.startDelayMinutes}`)).toEqual(['high:desktop@0', 'high:sms@5', 'high:voice@10', 'low:desktop@0']);
  });

  it('does not seed again over an existing configuration', async () => {
    const { engine } = await testEngine();
    const policy = (await engine.invoke('escalationPolicies.list', {}))[0]!;
    await engine.invoke('services.update', { id: 1, value: { name: 'Renamed', escalationPolicyId: policy.id } });
    const { seedDefaults } = await import('../../electron/engine/defaults.ts');
    engine.store.transaction(() => seedDefaults(engine.config));
    expect((await engine.invoke('services.list', {})).map((s) => s.name)).toEqual(['Renamed']);
  });
});
