/**
 * The double's `app`, `dialog`, `shell`, `powerMonitor` and `ipcMain`: each implements the part of
 * Electron's own interface the shell uses (`Pick<Electron.App, …>`), so a change in Electron's types
 * that the shell would feel fails the typecheck here too.
 */
import { EventEmitter } from 'node:events';
import type { App, CommandLine, Dialog, IpcMain, IpcMainInvokeEvent, LoginItemSettings, LoginItemSettingsOptions, PowerMonitor, Settings, Shell } from 'electron';
import { DoubleEvent, type ElectronWorld } from './world.ts';

/** AppUsed names the members of Electron's `app` the shell uses. */
export type AppUsed =
  | 'setName'
  | 'getName'
  | 'getPath'
  | 'setPath'
  | 'whenReady'
  | 'isReady'
  | 'requestSingleInstanceLock'
  | 'releaseSingleInstanceLock'
  | 'hasSingleInstanceLock'
  | 'quit'
  | 'exit'
  | 'setLoginItemSettings'
  | 'getLoginItemSettings'
  | 'setAppUserModelId'
  | 'isPackaged';

/** CommandLineDouble records switches appended and answers `hasSwitch` from a list the test sets. */
export class CommandLineDouble implements Pick<CommandLine, 'appendSwitch' | 'hasSwitch'> {
  readonly appended: Array<[string, string | undefined]> = [];
  /** switches are the switches the process was "started" with. */
  switches = new Set<string>();
  appendSwitch(name: string, value?: string): void {
    this.appended.push([name, value]);
  }
  hasSwitch(name: string): boolean {
    return this.switches.has(name);
  }
}

/** AppDouble is `app`: ready at once, one instance lock, quit with Electron's event order (before-quit, windows close, will-quit, quit). */
export class AppDouble extends EventEmitter implements Pick<App, AppUsed> {
  readonly commandLine = new CommandLineDouble() satisfies Pick<App['commandLine'], 'appendSwitch' | 'hasSwitch'>;
  private name = 'Electron';
  private readonly paths = new Map<string, string>();
  private locked = false;
  private readonly world: ElectronWorld;
  /** closeWindows is set by the window double: at quit every window is asked to close. */
  closeWindows: () => boolean = () => true;

  constructor(world: ElectronWorld) {
    super();
    this.world = world;
  }

  get isPackaged(): boolean {
    return this.world.packaged;
  }

  setName(name: string): void {
    this.name = name;
  }
  getName(): string {
    return this.name;
  }
  getPath(name: Parameters<App['getPath']>[0]): string {
    const p = this.paths.get(name) ?? (name === 'appData' ? this.world.appData : undefined);
    if (p === undefined) throw new Error(`the double has no path for ${name}`);
    return p;
  }
  setPath(name: Parameters<App['setPath']>[0], path: string): void {
    this.paths.set(name, path);
  }
  async whenReady(): Promise<void> {
    await Promise.resolve();
  }
  isReady(): boolean {
    return true;
  }
  requestSingleInstanceLock(): boolean {
    this.world.record('app.requestSingleInstanceLock', !this.world.lockHeldElsewhere);
    if (this.world.lockHeldElsewhere) return false;
    this.locked = true;
    return true;
  }
  releaseSingleInstanceLock(): void {
    this.locked = false;
  }
  hasSingleInstanceLock(): boolean {
    return this.locked;
  }
  quit(): void {
    this.world.record('app.quit');
    const before = new DoubleEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    if (!this.closeWindows()) return;
    const will = new DoubleEvent();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    this.emit('quit', new DoubleEvent(), 0);
    // Electron releases the single-instance lock when the process ends.
    this.locked = false;
    this.world.quit = true;
  }
  exit(exitCode = 0): void {
    this.world.record('app.exit', exitCode);
    this.locked = false;
    this.world.exitCode = exitCode;
  }
  setLoginItemSettings(settings: Settings): void {
    this.world.record('app.setLoginItemSettings', settings);
    this.world.loginItemSettings.push(settings);
  }
  getLoginItemSettings(_options?: LoginItemSettingsOptions): LoginItemSettings {
    const last = this.world.loginItemSettings.at(-1);
    return {
      openAtLogin: last?.openAtLogin ?? false,
      wasOpenedAtLogin: this.world.openedAtLogin,
      status: last?.openAtLogin ? 'enabled' : 'not-registered',
      executableWillLaunchAtLogin: last?.openAtLogin ?? false,
      launchItems: [],
    };
  }
  setAppUserModelId(id: string): void {
    this.world.record('app.setAppUserModelId', id);
    this.world.appUserModelId = id;
  }

  /** secondInstance is what Electron does when Standby is started again: the first instance hears `second-instance`, the new process exits. */
  secondInstance(argv: string[] = ['standby'], cwd = '/'): void {
    this.emit('second-instance', new DoubleEvent(), argv, cwd, {});
  }
}

/** dialogDouble records error boxes. */
export function dialogDouble(world: ElectronWorld): Pick<Dialog, 'showErrorBox'> {
  return {
    showErrorBox(title: string, content: string) {
      world.record('dialog.showErrorBox', title);
      world.errorBoxes.push({ title, content });
    },
  };
}

/** shellDouble records the URLs handed to the system browser. */
export function shellDouble(world: ElectronWorld): Pick<Shell, 'openExternal'> {
  return {
    async openExternal(url: string) {
      world.record('shell.openExternal', url);
      world.opened.push(url);
    },
  };
}

/** PowerEvent names the `powerMonitor` events the test may emit. */
export type PowerEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'shutdown';
/** Each PowerEvent is one of Electron's own: typechecked, never called. */
export const _powerEventsExist = (pm: PowerMonitor): void => {
  pm.on('suspend', () => {}).on('resume', () => {}).on('lock-screen', () => {}).on('unlock-screen', () => {}).on('shutdown', () => {});
};

/** PowerMonitorDouble is `powerMonitor`; the test emits `suspend`, `resume` and `lock-screen`/`unlock-screen` as the OS would. */
export class PowerMonitorDouble extends EventEmitter {
  /** fire emits a power event as the OS would. */
  fire(event: PowerEvent): void {
    this.emit(event);
  }
}

/** Invoker is the part of a sender the shell's IPC guard reads: its webContents and its frame. */
export interface Invoker {
  sender: IpcMainInvokeEvent['sender'];
  frameUrl: string;
  isMainFrame?: boolean;
}

/** IpcMainDouble is `ipcMain`: it keeps the handlers, and `invoke` calls one as a renderer's `ipcRenderer.invoke` would. */
export class IpcMainDouble extends EventEmitter implements Pick<IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** invoke runs the channel's handler with an event from `from` (throws, like Electron, when no handler is registered). */
  async invoke(channel: string, from: Invoker, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const frame = { url: from.frameUrl, parent: from.isMainFrame === false ? {} : null };
    const event = { sender: from.sender, senderFrame: frame, frameId: 1, processId: 1, type: 'frame' } as unknown as IpcMainInvokeEvent;
    return handler(event, ...args);
  }
}
