/**
 * The desktop app's `remote.*` methods (remote/desktop-link.ts) against a real headless box over
 * HTTPS: a server refuses to be a tray; a copy the box refuses undoes the pairing (the new device is
 * unpaired again, no link is kept); leaving a box that cannot be reached still returns to local mode;
 * a damaged link file is refused with words that say what to do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { LINK_FILE, readLink, readToken } from '../../../electron/engine/remote/device-link.ts';
import { DesktopLink } from '../../../electron/engine/remote/desktop-link.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import type { RemoteStatus } from '../../../electron/shared/api.ts';

const boxes: HeadlessServer[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.close().catch(() => {});
});

async function startBox(): Promise<HeadlessServer> {
  const box = await startHeadless({ dataDir: mkdtempSync(join(tmpdir(), 'standby-link-box-')), port: 0, host: '127.0.0.1', token: 'desktop-link-test-token-0123456789abcdef', tls: 'self-signed', lanAccess: true, clock: new SystemClock(), log: () => {} });
  boxes.push(box);
  return box;
}

function desktop(o: { localConfig?: () => Promise<string> } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-link-desk-'));
  const secrets = new MemorySecretStore();
  let switches = 0;
  const link = new DesktopLink({ dataDir, secrets, now: () => Date.now(), status: (): RemoteStatus => ({ mode: 'local', canConnect: true }), switchMode: () => switches++, log: () => {}, ...o });
  return { dataDir, secrets, link, switches: () => switches };
}

describe('remote.* on a headless server', () => {
  it('answers local and cannot connect, and refuses to pair or disconnect', async () => {
    const box = await startBox();
    expect(await box.engine.invoke('remote.status', {})).toEqual({ mode: 'local', canConnect: false });
    await expect(box.engine.invoke('remote.pair', { url: 'https://192.168.1.5:8730', code: '7KQM-3XPA', name: 'x' })).rejects.toThrow(/This Standby is a server: the desktop app connects to it/);
    await expect(box.engine.invoke('remote.disconnect', {})).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe("the desktop app's link", () => {
  it('undoes a pairing whose configuration copy the box refused: the device is unpaired again and nothing is kept', { timeout: 30_000 }, async () => {
    const box = await startBox();
    const d = desktop({ localConfig: async () => 'services: [{ name: 42 }]\n' });
    const { code } = await box.engine.invoke('pairing.start', {});
    await expect(d.link.call('remote.pair', { url: box.url, code, name: 'Laptop', copyConfig: true })).rejects.toThrow(/copying this computer's configuration there failed .*nothing changed: this computer still runs on its own/);
    expect(readLink(d.dataDir)).toBeUndefined();
    expect(d.switches()).toBe(0);
    const [device] = await box.engine.invoke('devices.list', {});
    expect(device).toMatchObject({ name: 'Laptop' });
    expect(device!.revokedAt).not.toBeNull();
  });

  it('pairs, and leaves a box that cannot be reached any more: the link and token are gone, local mode again', { timeout: 30_000 }, async () => {
    const box = await startBox();
    const d = desktop();
    const { code } = await box.engine.invoke('pairing.start', {});
    const paired = (await d.link.call('remote.pair', { url: box.url, code, name: 'Laptop' })) as { status: RemoteStatus; copied: unknown };
    expect(paired).toMatchObject({ status: { mode: 'remote', box: box.url, connected: false, reason: 'connecting' }, copied: null });
    const link = readLink(d.dataDir)!;
    expect(await d.secrets.get(link.tokenRef)).toMatch(/^sbd_/);
    expect(d.switches()).toBe(1);
    await box.close();
    expect(await d.link.call('remote.disconnect', {})).toEqual({ mode: 'local', canConnect: true });
    expect(readLink(d.dataDir)).toBeUndefined();
    expect(await d.secrets.get(link.tokenRef)).toBeNull();
    expect(d.switches()).toBe(2);
    await expect(d.link.call('remote.disconnect', {})).rejects.toThrow(/not connected to a Standby server/);
  });

  it('does not wait for ever for a keychain that never answers when reading the token', async () => {
    const d = desktop();
    const link = { url: 'https://192.168.1.5:8730', fingerprint256: 'AA', certificatePem: '', deviceId: 1, deviceName: 'Laptop', tokenRef: 'standby.remote.0123456789abcdef', pairedAt: '' };
    const hung = { kind: 'OS keychain', get: () => new Promise<string | null>(() => {}), set: async () => {}, delete: async () => {} };
    await expect(readToken(hung, link, 200)).rejects.toThrow(/the OS keychain did not answer within 0\.2 s when asked for this computer's token for https:\/\/192\.168\.1\.5:8730/);
    await expect(readToken(d.secrets, link, 200)).rejects.toThrow(/is not in the memory/);
  });

  it('refuses a damaged link file, naming it and what to do', () => {
    const d = desktop();
    writeFileSync(join(d.dataDir, LINK_FILE), '{"url": 42}');
    expect(() => readLink(d.dataDir)).toThrow(new RegExp(`${LINK_FILE} is not a link to a box Standby made .*remove it to use Standby on this computer alone, or pair again`));
    writeFileSync(join(d.dataDir, LINK_FILE), 'not json');
    expect(() => readLink(d.dataDir)).toThrow(/is not JSON/);
  });
});
