/**
 * Answering a page from Telegram, end to end on fake time against a loopback Bot API that follows
 * getUpdates' documented semantics: the person taps Acknowledge, the incident is acknowledged, the
 * rule due 5 minutes later is not sent, and the message shows the new state. Strangers change nothing;
 * a restart applies each answer exactly once; answers given while Standby was stopped are caught up.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { builtinChannels } from '../../../electron/engine/notify/registry.ts';
import { parseCommand, parseData } from '../../../electron/engine/responders/telegram.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { expectNoSecretIn } from '../../helpers/no-leak.ts';
import { FakeHttp } from '../notify/fake-http.ts';
import { FakeTelegram } from './fake-telegram.ts';

const TOKEN = '731902846:AAFq7Zx3Kv9Wp2Lm8Rt5Yb4Nc6Gd1JfQw';
const CHAT = '4242';

let telegram: FakeTelegram;
let later: FakeHttp;
const engines: Engine[] = [];
const logs: string[] = [];

beforeAll(async () => {
  later = await new FakeHttp({ ok: () => ({ status: 200 }), transient: () => ({ status: 503 }), permanent: () => ({ status: 400 }) }).start();
});
afterAll(() => later.close());
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') console.log(logs.join('\n'), JSON.stringify(telegram.calls.map((c) => c.method)));
  logs.length = 0;
  for (const e of engines.splice(0)) await e.stop();
  await telegram?.close();
  later.received.length = 0;
});

interface Setup {
  engine: Engine;
  clock: FakeClock;
  path: string;
  secrets: MemorySecretStore;
}

async function open(path: string, secrets: MemorySecretStore, clock: FakeClock): Promise<Engine> {
  const engine = new Engine({ databasePath: path, keepBackups: 0, clock, channels: builtinChannels({ show: async () => undefined }), secrets, log: (l) => logs.push(l) });
  engines.push(engine);
  await engine.start();
  return engine;
}

/** setup: a Telegram page at once, a webhook page ("the call") 5 minutes later, and the responder listening. */
async function setup(): Promise<Setup> {
  telegram = await new FakeTelegram(TOKEN).start();
  const clock = new FakeClock('2026-03-02T03:10:00Z');
  const path = join(tempDir(), 'standby.db');
  const secrets = new MemorySecretStore();
  const engine = await open(path, secrets, clock);
  for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
  await engine.invoke('channels.update', { kind: 'delivery', settings: { retries: 0 } });
  await engine.invoke('channels.update', { kind: 'telegram', settings: { baseUrl: telegram.url } });
  await engine.invoke('channels.setSecret', { kind: 'telegram', value: TOKEN });
  const phone = await engine.invoke('contactMethods.create', { type: 'telegram', label: 'Telegram', address: CHAT, secretRef: null });
  const call = await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Call', address: `${later.url}/call`, secretRef: null });
  await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: phone.id });
  await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: call.id });
  await listening({ engine, clock });
  return { engine, clock, path, secrets };
}

/** listening moves time past the responder's idle wait until the bot holds a long poll. */
async function listening(s: { engine: Engine; clock: FakeClock }): Promise<void> {
  await expect
    .poll(async () => {
      if (!telegram.listening) await s.clock.advance(30_000);
      return telegram.listening;
    }, { timeout: 20_000 })
    .toBe(true);
}

