/**
 * The dashboard window and the session's security settings: a sandboxed, context-isolated page
 * that may not navigate away, open windows, ask for permissions or load anything but its own files.
 * Closing the window hides it (Standby keeps running in the tray); only quitting ends it.
 */
import { join } from 'node:path';
import { BrowserWindow, app, session, shell, type WebContents } from 'electron';
import { APP_SCHEME, appResponse } from './app-protocol.ts';
import { APP_ICON } from './assets.ts';
import { allowsPermission, contentSecurityPolicy, externalLink, isTrustedRendererUrl, rendererUrlFor, type RendererLocation } from './renderer-policy.ts';

/** PRELOAD_FILE is the built preload script (CommonJS, as a sandboxed preload must be). */
export const PRELOAD_FILE = join(import.meta.dirname, '../preload/index.cjs');

/** RENDERER_DIR is the built renderer (out/renderer, inside app.asar when packaged), served as app://standby/. */
export const RENDERER_DIR = join(import.meta.dirname, '../renderer');

/** MainWindow owns the one dashboard window: created on demand, hidden on close, destroyed on quit. */
export class MainWindow {
  private window: BrowserWindow | undefined;
  private quitting = false;
  private readonly loc: RendererLocation;
  private readonly log: (line: string) => void;

  constructor(loc: RendererLocation, log: (line: string) => void) {
    this.loc = loc;
    this.log = log;
  }

  /** webContents is the window's page, if the window exists. */
  get webContents(): WebContents | undefined {
    return this.window && !this.window.isDestroyed() ? this.window.webContents : undefined;
  }

  /** show brings the window up (creating it if needed), optionally on a route such as `/incidents/12`. */
  show(route?: string): void {
    const existing = this.window && !this.window.isDestroyed() ? this.window : undefined;
    const win = existing ?? this.create(route ?? '/');
    if (existing && route !== undefined) void this.load(existing, route);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  /**
   * reload loads the page afresh on a route, if the window exists (after a switch between local and
   * remote mode, when everything the page holds came from the other one).
   */
  reload(route: string): void {
    const win = this.window && !this.window.isDestroyed() ? this.window : undefined;
    if (!win) return;
    void this.load(win, route).then(() => {
      if (!win.isDestroyed()) win.webContents.reload();
    });
  }

  /** allowClose lets the window really close (when the app quits) instead of hiding. */
  allowClose(): void {
    this.quitting = true;
  }

  private create(route: string): BrowserWindow {
    const win = new BrowserWindow({
      width: 1100,
      height: 760,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Standby',
      icon: APP_ICON,
      autoHideMenuBar: true,
      webPreferences: {
        preload: PRELOAD_FILE,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    win.on('close', (e) => {
      if (this.quitting) return;
      e.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      if (this.window === win) this.window = undefined;
    });
    this.window = win;
    void this.load(win, route);
    return win;
  }

  private async load(win: BrowserWindow, route: string): Promise<void> {
    try {
      await win.loadURL(rendererUrlFor(this.loc, route));
    } catch (err) {
      this.log(`could not load the dashboard: ${(err as Error).message}`);
    }
  }
}

/**
 * secureSession sets the session-wide rules once, before any window: the `app://` scheme serves the
 * built renderer (app-protocol.ts), every permission is refused (but clipboard writes from our page),
 * and every response the page gets carries our Content-Security-Policy.
 */
export function secureSession(loc: RendererLocation): void {
  const s = session.defaultSession;
  const csp = contentSecurityPolicy(loc);
  s.protocol.handle(APP_SCHEME, (request) => appResponse(request, { root: RENDERER_DIR, csp }));
  s.setPermissionRequestHandler((_contents, permission, callback, details) => callback(allowsPermission(permission, details.requestingUrl, loc)));
  s.setPermissionCheckHandler((_contents, permission, _origin, details) => allowsPermission(permission, details.requestingUrl, loc));
  s.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });
}

/**
 * secureContents applies the per-page rules to every webContents the app creates (registered on
 * `web-contents-created`): no navigation away from our page, no new windows (http(s) links go to the
 * system browser), no <webview>.
 */
export function secureContents(contents: WebContents, loc: RendererLocation, log: (line: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url, log);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isTrustedRendererUrl(url, loc)) return;
    event.preventDefault();
    openInBrowser(url, log);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedRendererUrl(url, loc)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function openInBrowser(url: string, log: (line: string) => void): void {
  const link = externalLink(url);
  if (link) void shell.openExternal(link).catch((err: unknown) => log(`could not open ${link}: ${(err as Error).message}`));
  else log(`blocked an attempt to open ${JSON.stringify(url.slice(0, 200))}`);
}
