/**
 * The desktop app as a box's tray, without Electron: a real box (the headless server over HTTPS with
 * its own certificate) and the remote client paired with a code. A page on the box reaches the client
 * as a desktop notification (confirmed back, so the box counts it delivered); an acknowledge from the
 * client acts on the box; a cut link (a loopback relay the test cuts) is a disconnected state within
 * seconds, and the events during the cut arrive after it; another certificate, a used code and a
 * revoked device are refused with a clear message.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { pairWithBox, PairingError } from '../../../electron/engine/remote/pair-client.ts';
import { RemoteClient, type RemoteState } from '../../../electron/engine/remote/remote-client.ts';
import type { ApiEvent, ApiEvents } from '../../../electron/shared/api.ts';
import { tempDir, waitFor } from '../../helpers/headless.ts';

const TOKEN = 'remote-client-test-token-0123456789-ABCDEFGH';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function box(publicUrls: string[] = []): Promise<HeadlessServer> {
  const s = await startHeadless({ dataDir: tempDir('standby-box-'), port: 0, host: '127.0.0.1', token: TOKEN, tls: 'self-signed', lanAccess: true, publicUrls, clock: new SystemClock(), log: () => {} });
  cleanup.push(() => s.close());
  return s;
}

/** Relay forwards a port to the box; cut() drops every connection and refuses new ones until restore(). */
interface Relay {
  url: string;
  cut(): void;
  restore(): void;
}

async function relay(target: () => string): Promise<Relay> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy();
    const t = new URL(target());
    const upstream = connect(Number(t.port), t.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanup.push(() => sockets.forEach((s) => s.destroy()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      open = true;
    },
  };
}

/** pairedClient pairs a client with the box (through `via`, the address the device was given) and starts it. */
async function pairedClient(s: HeadlessServer, via: string) {
  const { code } = await s.engine.invoke('pairing.start', {});
  const paired = await pairWithBox({ url: via, code, name: 'Ada’s laptop' });
  const events: ApiEvent[] = [];
  const shown: Array<ApiEvents['notification.desktop']> = [];
  const states: RemoteState[] = [];
  let resyncs = 0;
  const client = new RemoteClient({
    pin: paired.pin,
    token: paired.token,
    minBackoffMs: 100,
    maxBackoffMs: 500,
    onEvent: (e) => events.push(e),
    onNotify: (n) => {
      shown.push(n);
      return true;
    },
    onState: (st) => states.push(st),
    onResync: () => resyncs++,
  });
  cleanup.push(() => client.stop());
  client.start();
  await waitFor(() => client.state().connected, 'the client to hear the box');
  return { client, paired, events, shown, states, resyncs: () => resyncs };
}

const trigger = async (s: HeadlessServer, title: string) => {
  const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
  const r = await s.engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical' });
  if (r.status === 'suppressed') throw new Error(r.reason);
  return r.incident.id;
};
const titles = (events: ApiEvent[]) => events.filter((e) => e.type === 'incident.changed').map((e) => (e.data as ApiEvents['incident.changed']).incident.title);

describe('the desktop app as the tray of a box', () => {
  it('a page on the box is a desktop notification on the paired device (delivered on the box), and an acknowledge from it acts on the box', { timeout: 60_000 }, async () => {
    const s = await box();
    const c = await pairedClient(s, s.url);
    expect(c.paired.pin.fingerprint256).toBe((await s.engine.invoke('system.server', {})).tls?.fingerprint256);

    const id = await trigger(s, 'Blog returns 500');
    await waitFor(() => c.shown.some((n) => n.incidentId === id), 'the desktop notification on the device');
    // The device showed it and said so: the box counts the desktop page as delivered.
    await waitFor(() => s.engine.incidents.timeline(id).some((e) => e.type === 'notify' && (e.data as { outcome?: string }).outcome === 'delivered'), 'the box to count it delivered');

    await c.client.call('incidents.acknowledge', { id });
    expect(s.engine.incidents.get(id).status).toBe('acknowledged');
    await waitFor(() => c.events.some((e) => e.type === 'incident.changed' && (e.data as ApiEvents['incident.changed']).incident.status === 'acknowledged'), 'the change back on the device');
  });

  it('a burst of pages is confirmed in a few requests, and every page counts as delivered on the box', { timeout: 60_000 }, async () => {
    const s = await box();
    const c = await pairedClient(s, s.url);
    const calls = vi.spyOn(c.client, 'call');
    // Thirty alerts at once: their pages reach the device together.
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => trigger(s, `Burst ${i}`)));
    const delivered = (id: number) => s.engine.incidents.timeline(id).some((e) => e.type === 'notify' && (e.data as { outcome?: string }).outcome === 'delivered');
    await waitFor(() => ids.every(delivered), 'every page delivered on the box', 30_000);
    const confirms = calls.mock.calls.filter(([method]) => method === 'notifications.confirmMany').map(([, input]) => (input as { deliveryIds: string[] }).deliveryIds);
    expect(confirms.flat()).toHaveLength(30);
    expect(new Set(confirms.flat()).size).toBe(30);
    // Pages shown while a confirmation was on its way went together in the next request.
    expect(confirms.length).toBeLessThan(30);
    expect(calls.mock.calls.some(([method]) => method === 'notifications.confirm')).toBe(false);
  });

  it('a cut link is a disconnected state within seconds, and what happened during the cut arrives after it', { timeout: 60_000 }, async () => {
    // The device reaches the box through a relay the test can cut; the box accepts the relay's address as its own (--public-url).
    let target = '';
    const link = await relay(() => target);
    const s = await box([link.url]);
    target = s.url;
    const c = await pairedClient(s, link.url);
    link.cut();
    await waitFor(() => !c.client.state().connected, 'the client to say it is not connected', 10_000);
    const state = c.client.state();
    expect(state.connected === false && state.reason).toMatch(/cannot be reached|ended the event stream/);

    await trigger(s, 'During the cut');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(titles(c.events)).not.toContain('During the cut');
    link.restore();
    await waitFor(() => c.client.state().connected, 'the client to reconnect', 10_000);
    await waitFor(() => titles(c.events).includes('During the cut'), 'the missed event');
    expect(c.resyncs()).toBe(0);
  });

  it('refuses a box with another certificate, a used code, and tells a revoked device so', { timeout: 60_000 }, async () => {
    const s = await box();
    const c = await pairedClient(s, s.url);
    // Another box (another certificate) at the pinned address's place.
    const other = await box();
    const impostor = new RemoteClient({ pin: { ...c.paired.pin, url: other.url }, token: c.paired.token });
    await expect(impostor.call('incidents.list', {})).rejects.toThrow(/showed a certificate other than the one this device paired with \(expected SHA-256 [0-9A-F:]{95}/);

    const { code } = await s.engine.invoke('pairing.start', {});
    await pairWithBox({ url: s.url, code, name: 'Phone' });
    await expect(pairWithBox({ url: s.url, code, name: 'Phone again' })).rejects.toThrow(new PairingError('This pairing code was already used: a code pairs one device. Make a new one on the box.'));
    await expect(pairWithBox({ url: 'http://127.0.0.1:1', code, name: 'x' })).rejects.toThrow(/a box is reached over HTTPS/);

    await s.engine.invoke('devices.revoke', { id: c.paired.device.id });
    await waitFor(() => c.client.state().connected === false, 'the device to hear it was unpaired');
    const st = c.client.state();
    expect(st.connected === false && [st.revoked, st.reason]).toEqual([true, 'this device was unpaired on the box; pair it again with a new code']);
    await expect(c.client.call('incidents.list', {})).rejects.toThrow(/was unpaired on the box at/);
  });
});
