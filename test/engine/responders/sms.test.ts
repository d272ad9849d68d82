/**
 * Answering a page SMS from the phone through Twilio: the engine with its built-in channels and
 * responders on fake time, Twilio as a loopback fake that keeps messages and lists them as documented.
 * The "person" replies by adding an inbound message to the fake; a round of the responder is awaited
 * through a wrapper that counts finished polls.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { SMS_ANSWER_HINT, SMS_TEST_HINT } from '../../../electron/engine/notify/channels/twilio-sms.ts';
import { builtinChannels } from '../../../electron/engine/notify/registry.ts';
import { builtinResponders } from '../../../electron/engine/responders/builtin.ts';
import type { Responder } from '../../../electron/engine/responders/responders.ts';
import { REPLY_LEEWAY_MS, SMS_HELP, SMS_POLL_MS } from '../../../electron/engine/responders/sms.ts';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { FakeTwilio } from './fake-twilio.ts';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'tw-Auth-3f9a1c7e5b2d4086';
const TWILIO_NUMBER = '+14155550100';
const PHONE = '+14155550123';
const STRANGER = '+14155559999';
const AUTH = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const START = '2026-12-02T19:00:00Z';

let twilio: FakeTwilio;
let clock: FakeClock;
const running: Engine[] = [];

beforeAll(async () => {
  twilio = await new FakeTwilio(SID, TOKEN).start(() => clock.now());
});
afterAll(() => twilio.close());
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
  twilio.messages.length = 0;
  twilio.calls.length = 0;
  twilio.requests.length = 0;
});

/** World is an engine set up with SMS at 0 minutes and a voice call at 5, and a way to wait for the responder's rounds. */
interface World {
  engine: Engine;
  logs: string[];
  /** polls counts the responder's polls begun. */
  polls: () => number;
  /** round advances fake time by ms and waits for the responder's next poll to finish. */
  round(ms?: number): Promise<void>;
  trigger(title: string): Promise<{ id: number; number: number }>;
}

async function world(o: { databasePath?: string; secrets?: SecretStore; configured?: boolean } = {}): Promise<World> {
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  let polls = 0;
  const observe = (r: Responder): Responder => ({
    ...r,
    active: () => r.active(),
    poll: async (signal) => {
      polls++;
      try {
        return await r.poll(signal);
      } finally {
        for (const w of waiters.splice(0)) w();
      }
    },
  });
  const engine = new Engine({ databasePath: o.databasePath ?? ':memory:', keepBackups: 0, clock, channels: builtinChannels({ show: async () => undefined }), secrets: o.secrets ?? new MemorySecretStore(), log: (l) => logs.push(l), responders: (ctx) => builtinResponders(ctx).map(observe) });
  running.push(engine);
  // Set up already (a restart), the loop polls at once; otherwise it looks again after IDLE_MS (30 s), and that first look only sets the cursor.
  const firstPoll = new Promise<void>((resolve) => waiters.push(resolve));
  await engine.start();
  if (!o.configured) {
    await engine.invoke('channels.update', { kind: 'delivery', settings: { retries: 0, timeoutSeconds: 30 } });
    await engine.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: TWILIO_NUMBER, baseUrl: twilio.url } });
    await engine.invoke('channels.update', { kind: 'sms', settings: { provider: 'twilio' } });
    await engine.invoke('channels.update', { kind: 'voice', settings: { provider: 'twilio' } });
    await engine.invoke('channels.setSecret', { kind: 'twilio', value: TOKEN });
    for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
    const sms = await engine.invoke('contactMethods.create', { type: 'sms', label: 'Mobile', address: PHONE, secretRef: null });
    const voice = await engine.invoke('contactMethods.create', { type: 'voice', label: 'Mobile (call)', address: PHONE, secretRef: null });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: sms.id });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: voice.id });
  }
  const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
  const w: World = {
    engine,
    logs,
    polls: () => polls,
    async round(ms = SMS_POLL_MS) {
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      await clock.advance(ms);
      await done;
      // Let the loop schedule its next sleep before time moves again.
      await new Promise((resolve) => setImmediate(resolve));
      await engine.lifecycle.idle();
    },
    async trigger(title) {
      const r = await engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical', details: {} });
      if (r.status === 'suppressed') throw new Error(r.reason);
      await clock.advance(0);
      await engine.lifecycle.idle();
      return { id: r.incident.id, number: r.incident.number };
    },
  };
  if (o.configured) {
    await firstPoll;
    await new Promise((resolve) => setImmediate(resolve));
  } else {
    await w.round(30_000);
  }
  return w;
}

