/**
 * At-least-once across restarts: an attempt is recorded "sending" before it is sent, so a crash after
 * that is found at the next start and the page is sent again, marked as a possible repeat, with the
 * same idempotency key; a retry that was only planned is carried out after a restart, once; Standby
 * stopping mid-attempt is the same as a crash; a page the incident no longer needs is not sent again.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import type { Channel } from '../../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { harness } from './harness.ts';
import { scripted, TRANSIENT } from './scripted-channel.ts';

const SMS = { type: 'sms' as const, label: 'Mobile (SMS)', address: '+14155550123', secretRef: null };

async function reopen(databasePath: string, clock: FakeClock, channel: Channel): Promise<Engine> {
  const engine = new Engine({ databasePath, clock, channels: new ChannelRegistry().register(channel), secrets: new MemorySecretStore() });
  await engine.start();
  await engine.lifecycle.idle();
  return engine;
}

function attempts(engine: Engine) {
  return engine.store.db.prepare('SELECT attempt, outcome FROM delivery_attempts WHERE job_id IS NOT NULL ORDER BY id').all();
}

describe('a restart', () => {
  it('sends again, once and marked as a repeat, a page that was claimed before a crash', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const first = scripted('sms');
    const h = await harness({ channels: [first], contact: SMS, settings: {}, secrets: {}, clock, databasePath });
    const serviceId = (await h.engine.invoke('services.list', {}))[0]!.id;
    const r = await h.engine.invoke('incidents.trigger', { serviceId, title: 'crash after claim', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const [job] = h.engine.incidents.due(clock.now());
    expect(h.engine.lifecycle.delivery.claim(job!, clock.now())).toMatchObject({ attempt: 1 });
    h.engine.store.close(); // kill -9: the claim is committed, the send's outcome never recorded

    const second = scripted('sms');
    const later = new FakeClock(clock.now() + 60_000); // a new process: the dead one's timers are gone
    const engine = await reopen(databasePath, later, second);
    await later.advance(20 * 60_000);
    await engine.lifecycle.idle();
    expect([first.sent.length, second.sent.length]).toEqual([0, 1]);
    expect(second.sent[0]).toMatchObject({ repeat: true, deliveryKey: job!.key });
    expect(second.sent[0]!.text.split('\n')[0]).toBe('[Standby] #1 HIGH (repeat after restart): crash after claim');
    const notes = engine.incidents.timeline(r.incident.id).filter((e) => e.type === 'notify');
    expect(notes.map((e) => [e.data.outcome, e.message])).toEqual([
      ['interrupted', 'A delivery to sms "Mobile (SMS)" was interrupted by a restart before Standby knew whether it arrived; sending it again (it may arrive twice)'],
      ['delivered', 'Notified sms "Mobile (SMS)": delivered on attempt 2 (a repeat: an interrupted attempt may have arrived)'],
    ]);
    expect(attempts(engine)).toEqual([{ attempt: 1, outcome: 'unknown' }, { attempt: 2, outcome: 'delivered' }]);
    await engine.stop();
  });

  it('does not send again a page interrupted by a crash when the incident was resolved meanwhile', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const h = await harness({ channels: [scripted('sms')], contact: SMS, settings: {}, secrets: {}, clock, databasePath });
    const serviceId = (await h.engine.invoke('services.list', {}))[0]!.id;
    const r = await h.engine.invoke('incidents.trigger', { serviceId, title: 'resolved meanwhile', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const [job] = h.engine.incidents.due(clock.now());
    h.engine.lifecycle.delivery.claim(job!, clock.now());
    await h.engine.invoke('incidents.resolve', { id: r.incident.id });
    h.engine.store.close();

    const second = scripted('sms');
    const engine = await reopen(databasePath, clock, second);
    await clock.advance(20 * 60_000);
    await engine.lifecycle.idle();
    expect(second.sent).toHaveLength(0);
    const notes = engine.incidents.timeline(r.incident.id).filter((e) => e.type === 'notify');
    expect(notes.map((e) => e.message)).toEqual(['A delivery to sms "Mobile (SMS)" was interrupted by a restart before Standby knew whether it arrived; it is not sent again (the incident is resolved)']);
    expect(attempts(engine)).toEqual([{ attempt: 1, outcome: 'unknown' }]);
    await engine.stop();
  });

  it('carries out a planned retry after a restart, exactly once', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const first = scripted('sms', TRANSIENT);
    const h = await harness({ channels: [first], contact: SMS, settings: {}, secrets: {}, clock, databasePath });
    const { id } = await h.trigger();
    await h.stop();
    clock.jump(5 * 60_000); // Standby was off for 5 minutes; the retry was due after 10 s

    const second = scripted('sms');
    const engine = await reopen(databasePath, clock, second);
    await clock.advance(20 * 60_000);
    await engine.lifecycle.idle();
    expect([first.sent.length, second.sent.length]).toEqual([1, 1]);
    expect(engine.incidents.timeline(id).filter((e) => e.type === 'notify').map((e) => [e.data.outcome, e.data.attempt])).toEqual([['retrying', 1], ['delivered', 2]]);
    expect(attempts(engine)).toEqual([{ attempt: 1, outcome: 'failed' }, { attempt: 2, outcome: 'delivered' }]);
    await engine.stop();
  });

  it('leaves an attempt cut short by stopping Standby for the next start, which sends it again', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const first = scripted('sms', 'hang');
    const h = await harness({ channels: [first], contact: SMS, settings: {}, secrets: {}, clock, databasePath, delivery: { timeoutSeconds: 60 } });
    const serviceId = (await h.engine.invoke('services.list', {}))[0]!.id;
    const r = await h.engine.invoke('incidents.trigger', { serviceId, title: 'stopped mid-send', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const running = clock.advance(0);
    while (first.sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.stop(); // waits STOP_GRACE_MS for the hanging send, then cuts it short
    await running;

    const second = scripted('sms');
    const engine = await reopen(databasePath, clock, second);
    await clock.advance(20 * 60_000);
    await engine.lifecycle.idle();
    expect(second.sent.map((m) => [m.repeat, m.deliveryKey])).toEqual([[true, first.sent[0]!.deliveryKey]]);
    const notes = engine.incidents.timeline(r.incident.id).filter((e) => e.type === 'notify');
    expect(notes.map((e) => e.data.outcome)).toEqual(['interrupted', 'delivered']);
    expect(attempts(engine)).toEqual([{ attempt: 1, outcome: 'unknown' }, { attempt: 2, outcome: 'delivered' }]);
    await engine.stop();
  });
});
