/**
 * The job runner's delivery discipline: a notify job is claimed only right before its own send, at
 * most MAX_SENDS_PER_CHANNEL sends are in flight per channel, a slow channel does not hold up another,
 * a crash leaves only the sends in flight without an outcome (and those alone are sent again), and a
 * run that fails (a full disk) is retried later instead of crashing the process.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { MAX_DESKTOP_SENDS, MAX_SENDS_PER_CHANNEL, RETRY_AFTER_ERROR_MS } from '../../../electron/engine/incidents/job-runner.ts';
import type { Channel, DeliveryResult, NotificationMessage } from '../../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { dueNotifiesSql, IncidentRepo } from '../../../electron/engine/store/incident-repo.ts';
import { tempDir, waitFor } from '../../helpers/headless.ts';

/** gated is a channel whose sends wait until the test opens them. */
function gated(type: 'webhook' | 'sms') {
  const waiting: Array<{ m: NotificationMessage; open: (r: DeliveryResult) => void }> = [];
  const sent: NotificationMessage[] = [];
  const channel: Channel = {
    type,
    send: (_c, m) =>
      new Promise<DeliveryResult>((open) => {
        sent.push(m);
        waiting.push({ m, open });
      }),
  };
  const openAll = () => {
    for (const w of waiting.splice(0)) w.open({ ok: true });
  };
  return { channel, waiting, sent, openAll };
}

async function engineWith(channels: Channel[], databasePath = ':memory:', clock = new FakeClock('2026-03-02T12:00:00Z')) {
  const registry = new ChannelRegistry();
  for (const c of channels) registry.register(c);
  const logs: string[] = [];
  const engine = new Engine({ databasePath, clock, channels: registry, log: (l) => logs.push(l), stopGraceMs: 0 });
  await engine.start();
  return { engine, clock, logs };
}

async function pageWith(engine: Engine, types: Array<'webhook' | 'sms'>): Promise<void> {
  for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
  await engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 60 } });
  for (const type of types) {
    const contact = await engine.invoke('contactMethods.create', type === 'sms' ? { type, label: 'Phone', address: '+14155550123' } : { type, label: 'Hook', address: 'http://127.0.0.1:9/hook' });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: contact.id });
  }
}