const status = (e: Engine, id: number) => e.incidents.find(id)?.status;
const timeline = (e: Engine, id: number) => e.incidents.timeline(id).map((t) => t.message);

describe('answering a page SMS through Twilio', () => {
  it('a "4" acknowledges the newest page to that number: timeline, reply SMS, and the voice call due at 5 minutes is not made', async () => {
    clock = new FakeClock(START);
    // An old "6" from before Standby first looked is not applied.
    twilio.inbound(PHONE, TWILIO_NUMBER, '6', Date.parse(START) - 3_600_000);
    const w = await world();
    const { id, number } = await w.trigger('Disk full');
    const page = twilio.messages.find((m) => m.direction === 'outbound-api')!;
    expect(page.to).toBe(PHONE);
    expect(page.from).toBe(TWILIO_NUMBER);
    expect(page.body).toContain(`#${number} HIGH: Disk full`);
    expect(page.body.endsWith(`\n${SMS_ANSWER_HINT}`)).toBe(true);
    expect(w.engine.lifecycle.delivery.receipts.newestTo('sms', PHONE)).toMatchObject({ incidentId: id, receipt: page.sid, channel: 'sms' });

    await clock.advance(60_000);
    twilio.inbound(PHONE, TWILIO_NUMBER, ' 4 ', clock.now());
    await w.round();
    expect(status(w.engine, id)).toBe('acknowledged');
    expect(timeline(w.engine, id)).toContain(`Acknowledged from SMS (${PHONE})`);
    expect(twilio.sent(PHONE).slice(1)).toEqual([`Standby: #${number} Disk full acknowledged`]);

    // Five minutes pass, one poll every 15 s (a single jump would time the keychain read out on fake time).
    for (let i = 0; i < 20; i++) await w.round();
    expect(twilio.calls).toEqual([]);
    expect(status(w.engine, id)).toBe('acknowledged');
    expect(twilio.sent(PHONE)).toHaveLength(2);

    // Every list request is the documented one: the account's Messages.json, To the Twilio number, the cursor's day, 50 a page, HTTP Basic.
    expect(twilio.lists()).toHaveLength(22);
    expect(w.logs.join('\n')).not.toContain('reading answers failed');
    for (const r of twilio.lists()) {
      expect(r.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
      expect(r.rawQuery).toBe(`To=%2B14155550100&DateSent%3E=2026-12-02&PageSize=50`);
      expect(r.authorization).toBe(AUTH);
    }
    const reply = twilio.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect([reply.path, reply.authorization, reply.form]).toEqual([`/2010-04-01/Accounts/${SID}/Messages.json`, AUTH, { To: PHONE, From: TWILIO_NUMBER, Body: `Standby: #${number} Disk full acknowledged` }]);
    expect(w.logs.join('\n')).not.toContain(TOKEN);
  });

  it('"6" resolves the newest page, "ack 1" names incident #1, handled oldest first', async () => {
    clock = new FakeClock(START);
    const w = await world();
    const first = await w.trigger('Disk full');
    await clock.advance(1000);
    const second = await w.trigger('Blog is down');
    await clock.advance(1000);
    twilio.inbound(PHONE, TWILIO_NUMBER, 'ack 1', clock.now());
    await clock.advance(1000);
    twilio.inbound(PHONE, TWILIO_NUMBER, '6', clock.now());
    await w.round();
    expect(status(w.engine, first.id)).toBe('acknowledged');
    expect(status(w.engine, second.id)).toBe('resolved');
    expect(timeline(w.engine, second.id)).toContain(`Resolved from SMS (${PHONE})`);
    expect(twilio.sent(PHONE).slice(2)).toEqual(['Standby: #1 Disk full acknowledged', 'Standby: #2 Blog is down resolved']);

    // "resolve 1" by number; "ack 7" names no incident.
    twilio.inbound(PHONE, TWILIO_NUMBER, 'Resolve #1', clock.now());
    twilio.inbound(PHONE, TWILIO_NUMBER, 'ack 7', clock.now() + 1000);
    await w.round();
    expect(status(w.engine, first.id)).toBe('resolved');
    expect(twilio.sent(PHONE).slice(4)).toEqual(['Standby: #1 Disk full resolved', 'Standby: there is no incident #7.']);
  });

  it('a "4" answers the newest page sent before it, not one sent between the reply and the next read of the list', async () => {
    clock = new FakeClock(START);
    const w = await world();
    const first = await w.trigger('Disk full');
    // Just after a read of the list, the person answers the first page; 10 s later, 5 s before the next read, a second page goes out.
    await w.round();
    twilio.inbound(PHONE, TWILIO_NUMBER, '4', clock.now());
    await clock.advance(REPLY_LEEWAY_MS + 5000);
    const second = await w.trigger('Blog is down');
    await w.round(SMS_POLL_MS - REPLY_LEEWAY_MS - 5000);
    expect(status(w.engine, first.id)).toBe('acknowledged');
    expect(status(w.engine, second.id)).toBe('triggered');
    expect(twilio.sent(PHONE).at(-1)).toBe(`Standby: #${first.number} Disk full acknowledged`);
  });

  it("a stranger's number changes nothing and gets no reply; the person's other text gets the help", async () => {
    clock = new FakeClock(START);
    const w = await world();
    const { id } = await w.trigger('Disk full');
    twilio.inbound(STRANGER, TWILIO_NUMBER, '4', clock.now());
    twilio.inbound(STRANGER, TWILIO_NUMBER, 'resolve 1 xyzzy-private', clock.now());
    twilio.inbound(PHONE, TWILIO_NUMBER, 'what?', clock.now() + 1000);
    await w.round();
    expect(status(w.engine, id)).toBe('triggered');
    expect(twilio.sent(STRANGER)).toEqual([]);
    expect(twilio.sent(PHONE).slice(1)).toEqual([SMS_HELP]);
    const log = w.logs.join('\n');
    expect(log).toContain(`a message from ${STRANGER}`);
    expect(log).not.toContain('xyzzy');

    // Not answered, the voice call due at 5 minutes is made (the same setup as the first test, where it is not).
    for (let i = 0; i < 20; i++) await w.round();
    expect(twilio.calls.map((c) => c.To)).toEqual([PHONE]);
  });

  it('a restart applies each reply exactly once, even two replies sent in the same second', async () => {
    clock = new FakeClock(START);
    const dir = tempDir('standby-sms-');
    const databasePath = join(dir, 'standby.db');
    const secrets = new MemorySecretStore();
    const a = await world({ databasePath, secrets });
    const { id } = await a.trigger('Disk full');
    const at = clock.now() + 2000;
    twilio.inbound(PHONE, TWILIO_NUMBER, 'ack 1', at);
    await a.round();
    expect(status(a.engine, id)).toBe('acknowledged');
    await a.engine.stop();
    running.splice(running.indexOf(a.engine), 1);

    // Sent in the same second as the first: the list shows both again, the cursor knows which it handled.
    twilio.inbound(PHONE, TWILIO_NUMBER, 'resolve 1', at);
    const b = await world({ databasePath, secrets, configured: true });
    expect(status(b.engine, id)).toBe('resolved');
    const messages = timeline(b.engine, id);
    expect(messages.filter((m) => m === `Acknowledged from SMS (${PHONE})`)).toHaveLength(1);
    expect(twilio.sent(PHONE).slice(1)).toEqual(['Standby: #1 Disk full acknowledged', 'Standby: #1 Disk full resolved']);
  });

  it('answers: false turns the polling and the hint in the SMS off', async () => {
    clock = new FakeClock(START);
    const w = await world();
    await w.engine.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: TWILIO_NUMBER, baseUrl: twilio.url, answers: false } });
    const before = w.polls();
    const { id } = await w.trigger('Disk full');
    twilio.inbound(PHONE, TWILIO_NUMBER, '4', clock.now());
    for (let i = 0; i < 4; i++) {
      await clock.advance(SMS_POLL_MS);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(w.polls()).toBe(before);
    expect(status(w.engine, id)).toBe('triggered');
    expect(twilio.sent(PHONE)).toHaveLength(1);
    expect(twilio.sent(PHONE)[0]).not.toContain('Reply 4');
  });

  it('reads the next page when the replies since the cursor fill more than one, and only one page when they do not', async () => {
    clock = new FakeClock(START);
    const w = await world();
    const { id } = await w.trigger('Disk full');
    twilio.inbound(PHONE, TWILIO_NUMBER, '4', clock.now() + 1000);
    for (let i = 0; i < 55; i++) twilio.inbound(STRANGER, TWILIO_NUMBER, `spam ${i}`, clock.now() + 2000 + i * 1000);
    const before = twilio.lists().length;
    await w.round(60_000);
    expect(status(w.engine, id)).toBe('acknowledged');
    const reads = twilio.lists().slice(before);
    expect(reads).toHaveLength(2);
    expect(reads[0]!.rawQuery).toBe('To=%2B14155550100&DateSent%3E=2026-12-02&PageSize=50');
    const next = new URLSearchParams(reads[1]!.rawQuery);
    expect([reads[1]!.path, next.get('To'), next.get('DateSent>'), next.get('PageSize'), next.get('Page'), reads[1]!.authorization]).toEqual([`/2010-04-01/Accounts/${SID}/Messages.json`, TWILIO_NUMBER, '2026-12-02', '50', '1', AUTH]);
    expect(next.get('PageToken')).toMatch(/^PASM/);

    // The next round stops at the first page: it already holds a message older than the cursor.
    await w.round();
    expect(twilio.lists().slice(before + 2)).toHaveLength(1);
    expect(twilio.sent(STRANGER)).toEqual([]);
  });
});

