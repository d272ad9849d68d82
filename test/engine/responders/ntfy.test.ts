/**
 * Answering from ntfy: a page's Acknowledge and Resolve buttons publish signed single-use tokens to the
 * installation's reply topic on a loopback ntfy server (fake-ntfy.ts), and the ntfy responder reads the
 * topic's JSON stream and applies each answer once, across dropped streams and restarts. The person's
 * "tap" is the request the ntfy app makes for an http action: a POST of the button's body to its URL.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { ntfyChannel, NTFY_TOPIC_KEY } from '../../../electron/engine/notify/channels/ntfy.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { NTFY_CURSOR, NTFY_SILENCE_MS } from '../../../electron/engine/responders/ntfy.ts';
import { IDLE_MS } from '../../../electron/engine/responders/responders.ts';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir, waitFor } from '../../helpers/headless.ts';
import { FakeNtfy, type NtfyMessage } from './fake-ntfy.ts';

const ACCESS_TOKEN = 'tk_Nf8Qz3Xv7Kw2Rp9Lm5Yd4Tb6';
const PAGE_TOPIC = 'standby-alerts';
const START = '2026-03-02T12:00:00Z';
/** TOKEN is an ack link token (notify/ack-links.ts): base64url payload "." base64url tag. */
const TOKEN = /^[A-Za-z0-9_-]{28}\.[A-Za-z0-9_-]{22}$/;

type Action = { action: string; label: string; url: string; method: string; body: string; clear: boolean };

let clock: FakeClock;
let fake: FakeNtfy;
let logs: string[];
const engines: Engine[] = [];

beforeEach(async () => {
  clock = new FakeClock(START);
  logs = [];
  fake = await new FakeNtfy(() => clock.now(), ACCESS_TOKEN, /^standby-[0-9a-f]{32}$/).start();
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  await fake.close();
});

/** boot starts an engine with the ntfy channel (and the built-in responders) on the shared fake clock. */
async function boot(secrets: SecretStore, databasePath = ':memory:'): Promise<Engine> {
  const channels = new ChannelRegistry();
  channels.register(ntfyChannel);
  const engine = new Engine({ databasePath, clock, channels, secrets, log: (l) => logs.push(l) });
  engines.push(engine);
  await engine.start();
  return engine;
}

/** configure sets up ntfy with answers on, ack links, the access token and rules at 0 and 5 minutes; it waits until the reply topic is read. */
async function configure(engine: Engine, answers = true): Promise<string | undefined> {
  for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
  await engine.invoke('channels.update', { kind: 'ntfy', settings: { server: fake.url, tokenRef: 'ntfy.token', answers } });
  await engine.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: 'https://standby.example.net', ttlMinutes: 10 } });
  await engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 30, retries: 2, retryBaseSeconds: 10 } });
  const contact = await engine.invoke('contactMethods.create', { type: 'ntfy', label: 'Phone (ntfy)', address: PAGE_TOPIC, secretRef: null });
  await engine.invoke('secrets.set', { ref: 'ntfy.token', value: ACCESS_TOKEN });
  for (const startDelayMinutes of [0, 5]) await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes, contactMethodId: contact.id });
  // The loop found ntfy not set up at start and looks again after IDLE_MS; time moves in small steps (a long jump would
  // also expire the deadline of a keychain read in flight) until it has subscribed.
  if (!answers) {
    await clock.advance(IDLE_MS);
    return undefined;
  }
  await waitFor(async () => {
    const topic = replyTopic(engine);
    if (topic && fake.subscribed(topic) === 1) return true;
    await clock.advance(1000);
    return false;
  }, 'the responder to subscribe to the reply topic');
  return replyTopic(engine);
}

const replyTopic = (e: Engine) => e.lifecycle.delivery.receipts.cursor(NTFY_TOPIC_KEY);
const cursor = (e: Engine) => e.lifecycle.delivery.receipts.cursor(NTFY_CURSOR);

async function trigger(engine: Engine): Promise<number> {
  const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
  const r = await engine.invoke('incidents.trigger', { serviceId, title: 'Disk full on db-1', severity: 'critical' });
  if (r.status === 'suppressed') throw new Error(r.reason);
  await clock.advance(0);
  await engine.lifecycle.idle();
  return r.incident.id;
}

/** buttons reads the newest page's action buttons. */
function buttons(): { ack: Action; resolve: Action } {
  const page = fake.published(PAGE_TOPIC).at(-1) as NtfyMessage;
  const [ack, resolve] = page.actions as Action[];
  return { ack: ack!, resolve: resolve! };
}

