/**
 * Start at login through the real shell: on by default at the first start, switched in Settings
 * (`desktop.updateSettings`, as the Settings page calls it over IPC). Linux: the autostart file on
 * disk in a temporary config folder; macOS and Windows: `app.setLoginItemSettings` with the right
 * arguments, and the AppUserModelID on Windows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupShells, launchShell } from '../../helpers/shell-app.ts';

const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
const temps: string[] = [];
afterEach(async () => {
  await cleanupShells();
  Object.defineProperty(process, 'platform', platform);
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function onPlatform(p: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { ...platform, value: p });
}
function configHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'standby-xdg-'));
  temps.push(dir);
  return dir;
}

describe('start at login on Linux', () => {
  it('writes the autostart entry at the first start, removes it when switched off in Settings, writes it again when on', async () => {
    onPlatform('linux');
    const xdg = configHome();
    const s = await launchShell({ env: { XDG_CONFIG_HOME: xdg }, before: (e) => (e.world.packaged = true) });
    const file = join(xdg, 'autostart', 'standby.desktop');
    expect(readFileSync(file, 'utf8')).toContain(`Exec=${process.execPath} --hidden`);
    expect(await s.call('desktop.settings', {})).toEqual({ startAtLogin: true, alarm: { sound: true, volume: 80, quietHours: null } });

    expect(await s.call('desktop.updateSettings', { startAtLogin: false })).toMatchObject({ startAtLogin: false, alarm: { volume: 80 } });
    await s.electron.waitFor(() => !existsSync(file), 'the autostart file removed');
    await s.call('desktop.updateSettings', { startAtLogin: true });
    await s.electron.waitFor(() => existsSync(file), 'the autostart file written again');
    expect(s.electron.world.loginItemSettings).toEqual([]);
  });

  it('keeps it off across a restart once switched off, and names the AppImage rather than its mount', async () => {
    onPlatform('linux');
    const xdg = configHome();
    const first = await launchShell({ env: { XDG_CONFIG_HOME: xdg }, before: (e) => (e.world.packaged = true) });
    await first.call('desktop.updateSettings', { startAtLogin: false });
    const dataDir = first.dataDir;
    await first.quit();
    const file = join(xdg, 'autostart', 'standby.desktop');
    expect(existsSync(file)).toBe(false);
    const second = await launchShell({ dataDir, env: { XDG_CONFIG_HOME: xdg, APPIMAGE: '/home/ann/Apps/Standby 0.1.AppImage' }, before: (e) => (e.world.packaged = true) });
    expect(existsSync(file)).toBe(false);
    await second.call('desktop.updateSettings', { startAtLogin: true });
    await second.electron.waitFor(() => existsSync(file), 'the autostart file');
    expect(readFileSync(file, 'utf8')).toContain('Exec="/home/ann/Apps/Standby 0.1.AppImage" --hidden');
  });

  it('registers nothing when not packaged (it would start the development Electron)', async () => {
    onPlatform('linux');
    const xdg = configHome();
    const s = await launchShell({ env: { XDG_CONFIG_HOME: xdg } });
    expect(existsSync(join(xdg, 'autostart'))).toBe(false);
    expect(s.logs.some((l) => l.includes('only a packaged Standby registers itself'))).toBe(true);
  });
});

describe('start at login on macOS and Windows', () => {
  it('macOS: a login item, on and off; opened as one, the window stays closed', async () => {
    onPlatform('darwin');
    const s = await launchShell({ before: (e) => ((e.world.packaged = true), (e.world.openedAtLogin = true)) });
    expect(s.electron.world.loginItemSettings).toEqual([{ openAtLogin: true }]);
    expect(s.electron.allWindows).toHaveLength(0);
    expect(s.electron.world.appUserModelId).toBeUndefined();
    s.electron.tray().clickMenu(['Open dashboard']);
    await s.call('desktop.updateSettings', { startAtLogin: false });
    await s.electron.waitFor(() => s.electron.world.loginItemSettings.length === 2, 'the second call');
    expect(s.electron.world.loginItemSettings[1]).toEqual({ openAtLogin: false });
  });

  it('Windows: a login item that starts Standby.exe with --hidden, and the AppUserModelID of the installer', async () => {
    onPlatform('win32');
    const s = await launchShell({ before: (e) => (e.world.packaged = true) });
    expect(s.electron.world.appUserModelId).toBe('dev.standby.app');
    expect(s.electron.world.loginItemSettings).toEqual([{ openAtLogin: true, path: process.execPath, args: ['--hidden'] }]);
    await s.call('desktop.updateSettings', { startAtLogin: false });
    await s.electron.waitFor(() => s.electron.world.loginItemSettings.length === 2, 'the second call');
    expect(s.electron.world.loginItemSettings[1]).toEqual({ openAtLogin: false, path: process.execPath, args: ['--hidden'] });
  });
});
