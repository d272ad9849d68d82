/**
 * The desktop app's backend in remote mode (remote/remote-backend.ts) against a real headless box over
 * HTTPS: the box's check results reach the window live (it asks for `monitor.checks`, as a local
 * engine's window gets them), and the desktop settings are this computer's, kept beside the link.
 */
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { startHeadless } from '../../../electron/engine/headless/server.ts';
import { pairWithBox } from '../../../electron/engine/remote/pair-client.ts';
import { saveLink } from '../../../electron/engine/remote/device-link.ts';
import { RemoteBackend } from '../../../electron/engine/remote/remote-backend.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { waitFor } from '../../helpers/headless.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s().catch(() => {});
});

async function paired() {
  const box = await startHeadless({ dataDir: mkdtempSync(join(tmpdir(), 'standby-backend-box-')), port: 0, host: '127.0.0.1', token: 'remote-backend-test-token-0123456789abcdef', tls: 'self-signed', lanAccess: true, clock: new SystemClock(), log: () => {} });
  stops.push(() => box.close());
  const { code } = await box.engine.invoke('pairing.start', {});
  const p = await pairWithBox({ url: box.url, code, name: 'Laptop' });
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-backend-desk-'));
  const link = await saveLink(dataDir, new MemorySecretStore(), p, 'Laptop', Date.now());
  const events: ApiEvent[] = [];
  const backend = new RemoteBackend({ link, dataDir, token: p.token, notify: () => true, log: () => {} });
  backend.on((e) => events.push(e));
  backend.start();
  stops.push(() => backend.stop());
  await waitFor(() => backend.status().mode === 'remote' && (backend.status() as { connected: boolean }).connected, 'the backend connected');
  return { box, backend, events, dataDir };
}

describe('the desktop app in remote mode', () => {
  it("hears the box's check results live", { timeout: 60_000 }, async () => {
    const { box, events } = await paired();
    const serviceId = (await box.engine.invoke('services.list', {}))[0]!.id;
    const beat = await box.engine.invoke('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId, config: { periodSeconds: 86400 } });
    // A cron job pings the heartbeat (the box's certificate is its own: this job does not check it).
    const status = await new Promise<number>((resolve, reject) => {
      request(`${box.url}${beat.pingPath}`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(200);
    await waitFor(() => events.some((e) => e.type === 'monitor.checks'), 'a monitor.checks event from the box');
  });

  it("keeps the desktop settings on this computer, not on the box", { timeout: 60_000 }, async () => {
    const { box, backend } = await paired();
    const next = await backend.invoke('desktop.updateSettings', { startAtLogin: false });
    expect(next.startAtLogin).toBe(false);
    expect((await backend.invoke('desktop.settings', {})).startAtLogin).toBe(false);
    expect((await box.engine.invoke('desktop.settings', {})).startAtLogin).toBe(true);
    await expect(backend.invoke('desktop.updateSettings', { startAtLogin: 'no' } as never)).rejects.toThrow(/startAtLogin/);
  });
});
