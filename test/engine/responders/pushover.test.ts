/**
 * Answering from the phone with Pushover: an emergency page's receipt is polled (no faster than once
 * every 5 s), an acknowledgement in the Pushover app acknowledges the incident once (even across a
 * restart), an acknowledgement in Standby cancels the receipt, and an expired receipt changes nothing.
 * Pushover is a loopback fake that follows https://pushover.net/api and /api/receipts; time is fake.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { pushoverChannel } from '../../../electron/engine/notify/channels/pushover.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { builtinResponders } from '../../../electron/engine/responders/builtin.ts';
import type { Responder } from '../../../electron/engine/responders/responders.ts';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { scripted, type ScriptedChannel } from '../notify/scripted-channel.ts';
import { FakePushover, TOKEN, USER } from './pushover-fake.ts';

let pushover: FakePushover;
beforeAll(async () => {
  pushover = await new FakePushover().start();
});
afterAll(() => pushover.close());

/** Setup is a running engine paging Pushover at once and an SMS at 5 minutes. */
interface Setup {
  engine: Engine;
  clock: FakeClock;
  sms: ScriptedChannel;
  logs: string[];
  /** step moves fake time in 1 s steps, waiting after each for every poll, close and send it started. */
  step(ms: number): Promise<void>;
  trigger(title?: string): Promise<number>;
  stop(): Promise<void>;
}

const running: Setup[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  pushover.reset();
});

/**
 * start runs an engine with the built-in responders, each watched so a step can wait for what it started
 * (a poll is real HTTP, so fake time alone does not finish it). A fresh database is set up; a reused
 * one (a restart) is only started.
 */
async function start(o: { databasePath?: string; secrets?: SecretStore; clock?: FakeClock; setUp?: boolean; pushover?: Record<string, unknown> } = {}): Promise<Setup> {
  const clock = o.clock ?? new FakeClock('2026-03-02T12:00:00Z');
  pushover.now = () => clock.now();
  const logs: string[] = [];
  const sms = scripted('sms');
  const channels = new ChannelRegistry();
  channels.register(pushoverChannel);
  channels.register(sms);
  const inflight = new Set<Promise<unknown>>();
  const watch = <T>(p: Promise<T>): Promise<T> => {
    const done = p.then(
      () => undefined,
      () => undefined,
    );
    inflight.add(done);
    void done.then(() => inflight.delete(done));
    return p;
  };
  const watched = (r: Responder): Responder => ({
    name: r.name,
    active: () => r.active(),
    poll: (signal) => watch(r.poll(signal)),
    ...(r.close ? { close: (receipt, incident, signal) => watch(r.close!(receipt, incident, signal)) } : {}),
  });
  const engine = new Engine({ databasePath: o.databasePath ?? ':memory:', keepBackups: 0, clock, channels, secrets: o.secrets ?? new MemorySecretStore(), log: (l) => logs.push(l), responders: (ctx) => builtinResponders(ctx).map(watched) });
  await engine.start();
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const settle = async () => {
    for (;;) {
      await turn();
      await engine.lifecycle.idle();
      if (inflight.size === 0) await turn();
      if (inflight.size === 0) return;
      await Promise.all(inflight);
    }
  };
  const step = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      await clock.advance(Math.min(1000, ms - t));
      await settle();
    }
  };
  if (o.setUp !== false) {
    for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
    await engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 30, retries: 2, retryBaseSeconds: 10 } });
    await engine.invoke('channels.update', { kind: 'pushover', settings: { baseUrl: pushover.url, ...o.pushover } });
    await engine.invoke('channels.setSecret', { kind: 'pushover', value: TOKEN });
    const phone = await engine.invoke('contactMethods.create', { type: 'pushover', label: 'Phone (Pushover)', address: USER, secretRef: null });
    const text = await engine.invoke('contactMethods.create', { type: 'sms', label: 'Phone (SMS)', address: '+14155550123', secretRef: null });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: phone.id });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: text.id });
    // The loop looked before Pushover was set up and waits before looking again.
    await step(30_000);
  }
  const setup: Setup = {
    engine,
    clock,
    sms,
    logs,
    step,
    async trigger(title = 'Disk full on db-1') {
      const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
      const r = await engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical', details: {} });
      if (r.status === 'suppressed') throw new Error(r.reason);
      await clock.advance(0);
      await settle();
      return r.incident.id;
    },
    stop: () => engine.stop(),
  };
  running.push(setup);
  return setup;
}