/** turns lets the event loop run n times over (a poked run looks at the schedule in the next one). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

function jobStates(engine: Engine): Record<string, number> {
  const rows = engine.store.db.prepare("SELECT state, COUNT(*) AS n FROM jobs WHERE kind = 'notify' GROUP BY state ORDER BY state").all() as Array<{ state: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

describe('the job runner', () => {
  it(`claims a page only right before its send, with at most ${MAX_SENDS_PER_CHANNEL} sends in flight to a channel`, async () => {
    const hook = gated('webhook');
    const { engine, clock } = await engineWith([hook.channel]);
    await pageWith(engine, ['webhook']);
    const n = 3 * MAX_SENDS_PER_CHANNEL + 2;
    for (let i = 0; i < n; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `storm ${i}`, severity: 'critical' });
    const run = clock.advance(0);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL, 'the first sends');
    // Only the sends in flight are claimed; every other page is still pending, with no attempt row.
    expect(jobStates(engine)).toEqual({ pending: n - MAX_SENDS_PER_CHANNEL, running: MAX_SENDS_PER_CHANNEL });
    expect(engine.store.db.prepare("SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'sending'").get()).toEqual({ n: MAX_SENDS_PER_CHANNEL });
    expect(engine.lifecycle.jobs.inFlight()).toEqual(new Map([['webhook', MAX_SENDS_PER_CHANNEL]]));

    // Each finished send frees a slot for the next page, oldest first.
    hook.waiting.shift()!.open({ ok: true });
    await waitFor(() => hook.sent.length === MAX_SENDS_PER_CHANNEL + 1, 'the next send in the freed slot');
    expect(hook.sent.at(-1)!.title).toBe(`storm ${MAX_SENDS_PER_CHANNEL}`);
    expect(hook.waiting).toHaveLength(MAX_SENDS_PER_CHANNEL);

    while (hook.sent.length < n || hook.waiting.length > 0) {
      hook.openAll();
      await new Promise((r) => setTimeout(r, 1));
    }
    await run;
    await engine.lifecycle.idle();
    expect(jobStates(engine)).toEqual({ done: n });
    expect(hook.sent.map((m) => m.title)).toEqual(Array.from({ length: n }, (_, i) => `storm ${i}`));
    // Every slot is given back: the count of sends in flight ends at none.
    expect(engine.lifecycle.jobs.inFlight()).toEqual(new Map());
    await engine.stop();
  });

  it('claims the pages that take freed slots in the commit that stores the outcomes of the sends that freed them', async () => {
    const hook = gated('webhook');
    const { engine, clock } = await engineWith([hook.channel]);
    await pageWith(engine, ['webhook']);
    for (let i = 0; i < 2 * MAX_SENDS_PER_CHANNEL; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `storm ${i}`, severity: 'critical' });
    const run = clock.advance(0);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL, 'the first sends');
    const before = engine.lifecycle.commits.stats();
    // Every send answers at once: a slot is free when its channel has answered, not once the outcome is
    // on disk, so the next pages are claimed in the same turn and share the outcomes' commit (one fsync
    // for both, instead of one for the outcomes and another for the claims after it).
    hook.openAll();
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL && jobStates(engine).done === MAX_SENDS_PER_CHANNEL, 'the next sends, with the first outcomes stored');
    const after = engine.lifecycle.commits.stats();
    expect({ batches: after.batches - before.batches, ops: after.ops - before.ops }).toEqual({ batches: 1, ops: MAX_SENDS_PER_CHANNEL + 1 });
    // The claims were stored before their sends: the second pages are running, each with its attempt.
    expect(jobStates(engine)).toEqual({ done: MAX_SENDS_PER_CHANNEL, running: MAX_SENDS_PER_CHANNEL });
    expect(engine.store.db.prepare("SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'sending'").get()).toEqual({ n: MAX_SENDS_PER_CHANNEL });
    hook.openAll();
    await run;
    await engine.lifecycle.idle();
    expect(jobStates(engine)).toEqual({ done: 2 * MAX_SENDS_PER_CHANNEL });
    await engine.stop();
  });

  it('while a channel is full, a new page for it costs no look; a freed slot looks, at no more due pages than the channels can start', async () => {
    const hook = gated('webhook');
    const { engine, clock } = await engineWith([hook.channel]);
    await pageWith(engine, ['webhook']);
    for (let i = 0; i < MAX_SENDS_PER_CHANNEL + 20; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `storm ${i}`, severity: 'critical' });
    const run = clock.advance(0);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL, 'every slot taken');
    const hookId = (await engine.invoke('contactMethods.list', {})).find((c) => c.type === 'webhook')!.id;
    const plan = engine.store.db.prepare(`EXPLAIN QUERY PLAN ${dueNotifiesSql(1, 100)}`).all(1, 0) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('; ')).toContain('USING INDEX jobs_due_pages_by_contact');
    // Every look at the schedule reads the due timers first.
    const looks = vi.spyOn(IncidentRepo.prototype, 'dueTimers');
    const pageLooks = vi.spyOn(IncidentRepo.prototype, 'dueNotifies');
    try {
      // Each new incident wakes the runner with what it planned: a page for the full channel, and an
      // escalation due long after the runner's wait ends. Nothing of it can start before a send ends
      // (which looks again), so the runner does not look: in a storm, with the desktop's slots taken,
      // each commit of new events made a look that found nothing.
      for (let i = 0; i < 10; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `more ${i}`, severity: 'critical' });
      await turns(10);
      expect(looks).not.toHaveBeenCalled();
      // A change that plans a timer due before the wait ends does make a look.
      engine.lifecycle.jobs.wake({ timerAt: clock.now(), pages: [] });
      await waitFor(() => looks.mock.calls.length > 0, 'a look for a timer due now');
      // A free slot: the runner looks again, and the oldest waiting page goes.
      hook.waiting.shift()!.open({ ok: true });
      await waitFor(() => hook.sent.length === MAX_SENDS_PER_CHANNEL + 1, 'the next send in the freed slot');
      expect(pageLooks.mock.calls.some((c) => c[2] === undefined)).toBe(true);
      // Such a look reads no more due pages than the channels in use can start (the webhook's free
      // slot, the seeded desktop's 32, 8 for a deleted contact method's pages: 41), not a hundred of
      // them, nor the next power of two (64, of which 23 would be read for nothing).
      const free = 1 + MAX_DESKTOP_SENDS + MAX_SENDS_PER_CHANNEL;
      for (const c of pageLooks.mock.calls.filter((c) => c[2] === undefined)) expect(c[1]).toBeLessThanOrEqual(free);
      // With the channel full again, a look reads only the pages of the other contact methods, through
      // the index of pending pages by contact method: the backlog waiting for the full one is not read.
      for (const [, , only] of pageLooks.mock.calls) if (only) expect(only).not.toContain(hookId);
      expect(hook.sent.at(-1)!.title).toBe(`storm ${MAX_SENDS_PER_CHANNEL}`);
    } finally {
      looks.mockRestore();
      pageLooks.mockRestore();
    }
    while (hook.sent.length < MAX_SENDS_PER_CHANNEL + 30 || hook.waiting.length > 0) {
      hook.openAll();
      await new Promise((r) => setTimeout(r, 1));
    }
    await run;
    await engine.lifecycle.idle();
    expect(jobStates(engine)).toEqual({ done: MAX_SENDS_PER_CHANNEL + 30 });
    await engine.stop();
  });

  it('sends a new page at once through a channel with a free slot while another channel is full', async () => {
    const hook = gated('webhook');
    const sms = gated('sms');
    const { engine, clock } = await engineWith([hook.channel, sms.channel]);
    await pageWith(engine, ['webhook', 'sms']);
    for (let i = 0; i < MAX_SENDS_PER_CHANNEL; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `storm ${i}`, severity: 'critical' });
    const run = clock.advance(0);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL && sms.waiting.length === MAX_SENDS_PER_CHANNEL, 'both channels full');
    // SMS answers; the webhook hangs, its slots all taken.
    sms.openAll();
    await waitFor(() => !engine.lifecycle.jobs.inFlight().has('sms'), 'the SMS sends over');
    // A new incident pages both: its webhook page waits for a slot, its SMS goes now, with no send ending.
    await engine.invoke('incidents.trigger', { serviceId: 1, title: 'the next one', severity: 'critical' });
    await waitFor(() => sms.sent.length === MAX_SENDS_PER_CHANNEL + 1, 'the SMS of the new incident');
    expect(sms.sent.at(-1)!.title).toBe('the next one');
    expect(hook.sent).toHaveLength(MAX_SENDS_PER_CHANNEL);
    while (hook.sent.length < MAX_SENDS_PER_CHANNEL + 1 || hook.waiting.length + sms.waiting.length > 0) {
      hook.openAll();
      sms.openAll();
      await new Promise((r) => setTimeout(r, 1));
    }
    await run;
    await engine.lifecycle.idle();
    expect(jobStates(engine)).toEqual({ done: 2 * (MAX_SENDS_PER_CHANNEL + 1) });
    await engine.stop();
  });

  it('does not hold up a channel behind another whose slots are all taken', async () => {
    const hook = gated('webhook');
    const sms = gated('sms');
    const { engine, clock } = await engineWith([hook.channel, sms.channel]);
    await pageWith(engine, ['webhook', 'sms']);
    for (let i = 0; i < 2 * MAX_SENDS_PER_CHANNEL; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `storm ${i}`, severity: 'critical' });
    const run = clock.advance(0);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL && sms.waiting.length === MAX_SENDS_PER_CHANNEL, 'both channels busy at once');
    for (let i = 0; i < 200 && (hook.sent.length < 2 * MAX_SENDS_PER_CHANNEL || sms.sent.length < 2 * MAX_SENDS_PER_CHANNEL || hook.waiting.length + sms.waiting.length > 0); i++) {
      sms.openAll(); // SMS answers, the webhook hangs: SMS pages go on
      if (sms.sent.length === 2 * MAX_SENDS_PER_CHANNEL) hook.openAll();
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(sms.sent).toHaveLength(2 * MAX_SENDS_PER_CHANNEL);
    expect(hook.sent).toHaveLength(2 * MAX_SENDS_PER_CHANNEL);
    await run;
    await engine.stop();
  });

  it('after a crash, sends again only the pages that were in flight, and each of the others exactly once', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const hook = gated('webhook');
    const { engine, clock } = await engineWith([hook.channel], databasePath);
    await pageWith(engine, ['webhook']);
    const n = 2 * MAX_SENDS_PER_CHANNEL + 3;
    for (let i = 0; i < n; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `storm ${i}`, severity: 'critical' });
    void clock.advance(0);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL, 'the first sends');
    hook.waiting.splice(0, 3).forEach((w) => w.open({ ok: true }));
    await waitFor(() => hook.sent.length === MAX_SENDS_PER_CHANNEL + 3 && jobStates(engine).done === 3, 'three answered and three more in flight');
    const inFlight = hook.waiting.map((w) => w.m.deliveryKey);
    engine.store.close(); // kill -9

    const after = gated('webhook');
    const restarted = await engineWith([after.channel], databasePath, new FakeClock(clock.now() + 1000));
    const run = restarted.clock.advance(0);
    for (let i = 0; i < 500 && after.sent.length < n - 3; i++) {
      after.openAll();
      await new Promise((r) => setTimeout(r, 2));
    }
    after.openAll();
    await run;
    await restarted.engine.lifecycle.idle();
    const repeats = after.sent.filter((m) => m.repeat).map((m) => m.deliveryKey);
    expect(repeats.sort()).toEqual([...inFlight].sort());
    expect(after.sent).toHaveLength(n - 3); // the three answered are not sent again
    expect(new Set([...hook.sent, ...after.sent].map((m) => m.title)).size).toBe(n);
    expect(jobStates(restarted.engine)).toEqual({ done: n });
    await restarted.engine.stop();
  });

  it(`retries a run that failed (the database refused a write) after ${RETRY_AFTER_ERROR_MS / 1000} s instead of crashing`, async () => {
    const hook = gated('webhook');
    const { engine, clock, logs } = await engineWith([hook.channel]);
    await pageWith(engine, ['webhook']);
    await engine.invoke('incidents.trigger', { serviceId: 1, title: 'while the disk is full', severity: 'critical' });
    // A trigger makes the schedule fail on its first write, as a full disk would.
    engine.store.db.exec("CREATE TRIGGER refuse BEFORE UPDATE ON jobs BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    await clock.advance(0);
    await engine.lifecycle.idle();
    expect(hook.sent).toHaveLength(0);
    expect(logs.some((l) => /running due jobs failed: database or disk is full; trying again in 5 s/.test(l))).toBe(true);
    engine.store.db.exec('DROP TRIGGER refuse');
    await clock.advance(RETRY_AFTER_ERROR_MS - 1);
    expect(hook.sent).toHaveLength(0);
    const run = clock.advance(1);
    await waitFor(() => hook.sent.length === 1, 'the page once writes work again');
    hook.openAll();
    await run;
    await engine.stop();
  });

  it('gives a slot back when a delivery ends before its channel answered, so a channel never fills with sends that are over', async () => {
    const hook = gated('webhook');
    const { engine, clock } = await engineWith([hook.channel]);
    await pageWith(engine, ['webhook']);
    // Every delivery fails before it reaches its channel (never calling onSent), more times than the channel has slots.
    const deliver = vi.spyOn(engine.lifecycle.delivery, 'deliver').mockImplementation(() => Promise.reject(new Error('the page could not be composed')));
    for (let i = 0; i < MAX_SENDS_PER_CHANNEL + 2; i++) await engine.invoke('incidents.trigger', { serviceId: 1, title: `cut short ${i}`, severity: 'critical' });
    await clock.advance(0);
    await engine.lifecycle.idle();
    expect(deliver).toHaveBeenCalledTimes(MAX_SENDS_PER_CHANNEL); // then the runner pauses (RETRY_AFTER_ERROR_MS)
    expect(engine.lifecycle.jobs.inFlight()).toEqual(new Map());
    // The pages are sent again after the pause, through every slot: none was kept by a send that was over.
    deliver.mockRestore();
    const again = clock.advance(RETRY_AFTER_ERROR_MS);
    await waitFor(() => hook.waiting.length === MAX_SENDS_PER_CHANNEL, 'a full channel of sends');
    while (hook.sent.length < MAX_SENDS_PER_CHANNEL + 2 || hook.waiting.length > 0) {
      hook.openAll();
      await new Promise((r) => setTimeout(r, 1));
    }
    await again;
    await engine.lifecycle.idle();
    expect(jobStates(engine)).toEqual({ done: MAX_SENDS_PER_CHANNEL + 2 });
    await engine.stop();
  });

  it('sends again, marked as a repeat, a page whose outcome could not be recorded (the disk filled during the send)', async () => {
    const hook = gated('webhook');
    const { engine, clock, logs } = await engineWith([hook.channel]);
    await pageWith(engine, ['webhook']);
    const r = await engine.invoke('incidents.trigger', { serviceId: 1, title: 'recorded nowhere', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const run = clock.advance(0);
    await waitFor(() => hook.waiting.length === 1, 'the send');
    engine.store.db.exec("CREATE TRIGGER refuse BEFORE UPDATE ON delivery_attempts BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    hook.openAll();
    await run;
    await engine.lifecycle.idle();
    expect(logs.some((l) => /recording a delivery failed: database or disk is full; the page will be sent again/.test(l))).toBe(true);
    engine.store.db.exec('DROP TRIGGER refuse');
    const again = clock.advance(RETRY_AFTER_ERROR_MS);
    await waitFor(() => hook.waiting.length === 1, 'the page sent again');
    expect(hook.waiting[0]!.m).toMatchObject({ repeat: true, title: 'recorded nowhere' });
    hook.openAll();
    await again;
    await engine.lifecycle.idle();
    const notes = engine.incidents.timeline(r.incident.id).filter((e) => e.type === 'notify');
    expect(notes.map((e) => e.message)).toEqual([
      'A delivery to webhook "Hook" was interrupted by a failure to record its outcome before Standby knew whether it arrived; sending it again (it may arrive twice)',
      'Notified webhook "Hook": delivered on attempt 2 (a repeat: an interrupted attempt may have arrived)',
    ]);
    await engine.stop();
  });
});
