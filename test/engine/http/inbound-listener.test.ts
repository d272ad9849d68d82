/**
 * The desktop app's inbound port, on real sockets on loopback: a taken port makes it listen on a free
 * one and say so (health, `system.info`, `inbound.changed`), alerts reach the port it really uses,
 * Settings moves it live (or refuses a taken port and changes nothing), and the port picked in Settings
 * is stored for the next start. The headless server reports its `--port` the same way.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless } from '../../../electron/engine/headless/server.ts';
import { DEFAULT_PORT } from '../../../electron/engine/http/listen.ts';
import { desktopInboundPort } from '../../../electron/engine/http/inbound-address.ts';
import { InboundListener, unavailableReason } from '../../../electron/engine/http/inbound-listener.ts';
import { builtinChannels } from '../../../electron/engine/notify/registry.ts';
import { inboundLine } from '../../../electron/main/tray-model.ts';
import { snapshot, tempDir } from '../../helpers/headless.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** blockPort holds a port on 127.0.0.1 the way another program would; it answers the port. */
async function blockPort(port = 0): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as { port: number }).port, server };
}

async function engineWithEvents(databasePath = ':memory:'): Promise<{ engine: Engine; events: ApiEvent[] }> {
  const engine = new Engine({ databasePath, clock: new FakeClock('2026-03-02T12:00:00Z'), channels: builtinChannels({ show: async () => {} }), keepBackups: 0 });
  await engine.start();
  cleanup.push(() => engine.stop());
  const events: ApiEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, events };
}

function desktopListener(engine: Engine, o: { live?: boolean; listen?: ConstructorParameters<typeof InboundListener>[1]['listen'] } = {}): { listener: InboundListener; logged: string[] } {
  const logged: string[] = [];
  const listener = new InboundListener(engine, { host: '127.0.0.1', http: { token: 't'.repeat(32) }, wantedFrom: 'settings', live: o.live ?? true, log: (l) => logged.push(l), ...(o.listen ? { listen: o.listen } : {}) });
  cleanup.push(() => listener.close());
  return { listener, logged };
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`);
    return false;
  } catch {
    return true;
  }
}

describe('the desktop inbound port', () => {
  it('falls back to a free port when its port is taken, says so, and takes alerts there', async () => {
    const taken = await blockPort();
    const { engine, events } = await engineWithEvents();
    await engine.invoke('system.setInboundPort', { port: taken.port }); // picked at an earlier run (nothing listens yet)
    const { listener, logged } = desktopListener(engine);
    await listener.start(taken.port);

    const { inbound } = await engine.invoke('system.info', {});
    expect(inbound).toMatchObject({ wantedPort: taken.port, wantedFrom: 'settings', unavailable: 'taken by another program', live: true, settingPort: taken.port });
    expect(inbound.port).not.toBe(taken.port);
    expect(inbound.url).toBe(`http://127.0.0.1:${inbound.port}`);
    expect(listener.url).toBe(inbound.url);
    expect(events.filter((e) => e.type === 'inbound.changed').at(-1)?.data).toEqual(inbound);
    expect(logged.join('\n')).toContain(`cannot listen on 127.0.0.1:${taken.port} for alerts: the port is taken by another program`);

    // A warning (alerts do arrive, elsewhere), naming both ports; /healthz on the port really used says so.
    const problem = engine.health.status().problems.find((p) => p.code === 'inbound');
    expect(problem).toMatchObject({ severity: 'warning' });
    expect(problem!.message).toBe(
      `Port ${taken.port} is taken by another program, so Standby takes alerts on ${inbound.url} instead. Tools set up for port ${taken.port} do not reach it: pick a free port in Settings (or stop the other program), or point them at ${inbound.url}.`,
    );
    const health = await fetch(`${inbound.url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { problems: Array<{ code: string }> }).problems.map((p) => p.code)).toContain('inbound');

    // An alert sent to the URL the UI shows opens an incident.
    const policy = (await engine.invoke('escalationPolicies.list', {}))[0]!;
    const service = await engine.invoke('services.create', { name: 'Shop', escalationPolicyId: policy.id });
    const integration = await engine.invoke('integrations.create', { serviceId: service.id, type: 'events_v2', name: 'Events', rateLimitPerMinute: 0 });
    const r = await fetch(`${inbound.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing_key: integration.key, event_action: 'trigger', payload: { summary: 'Disk full', source: 'srv01', severity: 'critical' } }),
    });
    expect(r.status).toBe(202);
    expect((await engine.invoke('incidents.list', {})).incidents.map((i) => i.title)).toEqual(['Disk full']);

    // The tray says the same, and offers Settings.
    expect(inboundLine(inbound)).toEqual({
      label: `Alerts on port ${inbound.port}: port ${taken.port} is taken by another program`,
      menuLabel: `⚠ Alerts on port ${inbound.port}: port ${taken.port} is taken by another program…`,
      problem: true,
    });
  });

  it('moves live to the port picked in Settings once it is free, clears the problem and stores the port', async () => {
    const taken = await blockPort();
    const { engine } = await engineWithEvents();
    await engine.invoke('system.setInboundPort', { port: taken.port });
    const { listener } = desktopListener(engine);
    await listener.start(taken.port);
    const fallback = (await engine.invoke('system.info', {})).inbound.url!;

    // Still taken: refused as a conflict naming the port, and nothing changes (listener, setting, database).
    const before = snapshot(engine.store.db);
    await expect(engine.call('system.setInboundPort', { port: taken.port })).rejects.toMatchObject({
      code: 'conflict',
      message: `port: ${taken.port} is taken by another program; Standby still takes alerts on ${fallback}, and nothing was changed`,
    });
    expect(snapshot(engine.store.db)).toEqual(before);
    expect((await engine.invoke('system.info', {})).inbound.url).toBe(fallback);
    expect((await fetch(`${fallback}/healthz`)).status).toBe(200);

    // The other program goes away; picking the port again moves there.
    await new Promise((resolve) => taken.server.close(resolve));
    const after = await engine.invoke('system.setInboundPort', { port: taken.port });
    expect(after.inbound).toEqual({ url: `http://127.0.0.1:${taken.port}`, port: taken.port, wantedPort: taken.port, wantedFrom: 'settings', unavailable: null, settingPort: taken.port, live: true });
    expect(engine.health.status().problems.map((p) => p.code)).not.toContain('inbound');
    expect((await fetch(`http://127.0.0.1:${taken.port}/healthz`)).status).toBe(200);
    expect(await refused(fallback)).toBe(true);
    // The old listener's close does not blank where the server listens: the new one took over.
    expect((await engine.invoke('system.server', {})).url).toBe(`http://127.0.0.1:${taken.port}`);
    expect(engine.inboundAddress.storedPort()).toBe(taken.port);
    expect(inboundLine(after.inbound)).toEqual({ label: `Alerts: http://127.0.0.1:${taken.port}`, menuLabel: `Alerts: http://127.0.0.1:${taken.port}`, problem: false });
  });

  it('says alerts are off (an error) when no port at all can be opened', async () => {
    const { engine } = await engineWithEvents();
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    const { listener, logged } = desktopListener(engine, { listen: async () => Promise.reject(denied) });
    await listener.start(DEFAULT_PORT);
    const { inbound } = await engine.invoke('system.info', {});
    expect(inbound).toMatchObject({ url: null, port: null, wantedPort: DEFAULT_PORT, unavailable: 'not open to Standby (permission denied)' });
    expect(engine.health.status().status).toBe('failing');
    const problem = engine.health.status().problems.find((p) => p.code === 'inbound');
    expect(problem?.severity).toBe('error');
    expect(problem!.message).toMatch(/^Standby takes no alerts over HTTP: port 8730 is not open to Standby \(permission denied\), and no other port could be opened\./);
    expect(logged.at(-1)).toMatch(/not accepting alerts over HTTP/);
    expect(inboundLine(inbound)?.label).toBe('Alerts over HTTP are off: port 8730 is not open to Standby (permission denied)');
  });

  it('with STANDBY_PORT (not live), stores the picked port for the next start without moving', async () => {
    const { engine } = await engineWithEvents();
    const { listener } = desktopListener(engine, { live: false });
    await listener.start(0);
    const url = listener.url!;
    const r = await engine.invoke('system.setInboundPort', { port: 18_730 });
    expect(r.inbound).toMatchObject({ url, settingPort: 18_730, live: false, unavailable: null });
    expect(await refused(url)).toBe(false);
  });

  it('keeps the picked port across a restart, where it is the port asked for', async () => {
    const path = join(tempDir('standby-inbound-port-'), 'standby.db');
    const first = await engineWithEvents(path);
    await first.engine.invoke('system.setInboundPort', { port: 18_731 });
    await first.engine.stop();
    cleanup.splice(0); // stopped already
    const { engine } = await engineWithEvents(path);
    expect(engine.inboundAddress.storedPort()).toBe(18_731);
    expect(desktopInboundPort(undefined, engine.inboundAddress.storedPort())).toEqual({ port: 18_731, from: 'settings' });
    expect((await engine.invoke('system.info', {})).inbound).toMatchObject({ url: null, wantedPort: 18_731, wantedFrom: 'settings', settingPort: 18_731 });
  });
});

