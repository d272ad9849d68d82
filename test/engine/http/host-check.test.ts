/**
 * The Host check against DNS rebinding: a web page whose own name was made to resolve to 127.0.0.1
 * reaches Standby with `Host: evil.example:PORT`. Replayed on the real server on loopback, against
 * every kind of route and with valid credentials, it gets 421 and a one-line reason, and nothing
 * runs. Standby's own address, localhost and configured public names still pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { hostAllowed, MISDIRECTED_BODY, parseHost, publicName } from '../../../electron/engine/http/host-check.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { ROOT, tempDir } from '../../helpers/headless.ts';
import { rawRequest } from '../../helpers/raw-http.ts';
import { join } from 'node:path';

describe('hostAllowed', () => {
  const loop = { address: '127.0.0.1', port: 8730 };
  const names = [publicName('https://standby.example.net')!, publicName('http://box.lan:8730')!];

  it('reads Host headers strictly', () => {
    expect(parseHost('LocalHost:8730')).toEqual({ name: 'localhost', port: 8730 });
    expect(parseHost('[0:0:0:0:0:0:0:1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHost('127.0.0.1')).toEqual({ name: '127.0.0.1', port: undefined });
    for (const bad of ['', 'a b', 'evil.example:0', 'evil.example:99999', 'user@127.0.0.1:8730', '[::1', '::1:8730', '127.0.0.1:8730/x', '[fe80::1%25eth0]:8730']) expect(parseHost(bad), bad).toBeUndefined();
  });

  it('allows the local address, loopback names on loopback, and configured names', () => {
    for (const h of ['127.0.0.1:8730', 'localhost:8730', '[::1]:8730', 'LOCALHOST:8730']) expect(hostAllowed(h, loop, false, []), h).toBe(true);
    expect(hostAllowed('standby.example.net', loop, true, names)).toBe(true); // a proxy passing the public name (port 443)
    expect(hostAllowed('standby.example.net:8730', loop, false, names)).toBe(true); // or the local port
    expect(hostAllowed('box.lan:8730', loop, false, names)).toBe(true);
  });

  it('refuses other names, other ports, numeric tricks and missing Hosts', () => {
    for (const h of [undefined, 'evil.example:8730', '127.evil.example:8730', 'localhost:8731', '127.0.0.2:8730', '2130706433:8730', '0x7f000001:8730', 'localhost.:8730', 'standby.example.net:8443', 'sub.standby.example.net']) {
      expect(hostAllowed(h, loop, false, names), String(h)).toBe(false);
    }
  });

  it('on a LAN address allows that address, not the loopback names', () => {
    const lan = { address: '::ffff:192.168.1.5', port: 8730 };
    expect(hostAllowed('192.168.1.5:8730', lan, true, [])).toBe(true);
    expect(hostAllowed('localhost:8730', lan, true, [])).toBe(false);
    expect(hostAllowed('192.168.1.6:8730', lan, true, [])).toBe(false);
    expect(hostAllowed('[fe80::1]:8730', { address: 'fe80::1%eth0', port: 8730 }, true, [])).toBe(true);
  });
});

describe('a request with a foreign Host, on the real server', () => {
  const TOKEN = 'host-check-token';
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  let s: HeadlessServer;
  let port: string;
  let routingKey: string;
  let alertmanagerKey: string;
  let pingPath: string;
  let ackPath: string;
  let serviceId: number;

  beforeAll(async () => {
    s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, clock, secrets: new MemorySecretStore(), uiDir: join(ROOT, 'out/renderer'), publicUrls: ['https://standby.example.net'], log: () => {} });
    port = new URL(s.url).port;
    serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    routingKey = (await s.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Grafana' })).key!;
    alertmanagerKey = (await s.engine.invoke('integrations.create', { serviceId, type: 'alertmanager', name: 'AM' })).key!;
    pingPath = (await s.engine.invoke('monitors.create', { name: 'Nightly', kind: 'heartbeat', serviceId, config: { periodSeconds: 3600, graceSeconds: 60 } })).pingPath!;
    await s.engine.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: 'https://ack.example.org/standby', ttlMinutes: 60 } });
    const r = await s.engine.invoke('incidents.trigger', { serviceId, title: 'open' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const links = await s.engine.lifecycle.delivery.ack.issue(r.incident.id);
    ackPath = new URL(links!.acknowledge).pathname.replace(/^\/standby/, '');
  });
  afterAll(() => s.close());

  const routes = () => [
    { method: 'GET', path: '/healthz' },
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/index.html' },
    { method: 'POST', path: '/api/system.health', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' },
    { method: 'POST', path: '/api/incidents.trigger', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ serviceId, title: 'rebound' }) },
    { method: 'GET', path: `/api/events?token=${TOKEN}` },
    { method: 'GET', path: `/api/backups/standby-2026-03-02T12-00-00Z.db?token=${TOKEN}`, headers: { authorization: `Bearer ${TOKEN}` } },
    { method: 'POST', path: '/v2/enqueue', body: JSON.stringify({ routing_key: routingKey, event_action: 'trigger', payload: { summary: 'rebound', source: 'x', severity: 'critical' } }) },
    { method: 'POST', path: `/integrations/alertmanager/${alertmanagerKey}`, body: '{}' },
    { method: 'GET', path: pingPath },
    { method: 'GET', path: ackPath },
    { method: 'POST', path: ackPath },
  ];

  it('answers every route with 421 and only a short reason, and changes nothing', async () => {
    const before = (await s.engine.invoke('incidents.list', {})).total;
    for (const r of routes()) {
      for (const host of [`evil.example:${port}`, `127.evil.example:${port}`, `localhost:${Number(port) + 1}`, `ack.example.org:${Number(port) + 1}`]) {
        const a = await rawRequest(s.url, { ...r, host });
        expect(a.status, `${r.method} ${r.path} with Host ${host}`).toBe(421);
        expect(a.body).toBe(MISDIRECTED_BODY);
        expect(a.headers['content-type']).toBe('text/plain; charset=utf-8');
        expect(a.headers['set-cookie']).toBeUndefined();
      }
    }
    expect((await s.engine.invoke('incidents.list', {})).total).toBe(before);
    const hb = (await s.engine.invoke('monitors.list', {})).find((m) => m.kind === 'heartbeat')!;
    expect(hb.status).not.toBe('up'); // the rebound ping was never recorded
  });

  it('answers its own address, localhost, the --public-url name and the ack links’ name', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'standby.example.net', `standby.example.net:${port}`, 'ack.example.org']) {
      const a = await rawRequest(s.url, { path: '/healthz', host });
      expect(a.status, host).not.toBe(421);
    }
    const api = await rawRequest(s.url, { method: 'POST', path: '/api/system.server', host: `localhost:${port}`, headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(JSON.parse(api.body)).toEqual({ url: s.url, publicUrls: ['https://standby.example.net'], lanAccess: false, tls: null });
    // The phone reaches the ack page through the ack links' public name.
    const ack = await rawRequest(s.url, { path: ackPath, host: 'ack.example.org' });
    expect(ack.status).toBe(200);
    expect(ack.body).toContain('Acknowledge incident');
  });

  it('stops trusting the ack links’ name once ack links are off', async () => {
    await s.engine.invoke('channels.update', { kind: 'ack', settings: { enabled: false } });
    expect((await rawRequest(s.url, { path: '/healthz', host: 'ack.example.org' })).status).toBe(421);
    expect((await rawRequest(s.url, { path: '/healthz', host: 'standby.example.net' })).status).not.toBe(421);
  });
});
