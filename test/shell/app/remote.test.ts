/**
 * The desktop app as the tray of an always-on box, through the real shell (electron/main/index.ts on
 * the Electron double) and a real headless box over HTTPS on loopback:
 *
 * - "Connect to a Standby server" pairs with a code, copies this computer's configuration to the box,
 *   stops the local engine (its HTTP listener closes: one pager per person) and reloads the window;
 * - a page on the box is an OS notification and the tray's alert state here; Acknowledge in the tray
 *   acknowledges it on the box; the box lists this computer as connected;
 * - the box going away is a state of its own: its icon, "Not connected to … since HH:MM";
 * - unpaired on the box, the app shows its connect screen; "Use this computer on its own" starts the
 *   local engine again; a restart keeps the mode the data directory says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { LINK_FILE } from '../../../electron/engine/remote/device-link.ts';
import { FileSecretStore, SECRETS_FILE } from '../../../electron/engine/secrets/file-store.ts';
import { ROOT, tempDir } from '../../helpers/headless.ts';
import { cleanupShells, launchShell, type ShellApp } from '../../helpers/shell-app.ts';

const BOX_TOKEN = 'shell-remote-test-box-token-0123456789abcdef';
const alertIcon = readFileSync(join(ROOT, 'build/tray-alert.png'));
const calmIcon = readFileSync(join(ROOT, 'build/tray.png'));
const offIcon = readFileSync(join(ROOT, 'build/tray-disconnected.png'));

const boxes: HeadlessServer[] = [];
afterEach(async () => {
  await cleanupShells();
  for (const b of boxes.splice(0)) await b.close().catch(() => {});
});

/** startBox starts a headless box over HTTPS with a certificate of its own, as `standby serve --allow-lan` does. */
async function startBox(dataDir = tempDir('standby-shell-box-')): Promise<HeadlessServer> {
  const box = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: BOX_TOKEN, tls: 'self-signed', lanAccess: true, clock: new SystemClock(), log: () => {} });
  boxes.push(box);
  return box;
}

/** launchWithWindow starts the shell (device token in its secrets file) and opens the dashboard, whose calls go through IPC. */
async function launchWithWindow(dataDir?: string): Promise<ShellApp> {
  const s = await launchShell({ env: { STANDBY_SECRETS_FILE: '1' }, ...(dataDir ? { dataDir } : {}) });
  s.electron.tray().clickMenu(['Open dashboard']);
  await s.electron.waitFor(() => s.electron.allWindows.some((w) => w.options.title === 'Standby' && w.visible), 'the dashboard window');
  return s;
}

const dashboard = (s: ShellApp) => s.electron.allWindows.find((w) => w.options.title === 'Standby' && !w.isDestroyed())!;
const listens = (url: string) => fetch(`${url}/healthz`).then(() => true, () => false);

async function pairShell(s: ShellApp, box: HeadlessServer, copyConfig = false) {
  const { code } = await box.engine.invoke('pairing.start', {});
  const paired = await s.call('remote.pair', { url: box.url, code, name: 'Shell laptop', copyConfig });
  await s.electron.waitFor(() => s.logs.some((l) => l.includes(`now running as the tray of ${box.url}`)), 'the switch to remote mode');
  await s.electron.waitFor(() => s.electron.tray().menu?.labels().includes(`Connected to ${new URL(box.url).host}`), 'the tray connected to the box');
  return paired;
}

