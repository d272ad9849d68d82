/**
 * The double's `BrowserWindow`, its `webContents`, `session.defaultSession` and `protocol`. A window
 * records where it was loaded and whether it is shown, focused, on top; closing it runs the shell's
 * `close` handler (which may hide instead). Creating one fires `web-contents-created` on the app, as
 * Electron does, so the shell's per-page rules are applied to it.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindow, BrowserWindowConstructorOptions, CustomScheme, Protocol, Session, VisibleOnAllWorkspacesOptions, WebContents } from 'electron';
import type { AppDouble } from './app.ts';
import { DoubleEvent, type ElectronWorld } from './world.ts';

/** WebContentsDouble is a window's page: what was sent to it, and the handlers the shell set on it. */
export class WebContentsDouble extends EventEmitter implements Pick<WebContents, 'send' | 'isDestroyed' | 'setWindowOpenHandler' | 'setAudioMuted' | 'isAudioMuted' | 'reload'> {
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  /** reloads counts page reloads (the page then starts afresh: what was sent before is gone). */
  reloads = 0;
  reload(): void {
    this.reloads++;
  }
  muted = false;
  setAudioMuted(muted: boolean): void {
    this.muted = muted;
  }
  isAudioMuted(): boolean {
    return this.muted;
  }
  url = '';
  destroyed = false;
  windowOpenHandler: Parameters<WebContents['setWindowOpenHandler']>[0] | undefined;
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: Parameters<WebContents['setWindowOpenHandler']>[0]): void {
    this.windowOpenHandler = handler;
  }
}

/** WindowUsed names the members of Electron's `BrowserWindow` the shell uses. */
export type WindowUsed =
  | 'loadURL'
  | 'show'
  | 'showInactive'
  | 'hide'
  | 'focus'
  | 'close'
  | 'destroy'
  | 'isDestroyed'
  | 'isMinimized'
  | 'restore'
  | 'isVisible'
  | 'setAlwaysOnTop'
  | 'setVisibleOnAllWorkspaces';

/** BrowserWindowDouble is one window. */
export class BrowserWindowDouble extends EventEmitter implements Pick<BrowserWindow, WindowUsed> {
  readonly options: BrowserWindowConstructorOptions;
  readonly contents = new WebContentsDouble();
  visible = false;
  focused = false;
  minimized = false;
  alwaysOnTop: { flag: boolean; level: string | undefined } = { flag: false, level: undefined };
  onAllWorkspaces = false;
  private destroyed = false;
  private readonly world: ElectronWorld;

  constructor(world: ElectronWorld, options: BrowserWindowConstructorOptions = {}) {
    super();
    this.world = world;
    this.options = options;
    if (options.alwaysOnTop) this.alwaysOnTop = { flag: true, level: undefined };
    world.record('window.create', options.title);
  }

  get webContents(): WebContents {
    return this.contents as unknown as WebContents;
  }
  /** url is where the page was last loaded. */
  get url(): string {
    return this.contents.url;
  }

  async loadURL(url: string): Promise<void> {
    this.live();
    this.contents.url = url;
    this.world.record('window.loadURL', url);
  }
  show(): void {
    this.live();
    this.visible = true;
    this.focused = true;
    this.world.record('window.show', this.options.title);
  }
  showInactive(): void {
    this.live();
    this.visible = true;
    this.world.record('window.showInactive', this.options.title);
  }
  hide(): void {
    this.live();
    this.visible = false;
    this.focused = false;
    this.world.record('window.hide', this.options.title);
  }
  focus(): void {
    this.live();
    this.focused = true;
    this.world.record('window.focus', this.options.title);
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  setAlwaysOnTop(flag: boolean, level?: Parameters<BrowserWindow['setAlwaysOnTop']>[1]): void {
    this.alwaysOnTop = { flag, level };
  }
  setVisibleOnAllWorkspaces(visible: boolean, _options?: VisibleOnAllWorkspacesOptions): void {
    this.onAllWorkspaces = visible;
  }
  /** close asks the window to close: the shell's `close` handler may prevent it (and hide the window instead). It answers whether it closed. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = new DoubleEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.contents.destroyed = true;
    this.world.record('window.destroy', this.options.title);
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  private live(): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
  }
}

/** windowsDouble makes the `BrowserWindow` class bound to a world and an app, and keeps every window made. */
export function windowsDouble(world: ElectronWorld, app: AppDouble) {
  const all: BrowserWindowDouble[] = [];
  class BoundBrowserWindow extends BrowserWindowDouble {
    constructor(options?: BrowserWindowConstructorOptions) {
      super(world, options);
      all.push(this);
      app.emit('web-contents-created', new DoubleEvent(), this.webContents);
    }
  }
  // Electron's quit closes every window first; one that refuses (a `close` handler that hides) stops the quit.
  app.closeWindows = () => all.filter((w) => !w.isDestroyed()).every((w) => w.close());
  return { BrowserWindow: BoundBrowserWindow, all };
}

/** ProtocolHandler is what `protocol.handle` takes. */
export type ProtocolHandler = Parameters<Protocol['handle']>[1];

/** SessionDouble is `session.defaultSession`: the `app://` handler, the permission handlers and the header hook. */
export class SessionDouble {
  readonly handlers = new Map<string, ProtocolHandler>();
  permissionRequest: Parameters<Session['setPermissionRequestHandler']>[0] = null;
  permissionCheck: Parameters<Session['setPermissionCheckHandler']>[0] = null;
  headersReceived: unknown;
  readonly protocol: Pick<Protocol, 'handle'> = {
    handle: (scheme, handler) => {
      this.handlers.set(scheme, handler);
    },
  };
  readonly webRequest = {
    onHeadersReceived: (listener: unknown) => {
      this.headersReceived = listener;
    },
  };
  setPermissionRequestHandler(handler: Parameters<Session['setPermissionRequestHandler']>[0]): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: Parameters<Session['setPermissionCheckHandler']>[0]): void {
    this.permissionCheck = handler;
  }
}

/** protocolDouble is `protocol`: it records the schemes registered as privileged. */
export function protocolDouble(world: ElectronWorld): Pick<Protocol, 'registerSchemesAsPrivileged'> {
  return {
    registerSchemesAsPrivileged(customSchemes: CustomScheme[]) {
      world.record('protocol.registerSchemesAsPrivileged', customSchemes.map((s) => s.scheme));
    },
  };
}
