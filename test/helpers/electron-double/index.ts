/**
 * A test double of the `electron` module, substituted for it by a module alias in the shell project
 * of vitest.config.ts (test/shell/app/**), so the real `electron/main/index.ts` runs in Node. Each
 * export implements the part of Electron's own type that the shell uses (`Pick<Electron.X, …>` and
 * `satisfies`), so when Electron's API changes under the shell, the typecheck fails here too.
 *
 * A fresh import (after `vi.resetModules()`) is a fresh world: `world` records what the shell did,
 * and the exports let the test act as the OS and the person (click a tray menu item, press a
 * notification action, emit powerMonitor events, start a second instance, quit).
 */
import type { App, Dialog, IpcMain, Menu as ElectronMenu, NativeImage, Notification as ElectronNotification, Protocol, Shell, Tray as ElectronTray, BrowserWindow as ElectronBrowserWindow } from 'electron';
import { AppDouble, IpcMainDouble, PowerMonitorDouble, dialogDouble, shellDouble, type AppUsed } from './app.ts';
import { notificationsDouble, type NotificationUsed } from './notification.ts';
import { TrayDouble, menuDouble, nativeImageDouble, type TrayUsed } from './tray.ts';
import { SessionDouble, protocolDouble, windowsDouble, type WindowUsed } from './window.ts';
import { ElectronWorld } from './world.ts';

export { waitFor } from './world.ts';

/** ElectronModule is the real module's type, which each export below is checked against. */
type ElectronModule = typeof import('electron');
export type { NotificationDouble } from './notification.ts';
export type { TrayDouble, MenuDouble, NativeImageDouble } from './tray.ts';
export type { BrowserWindowDouble } from './window.ts';

/** world is what this import of the double recorded, and the knobs a test sets before the shell starts. */
export const world = new ElectronWorld();
/** notificationsSupported is what `Notification.isSupported()` answers (a desktop without a notification server answers false). */
export const notificationSupport = { supported: true };

const appDouble = new AppDouble(world);
/** app is Electron's `app`. */
export const app = appDouble satisfies Pick<App, AppUsed>;
/** dialog is Electron's `dialog` (error boxes are recorded). */
export const dialog = dialogDouble(world) satisfies Pick<Dialog, 'showErrorBox'>;
/** shell is Electron's `shell` (external links are recorded). */
export const shell = shellDouble(world) satisfies Pick<Shell, 'openExternal'>;
/** powerMonitor is Electron's `powerMonitor`: emit `suspend`, `resume`, `unlock-screen` on it. */
export const powerMonitor = new PowerMonitorDouble() ;
/** ipcMain is Electron's `ipcMain`; `ipcMain.invoke` calls a handler as the page would. */
export const ipcMain = new IpcMainDouble() satisfies Pick<IpcMain, 'handle' | 'removeHandler'>;
/** protocol is Electron's `protocol`. */
export const protocol = protocolDouble(world) satisfies Pick<Protocol, 'registerSchemesAsPrivileged'>;
/** session holds the default session (the `app://` handler and permission rules). */
export const session = { defaultSession: new SessionDouble() };
/** Menu is Electron's `Menu` (buildFromTemplate). */
export const Menu = menuDouble satisfies Pick<typeof ElectronMenu, 'buildFromTemplate'>;
/** nativeImage is Electron's `nativeImage` (createFromBuffer). */
export const nativeImage = nativeImageDouble satisfies Pick<ElectronModule['nativeImage'], 'createFromBuffer'>;

const trays: TrayDouble[] = [];
/** Tray is Electron's `Tray`; every tray made is in `trays`. */
export const Tray = class extends TrayDouble {
  constructor(image: NativeImage | string) {
    super(world, image);
    trays.push(this);
  }
} satisfies new (...args: ConstructorParameters<typeof ElectronTray>) => Pick<ElectronTray, TrayUsed>;
/** trays are the trays made, oldest first. */
export { trays };

const windows = windowsDouble(world, appDouble);
/** BrowserWindow is Electron's `BrowserWindow`; every window made is in `windows`. */
export const BrowserWindow = windows.BrowserWindow satisfies new (...args: ConstructorParameters<typeof ElectronBrowserWindow>) => Pick<ElectronBrowserWindow, WindowUsed>;
/** windows are the windows made, oldest first. */
export const allWindows = windows.all;

const notifications = notificationsDouble(world, () => notificationSupport.supported);
/** Notification is Electron's `Notification`; every notification made is in `notifications`. */
export const Notification = notifications.Notification satisfies (new (...args: ConstructorParameters<typeof ElectronNotification>) => Pick<ElectronNotification, NotificationUsed>) & Pick<typeof ElectronNotification, 'isSupported'>;
/** allNotifications are the notifications made, oldest first. */
export const allNotifications = notifications.all;

/** tray is the one tray the shell shows now (after a switch between local and remote mode, the new one), or the one it made (after quit); it throws otherwise. */
export function tray(): TrayDouble {
  const live = trays.filter((t) => !t.isDestroyed());
  if (live.length === 1) return live[0]!;
  if (live.length === 0 && trays.length === 1) return trays[0]!;
  throw new Error(`expected one tray, the shell shows ${live.length} of the ${trays.length} it made`);
}
