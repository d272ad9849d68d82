/**
 * Closing an answered incident's pages on the phone (the Telegram message edited, the Pushover
 * emergency cancelled) runs one close after another, and a close may wait on its vendor: a close
 * queued while the incident was acknowledged must not close the pages of the incident re-triggered since.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import type { Responder } from '../../../electron/engine/responders/responders.ts';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});

describe('closing the pages of an answered incident', () => {
  it('a close queued before the incident was re-triggered leaves the new page ringing', async () => {
    const clock = new FakeClock('2026-03-02T03:00:00Z');
    let sent = 0;
    const channels = new ChannelRegistry();
    channels.register({ type: 'desktop', send: async () => ({ ok: true }) });
    channels.register({ type: 'sms', send: async () => ({ ok: true, receipt: `sid-${++sent}` }) });
    let release!: () => void;
    const vendor = new Promise<void>((resolve) => (release = resolve));
    const closes: Array<{ receipt: string; statusThen: string }> = [];
    const responder: Responder = {
      name: 'sms',
      active: () => false,
      poll: async () => 60_000,
      async close(receipt, incident) {
        // The first close waits on its vendor (a Twilio follow-up can take 30 s).
        if (closes.length === 0) await vendor;
        closes.push({ receipt: receipt.receipt, statusThen: engine.incidents.get(incident.id).status });
      },
    };
    const engine = new Engine({ databasePath: ':memory:', clock, channels, responders: () => [responder] });
    engines.push(engine);
    await engine.start();
    for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
    const sms = await engine.invoke('contactMethods.create', { type: 'sms', label: 'SMS', address: '+14155550123' });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: sms.id });
    const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
    const settle = async () => {
      await clock.advance(0);
      await engine.lifecycle.idle();
    };
    const r = await engine.invoke('incidents.trigger', { serviceId, title: 'Disk full', dedupKey: 'k' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const id = r.incident.id;
    await settle();
    // Acknowledged: the close of sid-1 starts and waits on the vendor.
    await engine.invoke('incidents.acknowledge', { id });
    // The monitoring tool sends its alert again: changed while acknowledged, a second close is queued.
    await engine.invoke('incidents.trigger', { serviceId, title: 'Disk full', dedupKey: 'k' });
    // The person escalates it: triggered again, a new page (sid-2) goes out.
    await engine.invoke('incidents.escalate', { id });
    await settle();
    expect(sent).toBe(2);
    release();
    // The first close ends; the one queued while acknowledged finds the incident triggered and leaves sid-2 alone.
    await expect.poll(() => closes.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closes.map((c) => c.receipt)).toEqual(['sid-1']);
    // Acknowledged once more: now sid-2 is closed.
    await engine.invoke('incidents.acknowledge', { id });
    await expect.poll(() => closes.map((c) => c.receipt), { timeout: 10_000 }).toEqual(['sid-1', 'sid-2']);
    // sid-1's close was already with its vendor when the incident was re-triggered; sid-2's waited for the acknowledgement.
    expect(closes[1]!.statusThen).toBe('acknowledged');
  });
});
