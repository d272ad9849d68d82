/**
 * No silent failures, in the engine: the channels notification rules page through but that are not set
 * up (`channels.problems`, the `channel_setup` health warning and its `health.changed` event), and the
 * newest failed page marked on its incident until its contact method delivers a page on it.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import type { Channel } from '../../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import type { ApiEvent, SystemHealth } from '../../../electron/shared/api.ts';
import { testEngine } from '../../helpers/engine.ts';

const SID = `AC${'0'.repeat(32)}`;

describe('channels that rules use but that are not set up', () => {
  it('a fresh install has none; a phone offer asks about Twilio without adding a warning', async () => {
    const { engine } = await testEngine();
    expect(await engine.invoke('channels.problems', {})).toEqual([]);
    expect(await engine.invoke('channels.problems', { contactTypes: ['sms', 'voice'] })).toEqual([
      { section: 'sms', title: 'Twilio or an SMS gateway', contactTypes: ['sms'], reason: 'neither is chosen in the SMS settings' },
      { section: 'twilio', title: 'Twilio', contactTypes: ['voice'], reason: 'no account SID and sending number' },
    ]);
    expect(engine.health.has('channel_setup')).toBe(false);
  });

  it('rules that page by SMS and voice through Twilio raise one warning naming both, live, until Twilio is set up', async () => {
    const { engine } = await testEngine();
    const events: SystemHealth[] = [];
    engine.on((e: ApiEvent) => void (e.type === 'health.changed' && events.push(e.data)));
    await engine.invoke('channels.update', { kind: 'sms', settings: { provider: 'twilio' } });
    await engine.invoke('contactMethods.addPhone', { phone: '+14155550123' });
    await engine.channelSetup.check();
    const warning = (await engine.invoke('system.health', {})).problems.find((p) => p.code === 'channel_setup');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toBe(
      'SMS and voice calls need Twilio, which is not set up (no account SID and sending number). Notification rules page through it, so those pages will fail: set it up in Settings → Channels.',
    );
    expect(events.at(-1)?.problems.map((p) => p.code)).toContain('channel_setup');

    // Settings without the auth token: still not set up, and the reason says what is missing now.
    await engine.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: '+14155550100' } });
    await engine.channelSetup.check();
    expect(await engine.invoke('channels.problems', {})).toEqual([{ section: 'twilio', title: 'Twilio', contactTypes: ['sms', 'voice'], reason: 'no auth token stored' }]);

    await engine.invoke('channels.setSecret', { kind: 'twilio', value: 'token-value' });
    await engine.channelSetup.check();
    expect(await engine.invoke('channels.problems', {})).toEqual([]);
    expect(engine.health.has('channel_setup')).toBe(false);
    expect(events.at(-1)?.problems.map((p) => p.code)).not.toContain('channel_setup');
  });

  it('email, Pushover and Telegram rules are named each with what they lack; deleting the rules clears the warning', async () => {
    const { engine } = await testEngine();
    const ids: number[] = [];
    for (const [type, address] of [['email', 'me@example.com'], ['pushover', 'u'.repeat(30)], ['telegram', '42']] as const) {
      const cm = await engine.invoke('contactMethods.create', { type, label: type, address });
      ids.push((await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 1, contactMethodId: cm.id })).id);
    }
    expect((await engine.invoke('channels.problems', {})).map((p) => `${p.title}: ${p.reason}`)).toEqual(['Email: no SMTP server', 'Pushover: no application token stored', 'Telegram: no bot token stored']);
    await engine.channelSetup.check();
    expect(engine.health.snapshot().problems.find((p) => p.code === 'channel_setup')?.message).toMatch(/^Email needs Email.*Pushover needs Pushover.*Telegram needs Telegram.*set them up in Settings → Channels\.$/);
    for (const id of ids) await engine.invoke('notificationRules.delete', { id });
    await engine.channelSetup.check();
    expect(engine.health.has('channel_setup')).toBe(false);
  });
});

describe('a failed page marks its incident', () => {
  /** An SMS channel that fails until `works` is set, as an unset-up vendor would. */
  async function failingSmsEngine() {
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    let works = false;
    const channels = new ChannelRegistry();
    const ok: Channel = { type: 'desktop', send: async () => ({ ok: true }) };
    const sms: Channel = { type: 'sms', send: async () => (works ? { ok: true } : { ok: false, retryable: false, error: 'SMS is not set up: choose a provider in Settings → Channels' }) };
    channels.register(ok);
    channels.register(sms);
    const engine = new Engine({ databasePath: ':memory:', clock, channels });
    await engine.start();
    await engine.invoke('channels.update', { kind: 'delivery', settings: { retries: 0 } });
    const cm = await engine.invoke('contactMethods.create', { type: 'sms', label: 'Mobile', address: '+14155550123' });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: cm.id });
    const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
    const settle = async () => {
      await clock.advance(0);
      await engine.lifecycle.idle();
    };
    return { engine, clock, settle, serviceId, cm, fix: () => void (works = true) };
  }

  it('the list, the incident and its event carry the reason; a later delivery by the same contact method clears it', async () => {
    const { engine, settle, serviceId, cm, fix, clock } = await failingSmsEngine();
    const changed: Array<number | null> = [];
    engine.on((e) => void (e.type === 'incident.changed' && changed.push(e.data.incident.pageFailure?.contactMethodId ?? null)));
    const r = await engine.invoke('incidents.trigger', { serviceId, title: 'Disk full' });
    if (r.status === 'suppressed') throw new Error('suppressed');
    expect(r.incident.pageFailure).toBeNull();
    await settle();
    const listed = (await engine.invoke('incidents.list', {})).incidents[0]!;
    expect(listed.pageFailure).toEqual({ contactMethodId: cm.id, contactType: 'sms', label: 'Mobile', error: 'SMS is not set up: choose a provider in Settings → Channels', at: new Date(clock.now()).toISOString() });
    expect((await engine.invoke('incidents.get', { id: r.incident.id })).pageFailure?.contactType).toBe('sms');
    expect(changed).toContain(cm.id);

    // The desktop delivered meanwhile, which does not hide that SMS fails; a delivered SMS does.
    fix();
    await engine.invoke('incidents.escalate', { id: r.incident.id });
    await settle();
    expect((await engine.invoke('incidents.list', {})).incidents[0]!.pageFailure).toBeNull();
    expect(changed.at(-1)).toBeNull();
  });
});
