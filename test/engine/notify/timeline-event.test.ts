/**
 * What a page's outcome tells the windows: a delivered page changes only its incident's timeline, so it
 * sends `incident.timeline` (the open incident's view reads its timeline again) and not the whole
 * incident, which lists, counts and analytics would read again; the event follows the outcome's commit.
 * A page that fails, or a delivery that clears its contact method's failed page, changes the incident
 * (its page failure) and sends `incident.changed` (test/engine/notify/channel-problems.test.ts follows
 * the failure and its clearing), and so does a page delivered after its incident was answered meanwhile:
 * the Electron shell dismisses the notification of an incident no longer triggered, and the responders
 * close the page on the phone, when they hear `incident.changed`.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import type { Channel } from '../../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { testEngine } from '../../helpers/engine.ts';

describe('the event of a page delivered', () => {
  it('is incident.timeline, sent once the delivered entry is stored, and no incident.changed follows', async () => {
    const t = await testEngine();
    const { engine } = t;
    const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
    const heard: Array<{ type: ApiEvent['type']; incidentId: number; notified: number }> = [];
    // At each incident event, what a window reading the incident then would see of its delivered pages.
    const notifiedNow = (id: number) => engine.incidents.timeline(id).filter((l) => l.type === 'notify' && /delivered/.test(l.message)).length;
    engine.on((e) => {
      if (e.type === 'incident.timeline') heard.push({ type: e.type, incidentId: e.data.incidentId, notified: notifiedNow(e.data.incidentId) });
      if (e.type === 'incident.changed') heard.push({ type: e.type, incidentId: e.data.incident.id, notified: notifiedNow(e.data.incident.id) });
    });
    const r = await engine.invoke('incidents.trigger', { serviceId, title: 'Disk full on db-1' });
    if (r.status === 'suppressed') throw new Error('suppressed');
    await t.settle();

    expect(t.kinds()).toEqual(['desktop@0']);
    expect(heard).toEqual([
      { type: 'incident.changed', incidentId: r.incident.id, notified: 0 },
      { type: 'incident.timeline', incidentId: r.incident.id, notified: 1 },
    ]);
    // The incident itself is as the trigger left it: nothing of it was worth sending again.
    expect(await engine.invoke('incidents.get', { id: r.incident.id })).toMatchObject({ status: 'triggered', pageFailure: null, alertCount: 1 });
  });

  it('is the whole incident when the incident was answered while its page was out', async () => {
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const channels = new ChannelRegistry();
    let sending: (() => void) | undefined;
    const sent = new Promise<void>((started) => {
      // The desktop takes its time to show the page: the person acknowledges elsewhere meanwhile.
      const slow: Channel = { type: 'desktop', send: () => new Promise((done) => ((sending = () => done({ ok: true })), started())) };
      channels.register(slow);
    });
    const engine = new Engine({ databasePath: ':memory:', clock, channels });
    await engine.start();
    try {
      const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
      const r = await engine.invoke('incidents.trigger', { serviceId, title: 'Queue backlog above 10k' });
      if (r.status === 'suppressed') throw new Error('suppressed');
      // The run that sends the page waits for it: not awaited here.
      const running = clock.advance(0);
      await sent;
      await engine.invoke('incidents.acknowledge', { id: r.incident.id });
      const heard: string[] = [];
      engine.on((e) => {
        if (e.type === 'incident.timeline') heard.push('timeline');
        if (e.type === 'incident.changed') heard.push(`changed ${e.data.incident.status}`);
      });
      sending!();
      await running;
      await engine.lifecycle.idle();
      expect(heard).toEqual(['changed acknowledged']);
      expect((await engine.invoke('incidents.get', { id: r.incident.id })).timeline.some((l) => l.type === 'notify' && /delivered/.test(l.message))).toBe(true);
    } finally {
      await engine.stop();
    }
  });
});
