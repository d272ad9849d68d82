/**
 * Start at login, with no `electron` value import (so every rule is tested in Node): on Linux an XDG
 * autostart entry (`$XDG_CONFIG_HOME/autostart/standby.desktop`, `~/.config` when unset) that Standby
 * writes and removes itself, because Electron's `setLoginItemSettings` does nothing there; on macOS and
 * Windows Electron's login item. Either way Standby starts hidden in the tray (`--hidden`; macOS passes
 * no arguments to login items, so there the shell asks `wasOpenedAtLogin`).
 * See https://specifications.freedesktop.org/autostart-spec/latest/ and
 * https://www.electronjs.org/docs/latest/api/app#appsetloginitemsettingssettings-macos-windows.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { Settings } from 'electron';

/** HIDDEN_ARG starts Standby in the tray without opening the window. */
export const HIDDEN_ARG = '--hidden';

/** AUTOSTART_FILE is the entry's name in the autostart folder. */
export const AUTOSTART_FILE = 'standby.desktop';

/** autostartPath is where the Linux autostart entry goes: `$XDG_CONFIG_HOME/autostart` (an absolute path), else `~/.config/autostart`. */
export function autostartPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'autostart', AUTOSTART_FILE);
}

/**
 * execArg quotes one argument of a desktop entry's `Exec` key: inside double quotes, `"`, `` ` ``,
 * `$` and `\` are escaped with a backslash, and `%` is doubled (Desktop Entry Specification, "The Exec key").
 */
export function execArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg.replace(/%/g, '%%');
  return `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

/** desktopEntry is the autostart entry that starts `command` (the executable and its arguments). */
export function desktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Standby',
    'Comment=Your on-call pager, in the tray',
    `Exec=${command.map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** LoginItemTarget is what starts Standby: the executable (the AppImage itself when run from one) and the platform. */
export interface LoginItemTarget {
  platform: NodeJS.Platform;
  /** execPath is process.execPath, or $APPIMAGE (the AppImage's own path; execPath is inside its temporary mount). */
  execPath: string;
  /** appArgs are the arguments an unpackaged app needs before ours (its app folder); none when packaged. */
  appArgs?: string[];
}

/** LoginItemPlan is what turning start at login on or off means on this platform. */
export type LoginItemPlan = { kind: 'xdg'; file: string; content: string | null } | { kind: 'electron'; settings: Settings };

/** loginItemPlan decides the change: the autostart file's content (null: remove it) on Linux and other XDG desktops, else Electron's login item settings. */
export function loginItemPlan(on: boolean, t: LoginItemTarget, env: NodeJS.ProcessEnv, home?: string): LoginItemPlan {
  const args = [...(t.appArgs ?? []), HIDDEN_ARG];
  if (t.platform === 'darwin') return { kind: 'electron', settings: { openAtLogin: on } };
  if (t.platform === 'win32') return { kind: 'electron', settings: { openAtLogin: on, path: t.execPath, args } };
  return { kind: 'xdg', file: autostartPath(env, home), content: on ? desktopEntry([t.execPath, ...args]) : null };
}

/** LoginItemEffects are the calls a plan needs: Electron's, and the file system's. */
export interface LoginItemEffects {
  setLoginItemSettings(settings: Settings): void;
}

/** applyLoginItem carries out a plan; the autostart file is written only when its content differs, and removed if present. */
export function applyLoginItem(plan: LoginItemPlan, effects: LoginItemEffects): void {
  if (plan.kind === 'electron') {
    effects.setLoginItemSettings(plan.settings);
    return;
  }
  if (plan.content === null) {
    rmSync(plan.file, { force: true });
    return;
  }
  let current: string | undefined;
  try {
    current = readFileSync(plan.file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === plan.content) return;
  mkdirSync(dirname(plan.file), { recursive: true, mode: 0o700 });
  writeFileSync(plan.file, plan.content, { mode: 0o644 });
}

/** startsHidden tells whether this start keeps the window closed: `--hidden`, or a macOS login item (which cannot pass it). */
export function startsHidden(argv: readonly string[], platform: NodeJS.Platform, wasOpenedAtLogin: () => boolean): boolean {
  return argv.includes(HIDDEN_ARG) || (platform === 'darwin' && wasOpenedAtLogin());
}
