/**
 * The delivery stage: bounded retries with backoff on the same job row, each attempt in the timeline,
 * no retry once the incident no longer needs the page, Retry-After, a page no connected device can
 * show (it waits for one), test sends that never retry, and the daily SMS + voice budget (with its
 * timeline entry and event).
 */
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { harness, type Harness } from './harness.ts';
import { PERMANENT, scripted, TRANSIENT } from './scripted-channel.ts';

const SMS = { type: 'sms' as const, label: 'Mobile (SMS)', address: '+14155550123', secretRef: null };
const S = 1000;

describe('retries', () => {
  it('backs off 10 s, 20 s, 40 s and gives up after the last retry, each attempt in the timeline', async () => {
    const sms = scripted('sms', TRANSIENT, TRANSIENT, TRANSIENT, TRANSIENT, TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {}, delivery: { retries: 3, retryBaseSeconds: 10 } });
    const { id } = await h.trigger();
    for (const wait of [10, 20, 40, 80]) await h.advance(wait * S);
    expect(sms.sent).toHaveLength(4);
    const n = h.notifies(id);
    expect(n.map((e) => [e.data.outcome, e.data.attempt, e.at.slice(11, 19)])).toEqual([
      ['retrying', 1, '12:00:00'],
      ['retrying', 2, '12:00:10'],
      ['retrying', 3, '12:00:30'],
      ['failed', 4, '12:01:10'],
    ]);
    expect(n.map((e) => e.message.replace(/.*; /, ''))).toEqual(['retrying in 10 s', 'retrying in 20 s', 'retrying in 40 s', expect.stringMatching(/\(gave up after 4 attempts\)$/)]);
    expect(new Set(n.map((e) => e.data.key)).size).toBe(1);
    expect(h.engine.store.db.prepare("SELECT state, COUNT(*) AS n FROM jobs WHERE kind = 'notify' GROUP BY state").all()).toEqual([{ state: 'done', n: 1 }]);
    await h.stop();
  });

  it('stops at the retry window, and honours a vendor\'s Retry-After inside it', async () => {
    const sms = scripted('sms', { ...TRANSIENT, status: 429, retryAfterMs: 50 * S }, TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {}, delivery: { retries: 5, retryBaseSeconds: 30, maxRetryMinutes: 1 } });
    const { id } = await h.trigger();
    await h.advance(49 * S);
    expect(sms.sent).toHaveLength(1);
    await h.advance(1 * S);
    expect(sms.sent).toHaveLength(2);
    await h.advance(10 * 60 * S);
    expect(sms.sent).toHaveLength(2);
    const n = h.notifies(id);
    expect(n.map((e) => e.data.outcome)).toEqual(['retrying', 'failed']);
    expect(n[0]!.message).toMatch(/retrying in 50 s$/);
    expect(n[1]!.message).toMatch(/the next one would fall after the 1-minute retry window\)$/);
    await h.stop();
  });

  it('a computer that slept through a page\'s retries gives it its retries again after the wake', async () => {
    // The first try fails just before the laptop sleeps 10 minutes, past the (here 1-minute) retry window;
    // at the wake the network is not back for half a minute.
    const sms = scripted('sms', TRANSIENT, TRANSIENT, TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {}, delivery: { maxRetryMinutes: 1 } });
    const { id } = await h.trigger();
    h.clock.jump(10 * 60 * S);
    await h.advance(0);
    for (const wait of [10, 20, 40]) await h.advance(wait * S);
    const n = h.notifies(id);
    expect(n.map((e) => [e.data.outcome, e.data.attempt])).toEqual([
      ['retrying', 1],
      ['retrying', 2],
      ['retrying', 3],
      ['delivered', 4],
    ]);
    // Retries count from the late attempt: the window is not spent while the computer slept.
    expect(n[1]!.message).toMatch(/retrying in 10 s$/);
    await h.stop();
  });

  it('does not retry a permanent failure, nor when retries are off', async () => {
    const sms = scripted('sms', PERMANENT, TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {}, delivery: { retries: 0 } });
    const a = await h.trigger('first');
    const b = await h.trigger('second');
    await h.advance(10 * 60 * S);
    expect(sms.sent).toHaveLength(2);
    expect(h.notifies(a.id).map((e) => [e.data.outcome, e.data.retryable])).toEqual([['failed', false]]);
    expect(h.notifies(b.id)[0]!.message).toMatch(/\(retries are off \(delivery.retries is 0\)\)$/);
    await h.stop();
  });

  it('drops a pending retry when the incident is acknowledged', async () => {
    const sms = scripted('sms', TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {} });
    const { id } = await h.trigger();
    await h.engine.invoke('incidents.acknowledge', { id });
    await h.advance(10 * 60 * S);
    expect(sms.sent).toHaveLength(1);
    expect(h.engine.store.db.prepare("SELECT state FROM jobs WHERE kind = 'notify'").all()).toEqual([{ state: 'cancelled' }]);
    await h.stop();
  });

  it('does not retry an attempt that failed while the incident was being acknowledged', async () => {
    let incidentId = 0;
    const h = await harness({
      channels: [scripted('sms', () => {
        h.engine.lifecycle.act(incidentId, { type: 'acknowledge', actor: 'me' });
        return TRANSIENT;
      })],
      contact: SMS,
      settings: {},
      secrets: {},
    });
    const r = await h.engine.invoke('incidents.trigger', { serviceId: (await h.engine.invoke('services.list', {}))[0]!.id, title: 'racing', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    incidentId = r.incident.id;
    await h.advance(0);
    await h.advance(10 * 60 * S);
    const n = h.notifies(incidentId);
    expect(n.map((e) => e.data.outcome)).toEqual(['failed']);
    expect(n[0]!.message).toMatch(/\(not retried: the incident was acknowledged\)$/);
    await h.stop();
  });

  it('does not retry the page of a re-triggered incident once it is acknowledged again (the latest acknowledgement counts)', async () => {
    let incidentId = 0;
    const h = await harness({
      channels: [scripted('sms', { ok: true }, () => {
        // The second page: the person acknowledges while it is being sent, and the vendor answers 503.
        h.engine.lifecycle.act(incidentId, { type: 'acknowledge', actor: 'me' });
        return TRANSIENT;
      })],
      contact: SMS,
      settings: {},
      secrets: {},
    });
    incidentId = (await h.trigger()).id;
    h.engine.lifecycle.act(incidentId, { type: 'acknowledge', actor: 'me' });
    await h.advance(60 * S);
    // The acknowledgement times out: triggered again, paged again.
    h.engine.lifecycle.act(incidentId, { type: 'ack_timeout' });
    await h.advance(0);
    await h.advance(10 * 60 * S);
    const n = h.notifies(incidentId);
    expect(n.map((e) => e.data.outcome)).toEqual(['delivered', 'failed']);
    expect(n[1]!.message).toMatch(/\(not retried: the incident was acknowledged\)$/);
    await h.stop();
  });
});

