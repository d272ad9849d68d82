/**
 * The alert window: for a high-urgency incident, a small window of Standby's own, always on top and on
 * every workspace, showing the renderer's alert page (`#/alert/<id>`: the incident, Acknowledge,
 * Resolve, Snooze, and an alarm that repeats until answered). It does not depend on the desktop's
 * notification server, so its buttons work the same on Linux, macOS and Windows. It is shown without
 * taking the keyboard focus (a person typing elsewhere must not acknowledge by pressing Enter). One
 * window per incident.
 *
 * When the incident leaves `triggered`, however it was answered, the window is muted and hidden at
 * once, and closed ALERT_LINGER_MS later (a resolved incident's at once): the page's Snooze is two calls
 * (acknowledge, then snooze), and the second must still come from a window Standby knows. The page
 * closes its window itself once it has answered.
 */
import { BrowserWindow, app, type WebContents } from 'electron';
import { APP_ICON } from './assets.ts';
import { rendererUrlFor, type RendererLocation } from './renderer-policy.ts';
import { PRELOAD_FILE } from './window.ts';

/** ALERT_WINDOW_TITLE names the window (the window list, the tests). */
export const ALERT_WINDOW_TITLE = 'Standby alert';

/** ALERT_LINGER_MS is how long a hidden alert window stays (muted) so its page can finish answering. */
export const ALERT_LINGER_MS = 10_000;

/** alertRoute is the renderer route of one incident's alert (renderer/src/lib/alert-route.ts reads it). */
export function alertRoute(incidentId: number): string {
  return `/alert/${Math.trunc(incidentId)}`;
}

/** AlertWindows owns the alert windows, one per incident. */
export class AlertWindows {
  private readonly windows = new Map<number, BrowserWindow>();
  private readonly lingering = new Map<number, NodeJS.Timeout>();
  private readonly loc: RendererLocation;
  private readonly log: (line: string) => void;

  constructor(loc: RendererLocation, log: (line: string) => void) {
    this.loc = loc;
    this.log = log;
  }

  /** show opens the incident's alert window, or brings the open one forward. */
  show(incidentId: number): void {
    const existing = this.windows.get(incidentId);
    if (existing && !existing.isDestroyed()) {
      // Paged again (a re-trigger after a snooze): sound again.
      this.stopLinger(incidentId);
      existing.webContents.setAudioMuted(false);
      existing.showInactive();
      return;
    }
    const win = new BrowserWindow({
      width: 460,
      height: 280,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      alwaysOnTop: true,
      show: false,
      title: ALERT_WINDOW_TITLE,
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
        // The alarm must sound although nobody has clicked the page yet.
        autoplayPolicy: 'no-user-gesture-required',
      },
    });
    // Above full-screen apps and on every workspace, where the person is.
    win.setAlwaysOnTop(true, 'screen-saver');
    win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    win.on('closed', () => {
      if (this.windows.get(incidentId) !== win) return;
      this.windows.delete(incidentId);
      this.stopLinger(incidentId);
    });
    this.windows.set(incidentId, win);
    win.loadURL(rendererUrlFor(this.loc, alertRoute(incidentId))).catch((err: unknown) => this.log(`could not load the alert for incident ${incidentId}: ${(err as Error).message}`));
    win.showInactive();
  }

  /** answered silences and hides the incident's alert window, and closes it now (resolved) or after ALERT_LINGER_MS. */
  answered(incidentId: number, status: 'acknowledged' | 'resolved'): void {
    const win = this.windows.get(incidentId);
    if (!win || win.isDestroyed()) return;
    if (status === 'resolved') return this.close(incidentId);
    win.webContents.setAudioMuted(true);
    win.hide();
    if (this.lingering.has(incidentId)) return;
    const timer = setTimeout(() => this.close(incidentId), ALERT_LINGER_MS);
    timer.unref();
    this.lingering.set(incidentId, timer);
  }

  /** close closes the incident's alert window. */
  close(incidentId: number): void {
    const win = this.windows.get(incidentId);
    this.windows.delete(incidentId);
    this.stopLinger(incidentId);
    if (win && !win.isDestroyed()) win.destroy();
  }

  private stopLinger(incidentId: number): void {
    const t = this.lingering.get(incidentId);
    if (t) clearTimeout(t);
    this.lingering.delete(incidentId);
  }

  /** closeAll closes every alert window (at quit). */
  closeAll(): void {
    for (const id of [...this.windows.keys()]) this.close(id);
  }

  /** owns tells whether a webContents is one of the alert windows' pages (the IPC guard lets them call). */
  owns(contents: WebContents): boolean {
    for (const win of this.windows.values()) if (!win.isDestroyed() && win.webContents === contents) return true;
    return false;
  }

  /** open lists the incidents with an alert window (for tests and logs). */
  open(): number[] {
    return [...this.windows.keys()];
  }
}
