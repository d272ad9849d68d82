/**
 * A keychain that stops answering, seen through the HTTP API: each page that needs a secret answers
 * within the deadline and says why, `/healthz` (and so the banner) says so, a delivery that needs a
 * token records it and is retried, and all of it heals when the hung call returns (someone unlocked it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, SystemClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { builtinChannels } from '../../../electron/engine/notify/registry.ts';
import { api, tempDir, waitFor, type ApiResponse } from '../../helpers/headless.ts';
import { ScriptedSecretStore } from '../../helpers/scripted-secret-store.ts';

const TOKEN = 'keychain-test-token';
const TIMED_OUT = /^the OS keychain did not answer in 5 s: is it locked\? Unlock it \(an unlock prompt may be waiting on this computer's screen\) and try again, or set STANDBY_SECRETS_FROM_ENV=1/;

let server: HeadlessServer | undefined;
let receiver: Server | undefined;
const engines: Engine[] = [];
afterEach(async () => {
  await server?.close();
  for (const e of engines.splice(0)) await e.stop();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  server = receiver = undefined;
});

/** setup starts Standby on fake time over a scripted keychain holding an integration key and a heartbeat's ping key. */
async function setup() {
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  const keychain = new ScriptedSecretStore();
  server = await startHeadless({ dataDir: tempDir('standby-keychain-'), port: 0, host: '127.0.0.1', token: TOKEN, clock, log: () => {}, secrets: keychain });
  const s = server;
  const call = async (method: string, body: unknown = {}): Promise<ApiResponse> => api(s.url, TOKEN, method, body);
  const ok = async (method: string, body: unknown = {}) => {
    const r = await call(method, body);
    if (r.status !== 200) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const service = (await ok('services.list'))[0];
  const integration = await ok('integrations.create', { serviceId: service.id, type: 'events_v2', name: 'Grafana' });
  const heartbeat = await ok('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId: service.id, config: { periodSeconds: 3600 } });
  const healthz = async () => {
    const res = await fetch(`${s.url}/healthz`);
    return { status: res.status, body: (await res.json()) as { problems: Array<{ code: string; message: string }> } };
  };
  return { s, clock, keychain, call, ok, service, integration, heartbeat, healthz };
}

describe('a keychain that does not answer', () => {
  it('every page that needs a secret answers within the deadline and says why; Health says so until it answers again', async () => {
    const t = await setup();
    expect(t.integration.key).toMatch(/^[0-9a-f]{32}$/);
    t.keychain.hanging = true;

    // The first read waits its whole deadline (5 s of fake time), then the list is answered anyway.
    const before = t.keychain.reached;
    const list = t.call('integrations.list', { serviceId: t.service.id });
    await t.keychain.arrived(before + 1);
    await t.clock.advance(5_000);
    const listed = await list;
    expect(listed.status).toBe(200);
    const mine = listed.body.find((i: { id: number }) => i.id === t.integration.id);
    expect(mine.key).toBeNull();
    expect(mine.keyError).toMatch(/^the key cannot be shown: the OS keychain did not answer in 5 s: is it locked\?/);

    // While that call hangs, nothing more is asked of the keychain: the next pages answer at once.
    const reached = t.keychain.reached;
    const monitor = await t.call('monitors.get', { id: t.heartbeat.id });
    expect([monitor.status, monitor.body.pingPath]).toEqual([200, null]);
    expect(monitor.body.pingKeyError).toMatch(/^the ping URL cannot be shown: the OS keychain did not answer in 5 s: .*\(a request to it has waited 5 s; Standby asks it nothing more until that one returns\)$/);
    const stored = await t.call('secrets.set', { ref: 'twilio.authToken', value: 'x' });
    expect(stored.status).toBe(503);
    expect(stored.body.error.code).toBe('unavailable');
    expect(stored.body.error.message).toMatch(/^the secret "twilio\.authToken" was not stored: the OS keychain did not answer in 5 s: is it locked\?/);
    const twilio = await t.ok('channels.update', { kind: 'twilio', settings: { accountSid: 'AC00000000000000000000000000000000', from: '+14155550100' } });
    expect(twilio.secrets).toEqual([{ field: 'authTokenRef', ref: 'twilio.authToken', present: null, destination: 'https://api.twilio.com/Accounts/AC00000000000000000000000000000000', bound: false }]);
    expect(twilio.secretStore.error).toMatch(TIMED_OUT);
    expect(t.keychain.reached).toBe(reached);

    const failing = await t.healthz();
    expect(failing.status).toBe(503);
    expect(failing.body.problems.filter((p) => p.code !== 'no_remote_contact')).toEqual([
      expect.objectContaining({ code: 'keychain', severity: 'error', message: expect.stringMatching(/^the OS keychain does not answer: is it locked\? .*integration keys and ping URLs cannot be shown\.$/) }),
    ]);

    // Someone unlocks the keychain: the hung call returns, and everything works again.
    t.keychain.hanging = false;
    for (const p of [...t.keychain.pending]) p.answer();
    await new Promise((r) => setImmediate(r));
    const healed = await t.healthz();
    expect([healed.status, healed.body.problems.map((p) => p.code)]).toEqual([200, ['no_remote_contact']]);
    const again = await t.ok('integrations.list', { serviceId: t.service.id });
    expect(again.find((i: { id: number }) => i.id === t.integration.id)).toMatchObject({ key: t.integration.key });
    expect(again.some((i: { keyError?: string }) => i.keyError !== undefined)).toBe(false);
    expect((await t.ok('monitors.get', { id: t.heartbeat.id })).pingPath).toBe(t.heartbeat.pingPath);
  });

  it('a delivery that needs a token fails with the keychain error within the deadline, is retried, and goes out once the keychain answers', async () => {
    // Real time here: the scheduler's fake-clock timers wait for their deliveries, so a delivery
    // waiting on a fake-clock deadline would never see it. A short deadline; every wait is generous.
    const received: Array<{ path: string; signature: string | undefined }> = [];
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ path: req.url ?? '', signature: req.headers['x-standby-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const keychain = new ScriptedSecretStore();
    const engine = new Engine({ databasePath: ':memory:', clock: new SystemClock(), channels: builtinChannels({ show: async () => {} }), secrets: keychain, secretTimeoutMs: 300 });
    engines.push(engine);
    await engine.start();
    const hook = await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Team hook', address: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secretRef: 'hook.signing' });
    await engine.invoke('secrets.set', { ref: 'hook.signing', value: 'signing-secret-value' });
    for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: hook.id });
    await engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 30, retries: 5, retryBaseSeconds: 2 } });
    const serviceId = (await engine.invoke('services.list', {}))[0]!.id;

    keychain.hanging = true;
    const trigger = await engine.invoke('incidents.trigger', { serviceId, title: 'Disk full on db-1', severity: 'critical' });
    if (trigger.status === 'suppressed') throw new Error(trigger.reason);
    const notifies = () => engine.incidents.timeline(trigger.incident.id).filter((e) => e.type === 'notify').map((e) => e.message);
    const keychainFailure = /^Notifying webhook "Team hook" failed \(attempt \d\): the signing secret of "Team hook" could not be read: the OS keychain did not answer in 0\.3 s: is it locked\? .*; retrying in \d+ s$/;
    await waitFor(() => notifies().length > 0, 'the first attempt to fail', 20_000);
    expect(notifies()[0]).toMatch(keychainFailure);
    expect(received).toEqual([]);
    expect(engine.health.snapshot().problems.map((p) => p.code)).toEqual(['keychain']);

    // Someone unlocks the keychain: the hung call returns, and a retry sends the page, signed.
    keychain.hanging = false;
    for (const p of [...keychain.pending]) p.answer();
    await waitFor(() => notifies().some((m) => m.startsWith('Notified webhook "Team hook": delivered on attempt')), 'a retry to deliver', 30_000);
    const log = notifies();
    expect(log.slice(0, -1).every((m) => keychainFailure.test(m))).toBe(true);
    expect(log.join('\n')).not.toContain('signing-secret-value');
    expect(received).toEqual([{ path: '/hook', signature: expect.stringMatching(/^sha256=[0-9a-f]{64}$/) }]);
    expect(engine.health.snapshot().problems).toEqual([]);
  });
});