describe('a page no connected device can show', () => {
  const DESKTOP = { type: 'desktop' as const, label: 'Laptop', address: '', secretRef: null };
  const NOT_CONNECTED = { ok: false as const, retryable: true, error: 'no desktop is connected', untilConnected: true };
  const dueAt = (h: Harness) => h.engine.store.db.prepare("SELECT due_at AS d FROM jobs WHERE kind = 'notify' AND state = 'pending'").all().map((r) => (r as { d: number }).d);

  it('waits for a device until the retry window ends, not for retries on a schedule', async () => {
    const desktop = scripted('desktop', NOT_CONNECTED, NOT_CONNECTED);
    const h = await harness({ channels: [desktop], contact: DESKTOP, settings: {}, secrets: {}, delivery: { retries: 3, retryBaseSeconds: 10, maxRetryMinutes: 5 } });
    const t0 = h.clock.now();
    const { id } = await h.trigger();
    expect(dueAt(h)).toEqual([t0 + 5 * 60 * S]);
    await h.advance(5 * 60 * S - 1);
    expect(desktop.sent).toHaveLength(1);
    await h.advance(1);
    expect(h.notifies(id).map((e) => [e.data.outcome, e.data.attempt])).toEqual([['waiting', 1], ['failed', 2]]);
    expect(h.notifies(id)[1]!.message).toMatch(/: no desktop is connected \(gave up after 2 attempts: the next one would fall after the 5-minute retry window\)$/);
    await h.stop();
  });

  it('planned while its channel says no device is connected, waits from the start: nothing is claimed or sent until one connects', async () => {
    let connected = false;
    const desktop = Object.assign(scripted('desktop'), { unavailable: () => (connected ? undefined : 'no desktop is connected') });
    const h = await harness({ channels: [desktop], contact: DESKTOP, settings: {}, secrets: {}, delivery: { retries: 3, retryBaseSeconds: 10, maxRetryMinutes: 5 } });
    const t0 = h.clock.now();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.trigger(`Storm ${i}`)).id);
    expect(desktop.sent).toEqual([]);
    expect(ids.map((id) => h.notifies(id).map((e) => [e.data.outcome, e.data.attempt, e.data.error]))).toEqual(Array(5).fill([['waiting', 1, 'no desktop is connected']]));
    expect(h.notifies(ids[0]!)[0]!.message).toBe('Notifying desktop "Laptop" waits (attempt 1): no desktop is connected; it goes out when one connects, for up to 5 min');
    expect(dueAt(h)).toEqual(Array(5).fill(t0 + 5 * 60 * S));
    // Each page's first attempt is on record as failed, and none was ever claimed ("sending").
    expect(h.engine.store.db.prepare('SELECT outcome, COUNT(*) AS n FROM delivery_attempts GROUP BY outcome').all()).toEqual([{ outcome: 'failed', n: 5 }]);
    connected = true;
    h.engine.lifecycle.releaseWaiting('desktop');
    await h.advance(0);
    expect(desktop.sent.map((m) => m.title)).toEqual(['Storm 0', 'Storm 1', 'Storm 2', 'Storm 3', 'Storm 4']);
    expect(h.notifies(ids[0]!).map((e) => [e.data.outcome, e.data.attempt])).toEqual([['waiting', 1], ['delivered', 2]]);
    await h.stop();
  });

  it('with retries off, fails at once', async () => {
    // Planned while no device is connected, or finding none at its attempt.
    const desktop = Object.assign(scripted('desktop', NOT_CONNECTED), { unavailable: () => 'no desktop is connected' });
    const h = await harness({ channels: [desktop], contact: DESKTOP, settings: {}, secrets: {}, delivery: { retries: 0 } });
    const { id } = await h.trigger();
    expect(h.notifies(id).map((e) => [e.data.outcome, e.data.error])).toEqual([['failed', 'no desktop is connected']]);
    await h.stop();
  });

  it('is retried on the usual schedule when a device connected while it was being tried', async () => {
    const running: { h?: Harness } = {};
    const desktop = scripted('desktop', () => {
      // The UI connects after the channel found none, before the outcome is recorded.
      running.h!.engine.lifecycle.releaseWaiting('desktop');
      return NOT_CONNECTED;
    });
    const h = (running.h = await harness({ channels: [desktop], contact: DESKTOP, settings: {}, secrets: {}, delivery: { retries: 3, retryBaseSeconds: 10 } }));
    const { id } = await h.trigger();
    expect(h.notifies(id).map((e) => e.data.outcome)).toEqual(['retrying']);
    await h.advance(10 * S);
    expect(h.notifies(id).map((e) => [e.data.outcome, e.data.attempt])).toEqual([['retrying', 1], ['delivered', 2]]);
    await h.stop();
  });

  it('a device that connects while the store refuses writes does not fail its connection: the pages wait on', async () => {
    const h = await harness({ channels: [scripted('desktop', NOT_CONNECTED)], contact: DESKTOP, settings: {}, secrets: {}, delivery: { retries: 3 } });
    await h.trigger();
    h.engine.lifecycle.delivery.waiting.release = () => {
      throw new Error('database or disk is full');
    };
    expect(() => h.engine.lifecycle.releaseWaiting('desktop')).not.toThrow();
    expect(h.logs).toContain('sending the waiting desktop pages failed: database or disk is full');
    await h.stop();
  });

  it('a device that connects releases only the pages of its own type that were tried', async () => {
    const sms = scripted('sms', TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {}, delivery: { retries: 3, retryBaseSeconds: 10 } });
    const t0 = h.clock.now();
    await h.trigger();
    expect(dueAt(h)).toEqual([t0 + 10 * S]);
    h.engine.lifecycle.releaseWaiting('desktop');
    expect(dueAt(h)).toEqual([t0 + 10 * S]);
    await h.advance(S);
    h.engine.lifecycle.releaseWaiting('sms');
    expect(dueAt(h)).toEqual([t0 + S]);
    await h.advance(0);
    expect(sms.sent).toHaveLength(2);
    await h.stop();
  });
});