/** stopped takes a setup out of the ones afterEach stops, and stops it (a restart). */
async function stopped(s: Setup): Promise<void> {
  running.splice(running.indexOf(s), 1);
  await s.stop();
}

const acknowledges = (s: Setup, id: number) => s.engine.incidents.timeline(id).filter((e) => e.type === 'acknowledge');

describe('Pushover responder', () => {
  it('an acknowledgement in the Pushover app acknowledges the incident, and the SMS at 5 minutes is not sent', async () => {
    const s = await start();
    const id = await s.trigger();
    const [receipt] = pushover.receipts();
    expect(receipt).toBeDefined();
    expect(s.engine.lifecycle.delivery.receipts.open(id).map((r) => [r.channel, r.address, r.receipt])).toEqual([['pushover', USER, receipt]]);

    await s.step(10_000);
    expect(pushover.gets(receipt!).length).toBeGreaterThan(0); // polled while nobody answered
    expect(s.engine.incidents.find(id)?.status).toBe('triggered');

    pushover.acknowledge(receipt!, 'iphone');
    await s.step(5_000);
    expect(s.engine.incidents.find(id)?.status).toBe('acknowledged');
    expect(acknowledges(s, id).map((e) => e.message)).toEqual(['Acknowledged from Pushover (iphone)']);
    expect(s.engine.lifecycle.delivery.receipts.open(id)).toEqual([]);
    const polls = pushover.gets(receipt!).length;

    await s.step(10 * 60_000);
    expect(s.sms.sent).toEqual([]);
    expect(pushover.gets(receipt!).length).toBe(polls); // closed: never polled again
    expect(pushover.cancels(receipt!)).toEqual([]); // acknowledged on the phone: nothing to stop
    expect(pushover.unexpected).toEqual([]);
  });

  it('an acknowledgement in Standby cancels the receipt, so the phone stops repeating', async () => {
    const s = await start();
    const id = await s.trigger();
    const [receipt] = pushover.receipts();
    await s.engine.invoke('incidents.acknowledge', { id });
    await s.step(1_000);
    expect(pushover.cancels(receipt!)).toHaveLength(1);
    expect(pushover.cancelled(receipt!)).toBe(true);
    expect(s.engine.lifecycle.delivery.receipts.open(id)).toEqual([]);
    const polls = pushover.gets(receipt!).length;
    await s.step(30_000);
    expect(pushover.gets(receipt!).length).toBe(polls);
    expect(pushover.cancels(receipt!)).toHaveLength(1);
    expect(pushover.unexpected).toEqual([]);
  });

  it('polls each receipt no faster than once every 5 seconds, failures included, and keeps the token out of logs', async () => {
    const s = await start();
    await s.trigger('Disk full on db-1');
    await s.trigger('Disk full on db-2');
    const receipts = pushover.receipts();
    expect(receipts).toHaveLength(2);
    pushover.queue('transient'); // the next GET fails: the loop backs off for 1 s and must still keep the rule
    await s.step(60_000);
    for (const r of receipts) {
      const at = pushover.gets(r).map((g) => g.at);
      expect(at.length).toBeGreaterThanOrEqual(10); // polled all along…
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(5000); // …never faster than Pushover allows
    }
    expect(s.logs.join('\n')).toContain('HTTP 500');
    expect(s.logs.join('\n')).not.toContain(TOKEN);
    expect(pushover.unexpected).toEqual([]);
  });

  it('applies an acknowledgement exactly once across restarts', async () => {
    const dir = tempDir('standby-pushover-');
    const databasePath = join(dir, 'standby.db');
    const secrets = new MemorySecretStore();
    const first = await start({ databasePath, secrets });
    const applied = await first.trigger('Disk full on db-1');
    const waiting = await first.trigger('Disk full on db-2');
    const [r1, r2] = pushover.receipts();
    pushover.acknowledge(r1!, 'iphone');
    await first.step(5_000);
    expect(first.engine.incidents.find(applied)?.status).toBe('acknowledged');
    await stopped(first);
    // Acknowledged on the phone while Standby was not running.
    pushover.acknowledge(r2!, 'ipad');

    const second = await start({ databasePath, secrets, clock: new FakeClock(first.clock.now() + 60_000), setUp: false });
    const polled = pushover.gets(r1!).length;
    await second.step(30_000);
    expect(pushover.gets(r1!).length).toBe(polled);
    expect(second.engine.incidents.find(waiting)?.status).toBe('acknowledged');
    await stopped(second);

    const third = await start({ databasePath, secrets, clock: new FakeClock(second.clock.now() + 60_000), setUp: false });
    await third.step(30_000);
    expect(acknowledges(third, applied).map((e) => e.message)).toEqual(['Acknowledged from Pushover (iphone)']);
    expect(acknowledges(third, waiting).map((e) => e.message)).toEqual(['Acknowledged from Pushover (ipad)']);
    expect(third.engine.lifecycle.delivery.receipts.pending('pushover')).toEqual([]);
    expect(third.sms.sent).toEqual([]);
    expect(pushover.unexpected).toEqual([]);
  });

  it('closes an expired receipt and changes nothing', async () => {
    const s = await start({ pushover: { retrySeconds: 30, expireSeconds: 30 } });
    const id = await s.trigger();
    const [receipt] = pushover.receipts();
    await s.step(40_000);
    expect(s.engine.lifecycle.delivery.receipts.open(id)).toEqual([]);
    expect(s.engine.incidents.find(id)?.status).toBe('triggered');
    expect(acknowledges(s, id)).toEqual([]);
    const polls = pushover.gets(receipt!).length;
    expect(polls).toBeGreaterThan(0);
    // The SMS still goes at 5 minutes, and an acknowledgement in Standby has nothing left to cancel.
    await s.step(5 * 60_000);
    expect(s.sms.sent).toHaveLength(1);
    await s.engine.invoke('incidents.acknowledge', { id });
    await s.step(1_000);
    expect(pushover.cancels(receipt!)).toEqual([]);
    expect(pushover.gets(receipt!).length).toBe(polls);
    expect(pushover.unexpected).toEqual([]);
  });

  it('stops polling a receipt Pushover no longer knows (HTTP 404), changing nothing', async () => {
    const s = await start();
    const id = await s.trigger();
    const [receipt] = pushover.receipts();
    pushover.forget(receipt!);
    await s.step(5_000);
    expect(pushover.gets(receipt!)).toHaveLength(1);
    expect(s.engine.lifecycle.delivery.receipts.open(id)).toEqual([]);
    expect(s.engine.incidents.find(id)?.status).toBe('triggered');
    expect(s.logs.join('\n')).toContain('Pushover no longer knows the receipt');
    await s.step(30_000);
    expect(pushover.gets(receipt!)).toHaveLength(1);
  });
  it('"Send test" is an emergency the person acknowledges in the app: that is the test answer, and no incident changes', async () => {
    const s = await start();
    const phone = (await s.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'pushover')!;
    const sent = await s.engine.invoke('contactMethods.test', { id: phone.id });
    expect(sent).toMatchObject({ ok: true, answerTestId: expect.any(Number) });
    const [receipt] = pushover.receipts();
    expect(receipt).toBeDefined();
    const id = sent.answerTestId!;
    await s.step(10_000);
    expect((await s.engine.invoke('contactMethods.testAnswer', { id })).status).toBe('waiting');
    expect(pushover.gets(receipt!).length).toBeGreaterThan(0);
    pushover.acknowledge(receipt!, 'iphone');
    await s.step(5_000);
    expect(await s.engine.invoke('contactMethods.testAnswer', { id })).toMatchObject({ status: 'received', via: 'Pushover (iphone)' });
    const polls = pushover.gets(receipt!).length;
    await s.step(30_000);
    expect(pushover.gets(receipt!).length).toBe(polls); // answered: never polled again
    expect((await s.engine.invoke('incidents.list', {})).total).toBe(0);
    expect(pushover.unexpected).toEqual([]);
  });

  it('keeps the 5 s rule across a quick restart: the last poll time is stored', async () => {
    const dir = tempDir('standby-pushover-');
    const databasePath = join(dir, 'standby.db');
    const secrets = new MemorySecretStore();
    const first = await start({ databasePath, secrets });
    await first.trigger();
    const [receipt] = pushover.receipts();
    for (let i = 0; i < 6 && pushover.gets(receipt!).length === 0; i++) await first.step(1_000);
    expect(pushover.gets(receipt!)).toHaveLength(1);
    await stopped(first);
    // Started again one second later (a crash and a service manager's restart).
    const second = await start({ databasePath, secrets, clock: new FakeClock(first.clock.now() + 1_000), setUp: false });
    await second.step(20_000);
    const at = pushover.gets(receipt!).map((g) => g.at);
    expect(at.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(5000);
    expect(pushover.unexpected).toEqual([]);
  });
});