describe('the SMS test round trip and follow-ups', () => {
  it('"Send test" asks for a 4; the reply from the person is the test answer, touches no incident, and a stranger\'s 4 is not', async () => {
    clock = new FakeClock(START);
    const w = await world();
    const sms = (await w.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'sms')!;
    const sent = await w.engine.invoke('contactMethods.test', { id: sms.id });
    expect(sent).toMatchObject({ ok: true, answerTestId: expect.any(Number) });
    expect(twilio.sent(PHONE)[0]!.endsWith(`\n${SMS_TEST_HINT}`)).toBe(true);
    const id = sent.answerTestId!;
    expect(await w.engine.invoke('contactMethods.testAnswer', { id })).toMatchObject({ status: 'waiting', channel: 'sms', via: null, seconds: null });

    twilio.inbound(STRANGER, TWILIO_NUMBER, '4', clock.now() + 1000);
    await w.round();
    expect((await w.engine.invoke('contactMethods.testAnswer', { id })).status).toBe('waiting');

    twilio.inbound(PHONE, TWILIO_NUMBER, '4', clock.now());
    await w.round();
    expect(await w.engine.invoke('contactMethods.testAnswer', { id })).toMatchObject({ status: 'received', via: `SMS (${PHONE})`, seconds: 30 });
    expect(twilio.sent(PHONE).slice(1)).toEqual(['Standby: test answer received. Your SMS answers reach Standby.']);
    expect((await w.engine.invoke('incidents.list', {})).total).toBe(0);

    // A page after the test: a "4" answers the page now, not the old test.
    const { id: incidentId } = await w.trigger('Disk full');
    twilio.inbound(PHONE, TWILIO_NUMBER, '4', clock.now());
    await w.round();
    expect(status(w.engine, incidentId)).toBe('acknowledged');

    // A test id that was never sent is named as such, not answered as waiting.
    await expect(w.engine.invoke('contactMethods.testAnswer', { id: 9999 })).rejects.toThrow('no test send 9999 (a test\'s answer is kept only for the test that asked for it)');

    // Unanswered, a test expires after 10 minutes.
    const late = (await w.engine.invoke('contactMethods.test', { id: sms.id })).answerTestId!;
    await clock.advance(11 * 60_000);
    expect((await w.engine.invoke('contactMethods.testAnswer', { id: late })).status).toBe('expired');
  });

  it('a page acknowledged elsewhere gets one follow-up SMS; answered by SMS, it gets only the reply', async () => {
    clock = new FakeClock(START);
    const w = await world();
    const first = await w.trigger('Disk full');
    await w.engine.invoke('incidents.acknowledge', { id: first.id });
    await w.round();
    expect(twilio.sent(PHONE).slice(1)).toEqual([`Standby: Acknowledged at 19:00 in Standby: #${first.number} Disk full (Default service)`]);
    // Resolved later: the page's loop is closed already, nothing more is sent.
    await w.engine.invoke('incidents.resolve', { id: first.id });
    await w.round();
    expect(twilio.sent(PHONE)).toHaveLength(2);

    const second = await w.trigger('Blog is down');
    twilio.inbound(PHONE, TWILIO_NUMBER, '6', clock.now());
    await w.round();
    expect(status(w.engine, second.id)).toBe('resolved');
    expect(twilio.sent(PHONE).slice(3)).toEqual([`Standby: #${second.number} Blog is down resolved`]);
    expect(w.engine.lifecycle.delivery.receipts.open(second.id)).toEqual([]);
  });
});