describe('the desktop app paired with a box', () => {
  it('pairs from the window, copies its configuration, stops its own engine, and is the box\'s tray: notification, alert icon, Acknowledge on the box', { timeout: 90_000 }, async () => {
    const box = await startBox();
    const s = await launchWithWindow();
    expect(await s.call('remote.status', {})).toEqual({ mode: 'local', canConnect: true });
    expect(await listens(s.url)).toBe(true);
    const localService = (await s.call('services.list', {}))[0]!;
    await s.call('services.create', { name: 'Blog (from the laptop)', escalationPolicyId: localService.escalationPolicyId });

    const paired = await pairShell(s, box, true);
    expect(paired.copied).not.toBeNull();
    expect(paired.status).toMatchObject({ mode: 'remote', box: box.url, deviceName: 'Shell laptop' });
    // The local engine stopped: its HTTP listener is closed; the window reloaded onto the box.
    expect(await listens(s.url)).toBe(false);
    expect(dashboard(s).contents.reloads).toBe(1);
    // The link is beside the data; the token is in the secrets file, not in the link.
    const link = JSON.parse(readFileSync(join(s.dataDir, LINK_FILE), 'utf8')) as { url: string; fingerprint256: string; tokenRef: string };
    expect(link.url).toBe(box.url);
    expect(link.fingerprint256).toBe((await box.engine.invoke('system.server', {})).tls!.fingerprint256);
    expect(JSON.stringify(link)).not.toMatch(/sbd_/);
    expect(readFileSync(join(s.dataDir, SECRETS_FILE), 'utf8')).toMatch(/sbd_/);
    // The window's calls now reach the box: the configuration copied there, the box's devices.
    expect((await s.call('services.list', {})).map((x) => x.name)).toContain('Blog (from the laptop)');
    expect((await s.call('remote.status', {})).mode).toBe('remote');
    await s.electron.waitFor(async () => (await box.engine.invoke('devices.list', {})).some((d) => d.name === 'Shell laptop' && d.connected), 'the box lists this computer as connected');

    // A page on the box: an OS notification here and the alert icon; Acknowledge in the tray acts on the box.
    const serviceId = (await box.engine.invoke('services.list', {}))[0]!.id;
    const t = await box.engine.invoke('incidents.trigger', { serviceId, title: 'Box: disk full on db1', severity: 'critical' });
    if (t.status === 'suppressed') throw new Error(t.reason);
    const { tray, waitFor, allNotifications } = s.electron;
    const label = `#${t.incident.number} Box: disk full on db1`;
    await waitFor(() => allNotifications.some((n) => n.shown && n.options.title?.includes('Box: disk full on db1')) && tray().menu!.labels().includes(label) && tray().image.is(alertIcon), 'the notification and the alert tray');
    tray().clickMenu([label, 'Acknowledge']);
    await waitFor(async () => (await box.engine.invoke('incidents.get', { id: t.incident.id })).status === 'acknowledged', 'the incident acknowledged on the box');
    await waitFor(() => tray().image.is(calmIcon) && tray().menu!.labels().includes(`${label} (acknowledged)`), 'the calm tray');
    // The box counted its desktop page delivered: this computer confirmed it.
    const timeline = (await box.engine.invoke('incidents.get', { id: t.incident.id })).timeline.map((e) => JSON.stringify(e));
    expect(timeline.some((e) => /desktop/i.test(e) && /delivered/i.test(e))).toBe(true);

    // The box goes away: a state of its own, within seconds.
    await box.close();
    await waitFor(() => tray().image.is(offIcon), 'the disconnected icon');
    expect(tray().menu!.labels()[0]).toMatch(new RegExp(`^Not connected to ${new URL(box.url).host.replace(/\./g, '\\.')} since \\d\\d:\\d\\d$`));
    expect(tray().menu!.labels()).toContain('Try again now');
    expect(tray().tooltip).toMatch(/^Standby\nNot connected to /);
    const status = await s.call('remote.status', {});
    expect(status).toMatchObject({ mode: 'remote', connected: false, revoked: false });
  });

  it('unpaired on the box, shows the connect screen; "on its own" starts the local engine again; a restart keeps the mode', { timeout: 90_000 }, async () => {
    const box = await startBox();
    const s = await launchWithWindow();
    // Start at login was switched off on this computer before it paired: it stays off, and it is this computer's.
    await s.call('desktop.updateSettings', { startAtLogin: false });
    const paired = await pairShell(s, box);
    expect(paired.copied).toBeNull();
    expect((await s.call('desktop.settings', {})).startAtLogin).toBe(false);
    await s.call('desktop.updateSettings', { alarm: { sound: true, volume: 35, quietHours: null } });
    expect((await s.call('desktop.settings', {})).alarm.volume).toBe(35);
    expect(await box.engine.invoke('desktop.settings', {})).toMatchObject({ startAtLogin: true, alarm: { volume: 80 } });
    await box.engine.invoke('desktop.updateSettings', { startAtLogin: true, alarm: { sound: false, volume: 10, quietHours: null } });
    expect((await s.call('desktop.settings', {})).alarm).toMatchObject({ sound: true, volume: 35 });
    const device = (await box.engine.invoke('devices.list', {})).find((d) => d.name === 'Shell laptop')!;

    // A restart keeps remote mode: no local engine, the tray on the box.
    await s.quit();
    const again = await launchWithWindow(s.dataDir);
    expect(await listens(again.url)).toBe(false);
    await again.electron.waitFor(() => again.electron.tray().menu?.labels().includes(`Connected to ${new URL(box.url).host}`), 'the tray connected after a restart');

    await box.engine.invoke('devices.revoke', { id: device.id });
    const { tray, waitFor } = again.electron;
    await waitFor(() => tray().menu!.labels()[0]?.startsWith(`Unpaired on ${new URL(box.url).host} at `), 'the tray says it was unpaired');
    expect(tray().image.is(offIcon)).toBe(true);
    expect(tray().menu!.labels()).toContain('Pair again…');
    await waitFor(() => dashboard(again).url.endsWith('#/connect'), 'the connect screen');
    expect(await again.call('remote.status', {})).toMatchObject({ mode: 'remote', revoked: true });

    await again.call('remote.disconnect', {});
    await waitFor(() => again.logs.some((l) => l.includes('now running on this computer on its own')), 'local mode');
    expect(existsSync(join(again.dataDir, LINK_FILE))).toBe(false);
    expect(await again.call('remote.status', {})).toEqual({ mode: 'local', canConnect: true });
    expect(await listens(again.url)).toBe(true);
    await waitFor(() => tray().menu?.labels().includes('No open incidents'), 'the local tray');
  });

  it('refuses a wrong code in the box\'s words, at the code field, and stays on its own', { timeout: 60_000 }, async () => {
    const box = await startBox();
    const s = await launchWithWindow();
    await expect(s.call('remote.pair', { url: box.url, code: 'AAAA-AAAA', name: 'Shell laptop', copyConfig: true })).rejects.toThrow(/invalid_input: This pairing code is not right/);
    await expect(s.call('remote.pair', { url: 'http://127.0.0.1:1', code: 'AAAA-AAAA', name: 'Shell laptop', copyConfig: false })).rejects.toThrow(/must start with https:\/\//);
    expect(existsSync(join(s.dataDir, LINK_FILE))).toBe(false);
    expect(await s.call('remote.status', {})).toEqual({ mode: 'local', canConnect: true });
    expect(await listens(s.url)).toBe(true);
    expect(await box.engine.invoke('devices.list', {})).toEqual([]);
  });
});

describe('a link whose token is gone from the keychain', () => {
  it('starts on the connect screen, the tray saying to pair again, and pairs again from there', { timeout: 90_000 }, async () => {
    const box = await startBox();
    const s = await launchWithWindow();
    await pairShell(s, box);
    await s.quit();
    // The keychain (here the secrets file) lost the device token, as after a reinstall.
    const { tokenRef } = JSON.parse(readFileSync(join(s.dataDir, LINK_FILE), 'utf8')) as { tokenRef: string };
    await new FileSecretStore(join(s.dataDir, SECRETS_FILE)).delete(tokenRef);
    const again = await launchShell({ env: { STANDBY_SECRETS_FILE: '1' }, dataDir: s.dataDir });
    const { tray, waitFor } = again.electron;
    await waitFor(() => dashboard(again)?.url.endsWith('#/connect'), 'the connect screen at start');
    expect(tray().menu!.labels()[0]).toBe(`Cannot reach ${new URL(box.url).host} any more: pair again`);
    expect(tray().menu!.labels()[1]).toMatch(/^this computer's token for https:\/\/127\.0\.0\.1:\d+ is not in the private file/);
    expect(tray().image.is(offIcon)).toBe(true);
    const status = await again.call('remote.status', {});
    expect(status).toMatchObject({ mode: 'remote', revoked: true });
    // Pairing again from the connect screen replaces the link.
    const { code } = await box.engine.invoke('pairing.start', {});
    await again.call('remote.pair', { url: box.url, code, name: 'Shell laptop again', copyConfig: false });
    await waitFor(() => tray().menu?.labels().includes(`Connected to ${new URL(box.url).host}`), 'the tray connected after pairing again');
  });
});
