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

  it('setting a phone adds nothing by itself: accepting the offer adds SMS after 5 minutes and a voice call after 10 for high urgency, once', async () => {
    const { engine } = await testEngine();
    await engine.invoke('profile.update', { name: 'Ada', email: 'ada@example.com', phone: '+14155550123', timeZone: 'Europe/Paris' });
    expect((await engine.invoke('contactMethods.list', {})).map((c) => c.type)).toEqual(['desktop']);
    const entities: string[] = [];
    engine.on((e) => void (e.type === 'config.changed' && entities.push(e.data.entity)));
    const added = await engine.invoke('contactMethods.addPhone', { phone: '+14155550123' });
    expect(entities).toEqual(['contactMethods', 'notificationRules']);
    expect(added.map((c) => [c.type, c.label])).toEqual([['sms', 'Mobile (SMS)'], ['voice', 'Mobile (voice call)']]);
    expect(await engine.invoke('contactMethods.addPhone', { phone: '+14155550123' })).toEqual([]);
    const contacts = await engine.invoke('contactMethods.list', {});
    expect(contacts.map((c) => [c.type, c.address])).toEqual([['desktop', ''], ['sms', '+14155550123'], ['voice', '+14155550123']]);
    const rules = await engine.invoke('notificationRules.list', {});
    const byId = new Map(contacts.map((c) => [c.id, c.type]));
    expect(rules.map((r) => `${r.urgency}:${byId.get(r.contactMethodId)}@${r.startDelayMinutes}`)).toEqual(['high:desktop@0', 'high:sms@5', 'high:voice@10', 'low:desktop@0']);
  });

  it('the offer may be taken in part: SMS only', async () => {
    const { engine } = await testEngine();
    expect((await engine.invoke('contactMethods.addPhone', { phone: '+14155550123', voice: false })).map((c) => c.type)).toEqual(['sms']);
  });

  it('a new data directory starts the guided first run; skipping and resuming are kept by the engine', async () => {
    const { engine } = await testEngine();
    expect(await engine.invoke('setup.get', {})).toEqual({ status: 'pending', step: 'profile', contactMethodId: null });
    const announced: unknown[] = [];
    engine.on((e) => void (e.type === 'setup.changed' && announced.push(e.data)));
    await engine.invoke('setup.update', { status: 'skipped', step: 'contact' });
    expect(announced).toEqual([{ status: 'skipped', step: 'contact', contactMethodId: null }]);
    expect(await engine.invoke('setup.get', {})).toEqual({ status: 'skipped', step: 'contact', contactMethodId: null });
    await engine.invoke('setup.update', { status: 'pending', contactMethodId: 1 });
    expect(await engine.invoke('setup.get', {})).toEqual({ status: 'pending', step: 'contact', contactMethodId: 1 });
  });

  it('a data directory from before the guide (no progress stored) counts as set up', async () => {
    const { engine } = await testEngine();
    engine.store.prepare("DELETE FROM app_settings WHERE key = 'setup'").run();
    expect(await engine.invoke('setup.get', {})).toEqual({ status: 'done', step: 'done', contactMethodId: null });
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