describe('test sends', () => {
  it('answer the channel\'s real outcome once and never retry', async () => {
    const sms = scripted('sms', TRANSIENT, { ok: true, detail: 'HTTP 201' });
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {} });
    expect(await h.engine.invoke('contactMethods.test', { id: h.contactId })).toEqual({ ok: false, detail: null, error: 'vendor answered HTTP 503', retryable: true, answerTestId: null });
    await h.advance(10 * 60 * S);
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]!.test).toBe(true);
    expect(await h.engine.invoke('contactMethods.test', { id: h.contactId })).toEqual({ ok: true, detail: 'HTTP 201', error: null, retryable: null, answerTestId: null });
    await expect(h.engine.invoke('contactMethods.test', { id: 999 })).rejects.toThrow('contact method 999 does not exist');
    await h.stop();
  });

  it('say so when no channel or no settings exist for the contact method', async () => {
    const h = await harness({ channels: [scripted('desktop')], contact: { type: 'telegram', label: 'TG', address: '12345', secretRef: null }, settings: {}, secrets: {} });
    expect(await h.engine.invoke('contactMethods.test', { id: h.contactId })).toMatchObject({ ok: false, error: 'no channel can deliver to telegram contact methods', retryable: false });
    await h.stop();
  });
});

describe('the SMS and voice budget', () => {
  it('stops SMS and calls past the daily limit, says so in the timeline and an event, and resets at local midnight', async () => {
    const sms = scripted('sms');
    const desktop = scripted('desktop');
    const h = await harness({ channels: [sms, desktop], contact: SMS, settings: {}, secrets: {}, delivery: { smsVoicePerDay: 2 } });
    await h.engine.invoke('profile.update', { name: 'Ada', email: '', phone: '', timeZone: 'Europe/Paris' });
    const desk = (await h.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'desktop')!;
    await h.engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: desk.id });
    const events: ApiEvent[] = [];
    h.engine.on((e) => events.push(e));
    const ids = [];
    for (const t of ['one', 'two', 'three']) ids.push((await h.trigger(t)).id);
    expect(sms.sent.map((m) => m.title)).toEqual(['one', 'two']);
    expect(desktop.sent.map((m) => m.title)).toEqual(['one', 'two', 'three']);
    const skipped = h.notifies(ids[2]!).find((e) => e.data.contactType === 'sms')!;
    expect(skipped.data).toMatchObject({ outcome: 'skipped', reason: 'budget' });
    expect(skipped.message).toBe('Not notifying sms "Mobile (SMS)": today\'s SMS and voice budget is used up (2 of 2); it resets at local midnight (raise channels.delivery.smsVoicePerDay to allow more)');
    expect(events.filter((e) => e.type === 'delivery.budget').map((e) => e.data)).toEqual([{ limit: 2, used: 2, remaining: 0, day: '2026-03-02', blocked: { incidentId: ids[2], contactMethodId: h.contactId, type: 'sms' } }]);
    expect(await h.engine.invoke('delivery.budget', {})).toEqual({ limit: 2, used: 2, remaining: 0, day: '2026-03-02', resetsAt: '2026-03-02T23:00:00.000Z', timeZone: 'Europe/Paris' });
    expect(await h.engine.invoke('contactMethods.test', { id: h.contactId })).toMatchObject({ ok: false, error: expect.stringMatching(/budget is used up/) });
    expect(sms.sent).toHaveLength(2);
    // 23:00 UTC is midnight in Paris: a new day, a new budget.
    await h.advance(11 * 3600 * S);
    expect((await h.engine.invoke('delivery.budget', {})).used).toBe(0);
    await h.trigger('four');
    expect(sms.sent.map((m) => m.title)).toEqual(['one', 'two', 'four']);
    await h.stop();
  });

  it('does not charge an attempt the vendor refused, but charges one that may have reached it', async () => {
    const sms = scripted('sms', PERMANENT, { ...TRANSIENT, status: undefined, maybeDelivered: true, error: 'vendor did not answer within 1000 ms' }, TRANSIENT);
    const h = await harness({ channels: [sms], contact: SMS, settings: {}, secrets: {}, delivery: { retries: 0 } });
    await h.trigger('refused');
    expect((await h.engine.invoke('delivery.budget', {})).used).toBe(0);
    await h.trigger('timed out');
    expect((await h.engine.invoke('delivery.budget', {})).used).toBe(1);
    await h.trigger('5xx');
    expect((await h.engine.invoke('delivery.budget', {})).used).toBe(1);
    expect(await h.engine.invoke('delivery.budget', {})).toMatchObject({ limit: 20, remaining: 19 });
    await h.stop();
  });
});
