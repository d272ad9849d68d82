import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLoginItem, autostartPath, desktopEntry, execArg, loginItemPlan, startsHidden, type LoginItemEffects } from '../../electron/main/login-item.ts';

type Settings = Parameters<LoginItemEffects['setLoginItemSettings']>[0];

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the Linux autostart entry', () => {
  it('goes to $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when it is unset or not absolute', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg/autostart/standby.desktop');
    expect(autostartPath({}, '/home/ann')).toBe('/home/ann/.config/autostart/standby.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe('/home/ann/.config/autostart/standby.desktop');
  });

  it('quotes Exec arguments as the Desktop Entry Specification says', () => {
    expect(execArg('/opt/Standby/standby')).toBe('/opt/Standby/standby');
    expect(execArg('/home/ann/Apps/My Standby.AppImage')).toBe('"/home/ann/Apps/My Standby.AppImage"');
    expect(execArg('a"b$c`d\\e')).toBe('"a\\"b\\$c\\`d\\\\e"');
    expect(execArg('100%')).toBe('100%%');
    const entry = desktopEntry(['/home/ann/My Apps/Standby.AppImage', '--hidden']);
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Standby\n');
    expect(entry).toContain('\nExec="/home/ann/My Apps/Standby.AppImage" --hidden\n');
    expect(entry).toContain('\nX-GNOME-Autostart-enabled=true\n');
  });

  it('is written when on (once, with mode 0644) and removed when off', () => {
    const home = mkdtempSync(join(tmpdir(), 'standby-home-'));
    temps.push(home);
    const set: Settings[] = [];
    const on = loginItemPlan(true, { platform: 'linux', execPath: '/opt/Standby/standby' }, {}, home);
    expect(on).toEqual({ kind: 'xdg', file: join(home, '.config/autostart/standby.desktop'), content: desktopEntry(['/opt/Standby/standby', '--hidden']) });
    applyLoginItem(on, { setLoginItemSettings: (s) => set.push(s) });
    const file = join(home, '.config/autostart/standby.desktop');
    expect(readFileSync(file, 'utf8')).toContain('Exec=/opt/Standby/standby --hidden');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    // The same content is not written again (the person's own edits to other keys would survive a restart only if unchanged).
    const written = statSync(file).mtimeMs;
    applyLoginItem(on, { setLoginItemSettings: (s) => set.push(s) });
    expect(statSync(file).mtimeMs).toBe(written);
    writeFileSync(file, 'stale');
    applyLoginItem(on, { setLoginItemSettings: (s) => set.push(s) });
    expect(readFileSync(file, 'utf8')).toBe(on.kind === 'xdg' ? on.content : '');
    applyLoginItem(loginItemPlan(false, { platform: 'linux', execPath: '/opt/Standby/standby' }, {}, home), { setLoginItemSettings: (s) => set.push(s) });
    expect(existsSync(file)).toBe(false);
    // Off twice is fine.
    applyLoginItem(loginItemPlan(false, { platform: 'linux', execPath: '/opt/Standby/standby' }, {}, home), { setLoginItemSettings: (s) => set.push(s) });
    expect(set).toEqual([]);
  });
});

describe('the login item on macOS and Windows', () => {
  it("is Electron's, with --hidden on Windows (macOS passes no arguments to login items)", () => {
    expect(loginItemPlan(true, { platform: 'darwin', execPath: '/Applications/Standby.app/Contents/MacOS/Standby' }, {})).toEqual({ kind: 'electron', settings: { openAtLogin: true } });
    expect(loginItemPlan(false, { platform: 'darwin', execPath: '/x' }, {})).toEqual({ kind: 'electron', settings: { openAtLogin: false } });
    const exe = 'C:\\Users\\Ann\\AppData\\Local\\Programs\\Standby\\Standby.exe';
    expect(loginItemPlan(true, { platform: 'win32', execPath: exe }, {})).toEqual({ kind: 'electron', settings: { openAtLogin: true, path: exe, args: ['--hidden'] } });
    expect(loginItemPlan(false, { platform: 'win32', execPath: exe }, {})).toEqual({ kind: 'electron', settings: { openAtLogin: false, path: exe, args: ['--hidden'] } });
    const set: Settings[] = [];
    applyLoginItem(loginItemPlan(true, { platform: 'darwin', execPath: '/x' }, {}), { setLoginItemSettings: (s) => set.push(s) });
    expect(set).toEqual([{ openAtLogin: true }]);
  });

  it('starts hidden with --hidden anywhere, and on macOS when opened as a login item', () => {
    expect(startsHidden(['electron', '.', '--hidden'], 'linux', () => false)).toBe(true);
    expect(startsHidden(['electron', '.'], 'linux', () => true)).toBe(false);
    expect(startsHidden(['Standby'], 'darwin', () => true)).toBe(true);
    expect(startsHidden(['Standby'], 'darwin', () => false)).toBe(false);
  });
});