describe('desktopInboundPort', () => {
  it('takes STANDBY_PORT first, then the setting, then 8730', () => {
    expect(desktopInboundPort('9000', 18_000)).toEqual({ port: 9000, from: 'STANDBY_PORT' });
    expect(desktopInboundPort('0', null)).toEqual({ port: 0, from: 'STANDBY_PORT' });
    expect(desktopInboundPort(undefined, 18_000)).toEqual({ port: 18_000, from: 'settings' });
    expect(desktopInboundPort('', null)).toEqual({ port: 8730, from: 'default' });
  });

  it('ignores a STANDBY_PORT that is not a port, saying so', () => {
    for (const bad of ['abc', '70000', '-1', '80.5', '0x50']) {
      expect(desktopInboundPort(bad, 18_000)).toEqual({ port: 18_000, from: 'settings', warning: `STANDBY_PORT=${JSON.stringify(bad)} is not a port (0 to 65535), so it is ignored` });
    }
  });
});

describe('unavailableReason', () => {
  it('names the usual causes in words', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(unavailableReason(e('EADDRINUSE'))).toBe('taken by another program');
    expect(unavailableReason(e('EADDRNOTAVAIL'))).toBe('not available on this computer');
    expect(unavailableReason(e('EINVAL'))).toBe('not usable (EINVAL)');
  });
});

describe('the headless server', () => {
  it('reports its --port address through system.info', async () => {
    const s = await startHeadless({ dataDir: tempDir('standby-inbound-headless-'), port: 0, host: '127.0.0.1', token: 'h'.repeat(32), log: () => {}, keepBackups: 0 });
    cleanup.push(() => s.close());
    const { inbound } = await s.engine.invoke('system.info', {});
    expect(inbound).toMatchObject({ url: s.url, wantedPort: 0, wantedFrom: '--port', unavailable: null, live: false, settingPort: DEFAULT_PORT });
    // Settings stores the desktop app's port; the headless server stays on its --port.
    expect((await s.engine.invoke('system.setInboundPort', { port: 18_732 })).inbound).toMatchObject({ url: s.url, settingPort: 18_732 });
  });
});