/** tap does what the ntfy app does for an http action button: the request, with the button's body, and nothing else. */
async function tap(a: { url: string; method: string; body: string }): Promise<string> {
  const res = await fetch(a.url, { method: a.method, body: a.body });
  expect(res.status).toBe(200);
  return ((await res.json()) as NtfyMessage).id;
}

/** read waits until the responder has read up to a message id. */
async function read(engine: Engine, id: string): Promise<void> {
  await waitFor(() => cursor(engine) === id, `the responder to read message ${id}`);
}

const timeline = (e: Engine, id: number) => e.incidents.timeline(id);
const acks = (e: Engine, id: number) => timeline(e, id).filter((t) => t.type === 'acknowledge');

describe('answering from an ntfy button', () => {
  it('acknowledges the incident from the Acknowledge button, and the rule due at 5 minutes is not sent', async () => {
    const engine = await boot(new MemorySecretStore());
    const topic = (await configure(engine)) as string;
    expect(topic).toMatch(/^standby-[0-9a-f]{32}$/);
    const id = await trigger(engine);

    const { ack, resolve } = buttons();
    expect(ack).toEqual({ action: 'http', label: 'Acknowledge', url: `${fake.url}/${topic}`, method: 'POST', body: expect.stringMatching(TOKEN), clear: true });
    expect(resolve).toEqual({ action: 'http', label: 'Resolve', url: `${fake.url}/${topic}`, method: 'POST', body: expect.stringMatching(TOKEN), clear: true });
    expect(ack.body).not.toBe(resolve.body);

    await read(engine, await tap(ack));
    expect(engine.incidents.get(id).status).toBe('acknowledged');
    expect(acks(engine, id).map((t) => t.message)).toEqual([`Acknowledged from ntfy (${fake.url})`]);

    await clock.advance(5 * 60_000);
    await engine.lifecycle.idle();
    expect(fake.published(PAGE_TOPIC)).toHaveLength(1);
    expect(timeline(engine, id).filter((t) => t.type === 'notify')).toHaveLength(1);
  });

  it('makes the exact requests ntfy documents: publish as JSON with the token, subscribe with since= and the token', async () => {
    const engine = await boot(new MemorySecretStore());
    const topic = (await configure(engine)) as string;
    // When the topic was made (the loop's first round once set up): its first stream starts there.
    const createdAt = Math.floor((engine.store.prepare("SELECT updated_at FROM responder_state WHERE name = 'ntfy.topic'").get() as { updated_at: number }).updated_at / 1000);
    await trigger(engine);
    const tapped = await tap(buttons().ack);
    await read(engine, tapped);

    // https://docs.ntfy.sh/subscribe/api/#fetch-cached-messages: the first stream starts at the time the topic was made.
    const subs = fake.subscriptions();
    expect(subs.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([['GET', `/${topic}/json?since=${createdAt}`, `Bearer ${ACCESS_TOKEN}`]]);
    // https://docs.ntfy.sh/publish/#publish-as-json and https://docs.ntfy.sh/publish/#access-tokens.
    const publishes = fake.requests.filter((r) => r.method === 'POST' && r.path === '/');
    expect(publishes.map((r) => [r.headers.authorization, (JSON.parse(r.body) as { topic: string }).topic])).toEqual([[`Bearer ${ACCESS_TOKEN}`, PAGE_TOPIC]]);
    // The phone's tap: the token as the body of a POST to the reply topic, no credential (the topic allows anonymous writes).
    const taps = fake.requests.filter((r) => r.path === `/${topic}`);
    expect(taps.map((r) => [r.method, r.body, r.headers.authorization])).toEqual([['POST', buttons().ack.body, undefined]]);
  });

  it('does nothing for a forged, a reused or an expired token, and logs each without the token', async () => {
    const engine = await boot(new MemorySecretStore());
    await configure(engine);
    const id = await trigger(engine);
    const { ack, resolve } = buttons();
    const tag = resolve.body.split('.')[1]!;
    const forged = `${resolve.body.split('.')[0]}.${tag.slice(0, 10)}${tag[10] === 'A' ? 'B' : 'A'}${tag.slice(11)}`;

    await tap({ ...resolve, body: forged });
    await tap(ack);
    await read(engine, await tap(ack));
    expect(engine.incidents.get(id).status).toBe('acknowledged');
    expect(acks(engine, id)).toHaveLength(1);
    expect(engine.store.prepare('SELECT COUNT(*) AS n FROM ack_link_uses').get()).toEqual({ n: 1 });
    expect(logs.filter((l) => l.startsWith('ntfy: a message on the reply topic changed nothing (forged)'))).toHaveLength(1);
    expect(logs.filter((l) => l.startsWith('ntfy: a message on the reply topic changed nothing (used)'))).toHaveLength(1);

    // Past the links' 10 minutes the Resolve token is expired; the silent stream is opened again meanwhile.
    const before = fake.subscriptions().length;
    await clock.advance(11 * 60_000);
    // Fake time moves on until the backoff after the silent streams is over (the backoff is at most 5 minutes).
    await waitFor(async () => {
      await clock.advance(5000);
      return fake.subscriptions().length > before && fake.subscribed(replyTopic(engine)!) === 1;
    }, 'the stream to be opened again', 40_000);
    await read(engine, await tap(resolve));
    expect(engine.incidents.get(id).status).toBe('acknowledged');
    expect(logs.filter((l) => l.startsWith('ntfy: a message on the reply topic changed nothing (expired)'))).toHaveLength(1);
    for (const secret of [ack.body, resolve.body, ACCESS_TOKEN]) expect(logs.join('\n')).not.toContain(secret);
  });
});

describe('the reply topic stream', () => {
  it('resumes after a dropped stream and after a restart with since=<last message id>, applying each answer once', async () => {
    const secrets = new MemorySecretStore();
    const databasePath = join(tempDir('standby-ntfy-'), 'standby.db');
    const first = await boot(secrets, databasePath);
    const topic = (await configure(first)) as string;
    const id = await trigger(first);
    const { ack, resolve } = buttons();
    const acked = await tap(ack);
    await read(first, acked);

    // A server restart ends the stream cleanly: it is opened again at once, from the last message read.
    fake.drop();
    await waitFor(() => fake.subscriptions().length === 2 && fake.subscribed(topic) === 1, 'the stream to be opened again');
    expect(fake.subscriptions()[1]!.path).toBe(`/${topic}/json?since=${acked}`);

    // Resolve tapped while Standby is not running: read at the next start, and the acknowledgement is not read again.
    engines.splice(0);
    await first.stop();
    const resolved = await tap(resolve);
    const second = await boot(secrets, databasePath);
    await read(second, resolved);
    expect(fake.subscriptions()[2]!.path).toBe(`/${topic}/json?since=${acked}`);
    expect(second.incidents.get(id).status).toBe('resolved');
    expect(acks(second, id)).toHaveLength(1);
    expect(timeline(second, id).filter((t) => t.type === 'resolve').map((t) => t.message)).toEqual([`Resolved from ntfy (${fake.url})`]);
    expect(logs.filter((l) => l.includes('changed nothing'))).toEqual([]);
  });

  it('applies nothing twice when the last message read has left the server\'s cache and everything is replayed', async () => {
    const engine = await boot(new MemorySecretStore());
    const topic = (await configure(engine)) as string;
    const id = await trigger(engine);
    const { ack, resolve } = buttons();
    const acked = await tap(ack);
    await read(engine, acked);
    const resolved = await tap(resolve);
    await read(engine, resolved);

    fake.forget(resolved);
    fake.drop();
    await read(engine, acked);
    expect(fake.subscriptions().at(-1)!.path).toBe(`/${topic}/json?since=${resolved}`);
    expect(acks(engine, id)).toHaveLength(1);
    expect(engine.incidents.get(id).status).toBe('resolved');
    expect(logs.filter((l) => l.startsWith('ntfy: a message on the reply topic changed nothing (used)'))).toHaveLength(1);
  });

  it('opens a stream that stays silent past three keepalives again, from the last message read', async () => {
    const engine = await boot(new MemorySecretStore());
    const topic = (await configure(engine)) as string;
    await trigger(engine);
    const acked = await tap(buttons().ack);
    await read(engine, acked);

    await clock.advance(NTFY_SILENCE_MS);
    await waitFor(async () => {
      await clock.advance(1000);
      return fake.subscriptions().length === 2 && fake.subscribed(topic) === 1;
    }, 'the stream to be opened again', 40_000);
    expect(fake.subscriptions()[1]!.path).toBe(`/${topic}/json?since=${acked}`);
    expect(logs.some((l) => l.includes(`no keepalive for ${NTFY_SILENCE_MS / 1000} s`))).toBe(true);
  });

  it('with answers off, reads no topic and the buttons POST to the ack links', async () => {
    const engine = await boot(new MemorySecretStore());
    await configure(engine, false);
    await trigger(engine);
    const { ack } = buttons();
    expect(ack.url).toMatch(/^https:\/\/standby\.example\.net\/ack\/[A-Za-z0-9_-]{28}\.[A-Za-z0-9_-]{22}$/);
    expect(ack.body).toBeUndefined();
    expect(fake.subscriptions()).toEqual([]);
    expect(replyTopic(engine)).toBeUndefined();
  });
});

describe('the ntfy test round trip and follow-ups', () => {
  it('"Send test" carries an answer button; its tap is the test answer, a made-up test token is not', async () => {
    const engine = await boot(new MemorySecretStore());
    const topic = (await configure(engine)) as string;
    const phone = (await engine.invoke('contactMethods.list', {})).find((c) => c.type === 'ntfy')!;
    const sent = await engine.invoke('contactMethods.test', { id: phone.id });
    expect(sent).toMatchObject({ ok: true, answerTestId: expect.any(Number) });
    const [button, ...others] = (fake.published(PAGE_TOPIC).at(-1)!.actions ?? []) as Action[];
    expect(others).toEqual([]);
    expect(button).toEqual({ action: 'http', label: 'Answer this test', url: `${fake.url}/${topic}`, method: 'POST', body: expect.stringMatching(/^test:[0-9a-f]{16}$/), clear: true });

    await read(engine, await tap({ ...button!, body: 'test:0123456789abcdef' }));
    expect((await engine.invoke('contactMethods.testAnswer', { id: sent.answerTestId! })).status).toBe('waiting');
    await clock.advance(3000);
    await read(engine, await tap(button!));
    expect(await engine.invoke('contactMethods.testAnswer', { id: sent.answerTestId! })).toMatchObject({ status: 'received', via: `ntfy (${fake.url})`, seconds: 3 });
    expect((await engine.invoke('incidents.list', {})).total).toBe(0);
  });

  it('a page acknowledged elsewhere gets one quiet follow-up on the paged topic', async () => {
    const engine = await boot(new MemorySecretStore());
    await configure(engine);
    const id = await trigger(engine);
    await engine.invoke('incidents.acknowledge', { id });
    await waitFor(() => fake.published(PAGE_TOPIC).length === 2, 'the follow-up');
    expect(fake.published(PAGE_TOPIC)[1]).toMatchObject({ title: '#1 acknowledged: Disk full on db-1', message: 'Acknowledged at 12:00 in Standby: #1 Disk full on db-1 (Default service)', priority: 2, tags: ['white_check_mark', 'standby'] });
    await waitFor(() => engine.lifecycle.delivery.receipts.open(id).length === 0, 'the page closed');
    await engine.invoke('incidents.resolve', { id });
    await clock.advance(1000);
    await engine.lifecycle.idle();
    expect(fake.published(PAGE_TOPIC)).toHaveLength(2);
  });

  it("a page of an incident acknowledged again gets a follow-up with the new acknowledgement's time, not the first's", async () => {
    const engine = await boot(new MemorySecretStore());
    await configure(engine);
    const id = await trigger(engine);
    // Acknowledged at 12:00: the first page's follow-up says so. Then snoozed for 30 minutes.
    await engine.invoke('incidents.acknowledge', { id });
    await waitFor(() => fake.published(PAGE_TOPIC).length === 2, 'the first follow-up');
    expect(fake.published(PAGE_TOPIC)[1]!.message).toBe('Acknowledged at 12:00 in Standby: #1 Disk full on db-1 (Default service)');
    await engine.invoke('incidents.snooze', { id, minutes: 30 });
    // At 12:30 the snooze ends, the incident is triggered again and paged again; acknowledged at 12:33 (before the 5-minute rule).
    await clock.advance(30 * 60_000);
    await engine.lifecycle.idle();
    await waitFor(() => fake.published(PAGE_TOPIC).length === 3, 'the page after the snooze');
    await clock.advance(3 * 60_000);
    await engine.invoke('incidents.acknowledge', { id });
    await waitFor(() => fake.published(PAGE_TOPIC).length === 4, 'the second follow-up');
    expect(fake.published(PAGE_TOPIC)[3]!.message).toBe('Acknowledged at 12:33 in Standby: #1 Disk full on db-1 (Default service)');
  });
});