async function trigger(s: { engine: Engine; clock: FakeClock }): Promise<{ id: number; number: number; messageId: number }> {
  const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
  const r = await s.engine.invoke('incidents.trigger', { serviceId, title: 'Disk full on db-1', severity: 'critical' });
  if (r.status === 'suppressed') throw new Error(r.reason);
  await s.clock.advance(0);
  await s.engine.lifecycle.idle();
  const page = telegram.of('sendMessage').at(-1)!;
  const messageId = [...telegram.sent.keys()].at(-1)!;
  expect(page.body.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Acknowledge', callback_data: `a:${r.incident.id}` }, { text: 'Resolve', callback_data: `r:${r.incident.id}` }], [{ text: 'Snooze 1 h', callback_data: `s:${r.incident.id}:60` }]] });
  expect(String(page.body.text)).toContain(`/ack ${r.incident.number}`);
  return { id: r.incident.id, number: r.incident.number, messageId };
}

const status = (e: Engine, id: number) => e.invoke('incidents.get', { id }).then((i) => i.status);
const timeline = (e: Engine, id: number) => e.incidents.timeline(id).map((t) => t.message);

describe('Telegram: the person answers from the phone', () => {
  it('a tap on Acknowledge acknowledges, the call due 5 minutes later is not made, and the message shows the new state', async () => {
    const s = await setup();
    expect((await s.engine.invoke('responders.status', {})).find((r) => r.channel === 'telegram')).toMatchObject({ state: 'listening', error: null });
    const inc = await trigger(s);
    telegram.tap(inc.messageId, `a:${inc.id}`);
    await expect.poll(() => status(s.engine, inc.id), { timeout: 20_000 }).toBe('acknowledged');
    expect(timeline(s.engine, inc.id)).toContain(`Acknowledged from Telegram (chat ${CHAT})`);
    await expect.poll(() => telegram.of('answerCallbackQuery').length, { timeout: 20_000 }).toBe(1);
    expect(telegram.of('answerCallbackQuery')[0]!.body.text).toBe(`#${inc.number} acknowledged`);
    const hhmm = new Date(s.clock.now()).toISOString().slice(11, 16);
    await expect.poll(() => telegram.sent.get(inc.messageId)?.text, { timeout: 20_000 }).toBe(`Acknowledged at ${hhmm} from Telegram (chat ${CHAT}): #${inc.number} Disk full on db-1 (Default service)`);
    expect(telegram.sent.get(inc.messageId)?.replyMarkup).toBeUndefined();

    await s.clock.advance(6 * 60_000);
    await s.engine.lifecycle.idle();
    expect(later.received).toHaveLength(0);
    // Every getUpdates asked for answers only, with the documented long poll.
    for (const c of telegram.of('getUpdates')) expect(c.body).toMatchObject({ timeout: 50, allowed_updates: ['message', 'callback_query'] });
  });

  it('/resolve 12 and Snooze 1 h work by command and by button; an incident acknowledged in Standby edits the message', async () => {
    const s = await setup();
    const first = await trigger(s);
    telegram.say(CHAT, `/resolve ${first.number}`);
    await expect.poll(() => status(s.engine, first.id), { timeout: 20_000 }).toBe('resolved');
    await expect.poll(() => telegram.of('sendMessage').at(-1)?.body.text, { timeout: 20_000 }).toBe(`#${first.number} resolved: Disk full on db-1`);

    const second = await trigger(s);
    const until = new Date(s.clock.now() + 60 * 60_000).toISOString();
    telegram.tap(second.messageId, `s:${second.id}:60`);
    await expect.poll(() => s.engine.invoke('incidents.get', { id: second.id }).then((i) => [i.status, i.snoozedUntil]), { timeout: 20_000 }).toEqual(['acknowledged', until]);
    expect(timeline(s.engine, second.id)).toContain(`Acknowledged from Telegram (chat ${CHAT})`);

    const third = await trigger(s);
    await s.engine.invoke('incidents.acknowledge', { id: third.id });
    await expect.poll(() => telegram.sent.get(third.messageId)?.text, { timeout: 20_000 }).toBe(`Acknowledged at ${new Date(s.clock.now()).toISOString().slice(11, 16)} in Standby: #3 Disk full on db-1 (Default service)`);
  });

  it('answers from strangers change nothing: another chat, a message Standby did not send, a button naming another incident', async () => {
    const s = await setup();
    const inc = await trigger(s);
    telegram.tap(inc.messageId, `a:${inc.id}`, { chatId: '9999' });
    telegram.say('9999', `/ack ${inc.number}`);
    telegram.tap(inc.messageId, `a:${inc.id + 1}`);
    telegram.tap(inc.messageId + 50, `a:${inc.id}`, { chatId: CHAT });
    // All four are read (the bot confirms them with its next offset) and none acts.
    await expect.poll(() => telegram.of('getUpdates').some((c) => typeof c.body.offset === 'number' && c.body.offset >= 500_004), { timeout: 20_000 }).toBe(true);
    expect(await status(s.engine, inc.id)).toBe('triggered');
    expect(telegram.of('answerCallbackQuery').map((c) => c.body.text)).toEqual(['Standby does not know this page.', 'Standby does not know this page.', 'Standby does not know this page.']);
  });

  it('applies each answer once across restarts, and catches up on answers given while it was stopped', async () => {
    const s = await setup();
    const inc = await trigger(s);
    // Snooze: applying it twice would show (a second "Snoozed until" entry), unlike a second acknowledge.
    telegram.tap(inc.messageId, `s:${inc.id}:60`);
    await expect.poll(() => timeline(s.engine, inc.id).filter((m) => m.startsWith('Snoozed until')).length, { timeout: 20_000 }).toBe(1);
    await s.engine.stop();
    engines.splice(engines.indexOf(s.engine), 1);

    // While Standby is stopped for an hour, the person resolves it from the phone; Telegram also sends the old tap again.
    telegram.replayConfirmed = true;
    telegram.say(CHAT, `/resolve ${inc.number}`);
    await s.clock.advance(60 * 60_000);
    const again = await open(s.path, s.secrets, s.clock);
    await expect.poll(() => status(again, inc.id), { timeout: 20_000 }).toBe('resolved');
    await again.stop();
    engines.splice(engines.indexOf(again), 1);
    const third = await open(s.path, s.secrets, s.clock);
    // Telegram sends both old updates again and again; Standby reads them (past its idle wait) and applies neither.
    const before = telegram.of('getUpdates').length;
    await expect
      .poll(async () => {
        await s.clock.advance(30_000);
        return telegram.of('getUpdates').length - before;
      }, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    const entries = timeline(third, inc.id);
    expect(entries.filter((m) => m === `Acknowledged from Telegram (chat ${CHAT})`)).toHaveLength(1);
    expect(entries.filter((m) => m === `Resolved from Telegram (chat ${CHAT})`)).toHaveLength(1);
    expect(entries.filter((m) => m.startsWith('Snoozed until'))).toHaveLength(1);
  });
});

describe('the Telegram responder when Telegram cannot be reached', () => {
  it('says it is failing and why (responders.status), without the token', async () => {
    const s = await setup();
    await telegram.close();
    await expect
      .poll(async () => {
        await s.clock.advance(1000);
        return (await s.engine.invoke('responders.status', {})).find((r) => r.channel === 'telegram')?.state;
      }, { timeout: 20_000 })
      .toBe('failing');
    const failing = (await s.engine.invoke('responders.status', {})).find((r) => r.channel === 'telegram')!;
    expect(failing.error).toMatch(/^Telegram getUpdates failed \(/);
    expectNoSecretIn(`${JSON.stringify(failing)}\n${logs.join('\n')}`, [TOKEN]);
    expect(failing.lastOkAt).not.toBeNull();
  });
});

describe('what a Telegram answer may say', () => {
  it('reads button data and commands, refusing anything else', () => {
    expect(parseData('a:7')).toEqual({ incidentId: 7, action: { type: 'acknowledge' } });
    expect(parseData('s:7:240')).toEqual({ incidentId: 7, action: { type: 'snooze', minutes: 240 } });
    expect(parseData('x:7')).toBeUndefined();
    expect(parseData('s:7:0')).toBeUndefined();
    expect(parseCommand('/ack 12')).toEqual({ number: 12, action: { type: 'acknowledge' } });
    expect(parseCommand('resolve #12')).toEqual({ number: 12, action: { type: 'resolve' } });
    expect(parseCommand('/snooze@standby_bot 12 2h')).toEqual({ number: 12, action: { type: 'snooze', minutes: 120 } });
    expect(parseCommand('/ack twelve')).toBeUndefined();
  });
});

describe('the Telegram test round trip', () => {
  it('"Send test" carries an answer button; a tap in the person\'s chat is the answer, a stranger\'s tap is not', async () => {
    const s = await setup();
    const phone = (await s.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'telegram')!;
    const sent = await s.engine.invoke('contactMethods.test', { id: phone.id });
    expect(sent).toMatchObject({ ok: true, answerTestId: expect.any(Number) });
    const id = sent.answerTestId!;
    const messageId = [...telegram.sent.keys()].at(-1)!;
    const markup = telegram.of('sendMessage').at(-1)!.body.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
    expect(markup.inline_keyboard).toHaveLength(1);
    expect(markup.inline_keyboard[0]![0]!.text).toBe('Answer this test');
    const data = markup.inline_keyboard[0]![0]!.callback_data;
    expect(data).toMatch(/^t:[0-9a-f]{16}$/);

    telegram.tap(messageId, data, { chatId: '9999' });
    await expect.poll(() => telegram.of('answerCallbackQuery').length, { timeout: 20_000 }).toBe(1);
    expect(telegram.of('answerCallbackQuery')[0]!.body.text).toBe('Standby is not waiting for this test.');
    expect((await s.engine.invoke('contactMethods.testAnswer', { id })).status).toBe('waiting');

    await s.clock.advance(4000);
    telegram.tap(messageId, data);
    await expect.poll(() => s.engine.invoke('contactMethods.testAnswer', { id }), { timeout: 20_000 }).toMatchObject({ status: 'received', via: `Telegram (chat ${CHAT})`, seconds: 4 });
    await expect.poll(() => telegram.of('answerCallbackQuery').length, { timeout: 20_000 }).toBe(2);
    expect(telegram.of('answerCallbackQuery')[1]!.body.text).toBe('Answer received: Telegram answers reach Standby.');
    expect((await s.engine.invoke('incidents.list', {})).total).toBe(0);
  });
});

describe('a tap that reaches Standby before its own send has returned', () => {
  /** settle gives a responder that would call the page unknown time to do so (it answers the tap at once then). */
  const settle = async () => {
    for (let i = 0; i < 20 && telegram.of('answerCallbackQuery').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  };

  it('acknowledges the page: the responder waits for the send under way instead of calling the page unknown', async () => {
    const s = await setup();
    telegram.holdSends = true;
    const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    const r = await s.engine.invoke('incidents.trigger', { serviceId, title: 'Disk full on db-1', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    // Not awaited: advancing runs the job runner's tick, which waits for the send.
    const ticking = s.clock.advance(0);
    // The message is on the phone; Telegram's answer to sendMessage has not reached Standby yet.
    await expect.poll(() => telegram.sent.size, { timeout: 20_000 }).toBe(1);
    const messageId = [...telegram.sent.keys()][0]!;
    telegram.tap(messageId, `a:${r.incident.id}`);
    await settle();
    expect(logs.filter((l) => l.includes('ignored a button tap'))).toEqual([]);
    telegram.releaseSends();
    await ticking;
    await expect.poll(() => status(s.engine, r.incident.id), { timeout: 20_000 }).toBe('acknowledged');
    await expect.poll(() => telegram.of('answerCallbackQuery').map((c) => c.body.text), { timeout: 20_000 }).toEqual([`#${r.incident.number} acknowledged`]);
  });

  it('a tap on a page whose sendMessage answer was lost (no receipt, the page failed as far as Standby knows) answers its incident', async () => {
    const s = await setup();
    telegram.loseAnswers = 1;
    const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    const r = await s.engine.invoke('incidents.trigger', { serviceId, title: 'Disk full on db-1', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    await s.clock.advance(0);
    await s.engine.lifecycle.idle();
    // Telegram has the message; Standby recorded the page as failed (no retries in this setup), with no receipt.
    expect(telegram.sent.size).toBe(1);
    expect(timeline(s.engine, r.incident.id).some((m) => /^Notifying telegram "Telegram" failed/.test(m))).toBe(true);
    const messageId = [...telegram.sent.keys()][0]!;
    telegram.tap(messageId, `a:${r.incident.id}`);
    await expect.poll(() => status(s.engine, r.incident.id), { timeout: 20_000 }).toBe('acknowledged');
    await expect.poll(() => telegram.of('answerCallbackQuery').map((c) => c.body.text), { timeout: 20_000 }).toEqual([`#${r.incident.number} acknowledged`]);
    // A message Standby has no page for, naming an incident it paged with a receipt, is still refused.
    const other = await trigger(s);
    telegram.tap(other.messageId + 50, `a:${other.id}`, { chatId: CHAT });
    await expect.poll(() => telegram.of('answerCallbackQuery').length, { timeout: 20_000 }).toBe(2);
    expect(telegram.of('answerCallbackQuery')[1]!.body.text).toBe('Standby does not know this page.');
    expect(await status(s.engine, other.id)).toBe('triggered');
  });

  it('answers a test the same way', async () => {
    const s = await setup();
    telegram.holdSends = true;
    const phone = (await s.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'telegram')!;
    const sending = s.engine.invoke('contactMethods.test', { id: phone.id });
    await expect.poll(() => telegram.sent.size, { timeout: 20_000 }).toBe(1);
    const markup = telegram.of('sendMessage')[0]!.body.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> };
    telegram.tap([...telegram.sent.keys()][0]!, markup.inline_keyboard[0]![0]!.callback_data);
    await settle();
    telegram.releaseSends();
    const sent = await sending;
    expect(sent).toMatchObject({ ok: true, answerTestId: expect.any(Number) });
    await expect.poll(() => s.engine.invoke('contactMethods.testAnswer', { id: sent.answerTestId! }), { timeout: 20_000 }).toMatchObject({ status: 'received', via: `Telegram (chat ${CHAT})` });
    await expect.poll(() => telegram.of('answerCallbackQuery').map((c) => c.body.text), { timeout: 20_000 }).toEqual(['Answer received: Telegram answers reach Standby.']);
  });
});
