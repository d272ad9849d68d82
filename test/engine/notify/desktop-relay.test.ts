/**
 * DesktopRelay: delivered only when a connected UI confirms; no UI (NotConnectedError: the page waits
 * for one, and each UI that connects says so), no confirmation in time or an abort is a failure.
 */
import { describe, expect, it } from 'vitest';
import { desktopChannel } from '../../../electron/engine/notify/channels/desktop.ts';
import { NotConnectedError } from '../../../electron/engine/notify/channel.ts';
import { DesktopRelay, NO_DESKTOP_CONNECTED, type RelayedNotification } from '../../../electron/engine/notify/desktop-relay.ts';

const NOTE = { incidentId: 7, number: 7, title: '#7 Blog is down', body: 'Blog · high urgency', urgency: 'high' as const };

function relay() {
  const published: RelayedNotification[] = [];
  const attached: number[] = [];
  const r: DesktopRelay = new DesktopRelay({ publish: (n) => published.push(n), attached: () => attached.push(r.connected()) });
  return { r, published, attached };
}

describe('DesktopRelay', () => {
  it('fails at once when no UI is connected, and publishes nothing', async () => {
    const { r, published } = relay();
    await expect(r.show(NOTE)).rejects.toThrow(NO_DESKTOP_CONNECTED);
    await expect(r.show(NOTE)).rejects.toBeInstanceOf(NotConnectedError);
    expect(published).toEqual([]);
  });

  it('says when a UI connects, once it counts as connected', () => {
    const { r, attached } = relay();
    const detach = r.attach();
    r.attach();
    detach();
    r.attach();
    expect(attached).toEqual([1, 2, 2]);
  });

  it('makes the desktop channel unavailable, and ask to wait for a UI, only when none is connected', async () => {
    const { r } = relay();
    const channel = desktopChannel(r);
    const m = { incidentId: 7, number: 7, title: 'Blog is down', serviceName: 'Blog', urgency: 'high' } as Parameters<typeof channel.send>[1];
    const ctx = { timeoutMs: 600 } as Parameters<typeof channel.send>[2];
    expect(channel.unavailable?.()).toBe(NO_DESKTOP_CONNECTED);
    expect(await channel.send({} as Parameters<typeof channel.send>[0], m, ctx)).toEqual({ ok: false, retryable: true, error: NO_DESKTOP_CONNECTED, untilConnected: true });
    r.attach();
    expect(channel.unavailable?.()).toBeUndefined();
    expect(await channel.send({} as Parameters<typeof channel.send>[0], m, ctx)).toEqual({ ok: false, retryable: true, error: 'no connected desktop confirmed the notification within 0.1 s (1 connected)' });
  });

  it('resolves when a connected UI confirms the delivery id it was sent, once', async () => {
    const { r, published } = relay();
    const detach = r.attach();
    const shown = r.show(NOTE, { timeoutMs: 60_000 });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject(NOTE);
    expect(r.confirm('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(r.confirm(published[0]!.deliveryId)).toBe(true);
    await shown;
    expect(r.confirm(published[0]!.deliveryId)).toBe(false);
    detach();
    detach(); // twice is harmless
    expect(r.connected()).toBe(0);
  });

  it('fails when no connected UI confirms before the deadline, and a late confirmation changes nothing', async () => {
    const { r, published } = relay();
    r.attach();
    await expect(r.show(NOTE, { timeoutMs: 700 })).rejects.toThrow('no connected desktop confirmed the notification within 0.2 s (1 connected)');
    expect(r.confirm(published[0]!.deliveryId)).toBe(false);
  });

  it('fails when the send is aborted (Standby is stopping)', async () => {
    const { r } = relay();
    r.attach();
    const abort = new AbortController();
    const shown = r.show(NOTE, { signal: abort.signal, timeoutMs: 60_000 });
    abort.abort();
    await expect(shown).rejects.toThrow('the notification was cut short');
  });
});
