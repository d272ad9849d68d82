/**
 * A vendor that hangs must not hold up other pages: while one delivery waits on its channel, a page
 * that falls due (or arrives) meanwhile goes out on time. Real time, a few hundred milliseconds on a
 * quiet machine; the test checks the order of events (the page goes out while the other delivery is
 * still waiting), not how long it took, so a slow machine passes too.
 */
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import type { Channel, DeliveryResult } from '../../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { waitFor } from '../../helpers/headless.ts';

describe('a hanging channel', () => {
  it('does not delay a page that falls due while it hangs', async () => {
    let release: ((r: DeliveryResult) => void) | undefined;
    const sent: string[] = [];
    let sentAt = 0;
    let webhookDone = false;
    const hanging: Channel = {
      type: 'webhook',
      send: (_contact, _m, ctx) => {
        ctx.signal.addEventListener('abort', () => (webhookDone = true), { once: true });
        return new Promise<DeliveryResult>((r) => (release = r));
      },
    };
    const desktop: Channel = {
      type: 'desktop',
      async send() {
        sentAt = clock.now();
        sent.push(webhookDone ? 'desktop after the webhook ended' : 'desktop while the webhook hangs');
        return { ok: true };
      },
    };
    const clock = new SystemClock();
    const engine = new Engine({ databasePath: ':memory:', clock, channels: new ChannelRegistry().register(hanging).register(desktop) });
    await engine.start();
    // The hanging attempt must outlast the test however slow the machine: the longest timeout there is.
    await engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 120 } });
    const [desktopMethod] = await engine.invoke('contactMethods.list', {});
    for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
    const hook = await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Slow hook', address: 'http://127.0.0.1:9/hook' });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: hook.id });
    const r = await engine.invoke('incidents.trigger', { serviceId: 1, title: 'x', severity: 'critical' });
    if (r.status !== 'created') throw new Error(r.status);
    await waitFor(() => release !== undefined, 'the webhook delivery to start');

    // A page due in 200 ms, planned while the webhook hangs.
    const now = clock.now();
    engine.store.transaction(() =>
      engine.incidents.schedule(r.incident.id, { kind: 'notify', dueAt: now + 200, key: 'test:desktop', payload: { contactMethodId: desktopMethod!.id, ruleId: null, level: 1, round: 1, cycle: 1 } }, now),
    );
    engine.lifecycle.wake();
    await waitFor(() => sent.length === 1, 'the desktop page while the webhook still hangs');
    expect(sentAt - now).toBeGreaterThanOrEqual(200);
    expect(sent).toEqual(['desktop while the webhook hangs']);
    // Its outcome is recorded through the group commit, in the turn after the send returned.
    await waitFor(() => engine.incidents.timeline(r.incident.id).some((e) => e.type === 'notify'), 'the desktop page recorded');
    expect(engine.incidents.timeline(r.incident.id).filter((e) => e.type === 'notify').map((e) => e.data.contactType)).toEqual(['desktop']);

    release!({ ok: true });
    await waitFor(() => engine.incidents.timeline(r.incident.id).filter((e) => e.type === 'notify').length === 2, 'both outcomes in the timeline');
    await engine.stop();
  });
});
