/**
 * Acceptance: `standby serve` on a real locked gnome-keyring whose unlock prompt nobody answers, so
 * keychain calls never return. The API answers within the 5 s deadline with the error, a delivery
 * fails with it, `/healthz` says so, and SIGTERM ends the process within seconds although a keytar
 * call still waits in a worker thread (process.exit alone would wait for it forever).
 *
 * First the same data directory runs on an unlocked keyring (the control): keys are kept, a page is
 * delivered, signed, with ack links, and SIGTERM exits 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';
import { missingSecretServiceTools, startSecretService, startXvfb, type SecretService, type XDisplay } from '../../helpers/secret-service.ts';

const TOKEN = 'locked-keychain-test-token-0123456789-ABCDEFGH';
const missing = missingSecretServiceTools();
const TIMED_OUT = /the OS keychain did not answer in 5 s: is it locked\? Unlock it \(an unlock prompt may be waiting on this computer's screen\)/;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** serve starts `standby serve` on dataDir against a secret service. */
async function serve(dataDir: string, service: SecretService): Promise<ChildServer> {
  const child = await startChild(['--data-dir', dataDir], { ...service.env, STANDBY_TOKEN: TOKEN, STANDBY_SECRETS_FROM_ENV: '' });
  cleanup.push(async () => {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
    await child.exited;
  });
  return child;
}

/** SIGTERM_LIMIT_MS is how long sigterm waits before it gives up on the child (and kills it, so the test can say so). */
const SIGTERM_LIMIT_MS = 30_000;

/** sigterm stops a child and answers how it ended and how long that took (SIGKILL after SIGTERM_LIMIT_MS). */
async function sigterm(c: ChildServer): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  c.child.kill('SIGTERM');
  const limit = setTimeout(() => c.child.kill('SIGKILL'), SIGTERM_LIMIT_MS);
  await c.exited;
  clearTimeout(limit);
  return { code: c.child.exitCode, signal: c.child.signalCode, ms: Date.now() - started };
}

describe.skipIf(missing.length > 0)(`serve with a locked keychain that never answers${missing.length > 0 ? ` (skipped: this machine lacks ${missing.join(', ')}; .ci/run installs gnome-keyring, dbus-x11 and xvfb)` : ''}`, () => {
  it('answers the API within the deadline with the error, fails deliveries with it, and exits within seconds on SIGTERM', { timeout: 180_000 }, async () => {
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-standby-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });
    const dataHome = tempDir('standby-keyrings-');
    const dataDir = tempDir('standby-locked-');

    // The control: an unlocked keyring keeps the keys, and a page goes out signed, with ack links.
    const unlocked = await startSecretService({ dataHome, password: 'standby-test-password' });
    cleanup.push(() => unlocked.stop());
    const first = await serve(dataDir, unlocked);
    const ok = async (method: string, body: unknown = {}) => {
      const r = await api(first.url, TOKEN, method, body);
      if (r.status !== 200) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const service = (await ok('services.list'))[0];
    const integration = await ok('integrations.create', { serviceId: service.id, type: 'events_v2', name: 'Grafana' });
    const heartbeat = await ok('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId: service.id, config: { periodSeconds: 3600 } });
    const hook = await ok('contactMethods.create', { type: 'webhook', label: 'Team hook', address: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secretRef: 'hook.signing' });
    await ok('secrets.set', { ref: 'hook.signing', value: 'signing-secret-value' });
    for (const r of await ok('notificationRules.list')) await ok('notificationRules.delete', { id: r.id });
    await ok('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: hook.id });
    await ok('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: 'https://standby.example.net' } });
    expect((await ok('integrations.list', { serviceId: service.id }))[0]).toMatchObject({ key: integration.key });
    await ok('incidents.trigger', { serviceId: service.id, title: 'Disk full on db-1', severity: 'critical' });
    await waitFor(() => received.length === 1, 'the page on an unlocked keychain', 30_000);
    expect(received[0]!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(received[0]!.body).toContain('https://standby.example.net/ack/');
    expect(await sigterm(first)).toMatchObject({ code: 0, signal: null });
    await unlocked.stop();

    // The same keyring, locked, on a display where its unlock prompt waits for nobody.
    const x: XDisplay = await startXvfb();
    cleanup.push(() => x.stop());
    const locked = await startSecretService({ dataHome, display: x.display });
    cleanup.push(() => locked.stop());
    const second = await serve(dataDir, locked);
    const call = (method: string, body: unknown = {}) => api(second.url, TOKEN, method, body);

    // The first read opens the prompt and never returns: the list still answers, after the deadline.
    const listStarted = Date.now();
    const listed = await call('integrations.list', { serviceId: service.id });
    const listMs = Date.now() - listStarted;
    expect(listed.status).toBe(200);
    expect(listed.body[0]).toMatchObject({ id: integration.id, key: null, keyError: expect.stringMatching(TIMED_OUT) });
    expect(listMs).toBeGreaterThanOrEqual(4_500); // it did hang: the deadline ended it, not a quick "no"
    console.log(`locked keychain: integrations.list answered in ${listMs} ms`);

    // While that read hangs, pages answer at once with the same advice.
    const monitor = await call('monitors.get', { id: heartbeat.id });
    expect(monitor.status).toBe(200);
    expect(monitor.body).toMatchObject({ pingPath: null, pingKeyError: expect.stringMatching(TIMED_OUT) });
    const stored = await call('secrets.set', { ref: 'hook.signing', value: 'new-value' });
    expect([stored.status, stored.body.error.code]).toEqual([503, 'unavailable']);
    expect(stored.body.error.message).toMatch(TIMED_OUT);
    const health = await fetch(`${second.url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { problems: Array<{ code: string }> }).problems.map((p) => p.code)).toContain('keychain');

    // A page that needs the signing secret fails with the error, recorded on its incident.
    const trigger = await call('incidents.trigger', { serviceId: service.id, title: 'Disk full on db-2', severity: 'critical' });
    const failure = await waitFor(async () => {
      const inc = await call('incidents.get', { id: trigger.body.incident.id });
      return (inc.body.timeline as Array<{ type: string; message: string }>).find((e) => e.type === 'notify')?.message;
    }, 'the delivery to fail', 30_000);
    expect(failure).toMatch(/^Notifying webhook "Team hook" failed \(attempt 1\): the signing secret of "Team hook" could not be read: the OS keychain did not answer in 5 s: is it locked\?.*; retrying in \d+ s$/);
    expect(received).toHaveLength(1);

    // SIGTERM: the server closes, and the stuck keytar call cannot hold the exit.
    const stop = await sigterm(second);
    console.log(`locked keychain: SIGTERM ended the server in ${stop.ms} ms (${stop.signal ?? `exit ${stop.code}`})`);
    expect(stop).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(stop.ms).toBeLessThan(20_000);
    expect(second.output()).toContain('a keychain call still waits for an answer in a worker thread, and a normal exit would wait for it (forever, if it hangs): ending the process with SIGTERM');
    expect(second.output()).not.toContain('signing-secret-value');

    // SIGTERM while the first keychain call is still within its deadline (not yet known to hang) ends as fast.
    const third = await serve(dataDir, locked);
    const pending = api(third.url, TOKEN, 'integrations.list', { serviceId: service.id }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_500));
    const early = await sigterm(third);
    await pending;
    console.log(`locked keychain: SIGTERM 1.5 s into a keychain call ended the server in ${early.ms} ms (${early.signal ?? `exit ${early.code}`})`);
    expect(early.ms).toBeLessThan(20_000);
  });
});
