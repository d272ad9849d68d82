/**
 * End to end on fake time, through the real channels: desktop now, SMS after 5 min and a call after
 * 10 (Twilio's fake on loopback), the backup contact's email after 15 (level 2, a real SMTP server).
 * Acknowledging at minute 7 produces exactly desktop + SMS; nobody acknowledging reaches everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import type { DesktopNotification } from '../../../electron/engine/notify/channel.ts';
import { builtinChannels } from '../../../electron/engine/notify/registry.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { onCallSetup, type TestEngine } from '../../helpers/engine.ts';
import { FakeHttp, form } from './fake-http.ts';
import { FakeSmtp } from './fake-smtp.ts';

const SID = `AC${'ab'.repeat(16)}`;
let twilio: FakeHttp;
let smtp: FakeSmtp;

beforeAll(async () => {
  twilio = await new FakeHttp({ ok: () => ({ status: 201, body: '{"sid":"SM1"}' }), transient: () => ({ status: 503 }), permanent: () => ({ status: 400 }) }).start();
  smtp = await new FakeSmtp({ user: 'pager', password: 'smtp-pass-e2e', from: 'standby@example.net', to: 'sam@example.com' }).start();
});
afterAll(async () => {
  await twilio.close();
  await smtp.close();
});

async function setup() {
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  const shown: DesktopNotification[] = [];
  const engine = new Engine({ databasePath: ':memory:', clock, channels: builtinChannels({ show: async (n) => void shown.push(n) }), secrets: new MemorySecretStore() });
  await engine.start();
  await engine.invoke('profile.update', { name: 'Ada', email: '', phone: '', timeZone: 'UTC' });
  const smtpPort = Number(new URL(smtp.url).port);
  // answers: false: this fake only takes pages; reading SMS replies is test/engine/responders/sms.test.ts.
  await engine.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: '+14155550100', baseUrl: twilio.url, answers: false } });
  await engine.invoke('channels.update', { kind: 'sms', settings: { provider: 'twilio' } });
  await engine.invoke('channels.update', { kind: 'voice', settings: { provider: 'twilio' } });
  await engine.invoke('channels.update', { kind: 'email', settings: { host: '127.0.0.1', port: smtpPort, security: 'none', user: 'pager', from: 'standby@example.net' } });
  // Entered once the channels point where they send, as in Settings: each secret is bound to its channel's server and account.
  await engine.invoke('channels.setSecret', { kind: 'twilio', value: 'twilio-token-e2e' });
  await engine.invoke('channels.setSecret', { kind: 'email', value: 'smtp-pass-e2e' });
  const start = clock.now();
  const t = { engine, clock, start } as unknown as TestEngine;
  const { service } = await onCallSetup(t);
  const advance = async (minutes: number) => {
    await clock.advanceMinutes(minutes);
    await engine.lifecycle.idle();
  };
  const r = await engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Blog returns 500', details: { url: 'https://blog.example.com', status: 500 } });
  if (r.status === 'suppressed') throw new Error(r.reason);
  await advance(0);
  return { engine, shown, advance, id: r.incident.id };
}

const twilioPaths = () => twilio.received.map((r) => r.path.replace(`/2010-04-01/Accounts/${SID}/`, ''));

describe('an incident acknowledged at minute 7', () => {
  it('produces exactly desktop + SMS, and the timeline shows each with its outcome', async () => {
    twilio.received.length = 0;
    const mails = smtp.messages.length;
    const { engine, shown, advance, id } = await setup();
    expect(shown.map((n) => n.title)).toEqual(['#1 Blog returns 500']);
    await advance(7);
    expect(twilioPaths()).toEqual(['Messages.json']);
    expect(form(twilio.received[0]!.body)).toMatchObject({ To: '+14155550123', From: '+14155550100' });
    expect(form(twilio.received[0]!.body).Body).toContain('#1 HIGH: Blog returns 500 (Blog)');
    await engine.invoke('incidents.acknowledge', { id });
    await advance(60);
    expect(shown).toHaveLength(1);
    expect(twilioPaths()).toEqual(['Messages.json']);
    expect(smtp.messages.length).toBe(mails);
    const timeline = engine.incidents.timeline(id);
    const notes = timeline.filter((e) => e.type === 'notify');
    expect(notes.map((e) => [e.data.contactType, e.data.outcome, e.at])).toEqual([
      ['desktop', 'delivered', '2026-03-02T12:00:00.000Z'],
      ['sms', 'delivered', '2026-03-02T12:05:00.000Z'],
    ]);
    expect(notes.map((e) => e.message)).toEqual(['Notified desktop "This computer": delivered', 'Notified sms "Mobile (SMS)": delivered']);
    expect(timeline.map((e) => e.type)).toEqual(['trigger', 'notify', 'notify', 'acknowledge']);
    await engine.stop();
  });
});

describe('an incident nobody acknowledges', () => {
  it('reaches desktop, SMS, a call and, at level 2, the backup contact by email', async () => {
    twilio.received.length = 0;
    const mails = smtp.messages.length;
    const { engine, shown, advance, id } = await setup();
    await advance(16);
    expect(shown).toHaveLength(1);
    expect(twilioPaths()).toEqual(['Messages.json', 'Calls.json']);
    expect(form(twilio.received[1]!.body).Twiml).toContain('Incident 1, high urgency: Blog returns 500. Service: Blog.');
    expect(smtp.messages.length).toBe(mails + 1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.headers.subject).toBe('[Standby] #1 HIGH: Blog returns 500');
    expect(mail.body).toContain('url: https://blog.example.com');
    expect(mail.body).toContain('Triggered: Mon, Mar 2, 2026');
    const notes = engine.incidents.timeline(id).filter((e) => e.type === 'notify');
    expect(notes.map((e) => [e.data.contactType, e.data.outcome, e.data.level])).toEqual([
      ['desktop', 'delivered', 1],
      ['sms', 'delivered', 1],
      ['voice', 'delivered', 1],
      ['email', 'delivered', 2],
    ]);
    await engine.stop();
  });
});
