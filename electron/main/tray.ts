/**
 * The tray icon: calm or alert, a tooltip with counts (and the count as the title in the macOS menu
 * bar), and a menu listing the open incidents (each with Acknowledge, Snooze, Resolve, Open),
 * pausing monitoring, "Open dashboard" and "Quit Standby" (tray-model.ts). The menu is rebuilt from
 * the engine, debounced, whenever an incident, monitoring or the inbound address changes. In remote
 * mode the engine is the box, and while the box is not heard the tray says so with its own icon
 * (tray-link.ts).
 */
import { readFileSync } from 'node:fs';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { RemoteStatus } from '../shared/api.ts';
import { TRAY_ICONS } from './assets.ts';
import type { Invoker } from './incident-actions.ts';
import { disconnectedState, trayLink } from './tray-link.ts';
import { TRAY_INCIDENT_LIMIT, trayMenu, trayState, type TrayMenuActions, type TrayState } from './tray-model.ts';

/** TRAY_REBUILD_DEBOUNCE_MS groups a burst of incident changes (an escalation touches several rows) into one menu rebuild. */
export const TRAY_REBUILD_DEBOUNCE_MS = 250;

/** TrayActions is what the menu's items do; the shell wires them to the engine, the window and the app. */
export type TrayActions = TrayMenuActions;

function icon(files: { x1: string; x2: string }): NativeImage {
  const image = nativeImage.createFromBuffer(readFileSync(files.x1), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(files.x2) });
  return image;
}

/** TrayIcon names the tray's three images. */
type TrayIcon = keyof typeof TRAY_ICONS;

/** StandbyTray owns the tray icon and its menu. */
export class StandbyTray {
  private readonly tray: Tray;
  private readonly icons: Record<TrayIcon, NativeImage>;
  private readonly engine: Invoker;
  private readonly remote: (() => RemoteStatus) | undefined;
  private readonly actions: TrayActions;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private shown: TrayIcon | undefined;
  private readonly platform: NodeJS.Platform;

  /** `remote` is the link to the box in remote mode (the engine is then the box). */
  constructor(engine: Invoker, actions: TrayActions, log: (line: string) => void, o: { platform?: NodeJS.Platform; remote?: () => RemoteStatus } = {}) {
    const platform = o.platform ?? process.platform;
    this.engine = engine;
    this.remote = o.remote;
    this.platform = platform;
    this.actions = actions;
    this.log = log;
    this.icons = { calm: icon(TRAY_ICONS.calm), alert: icon(TRAY_ICONS.alert), disconnected: icon(TRAY_ICONS.disconnected) };
    this.tray = new Tray(this.icons.calm);
    this.tray.setToolTip('Standby');
    // Linux trays often ignore clicks and show only the menu; elsewhere a click opens the dashboard.
    this.tray.on('click', () => actions.openDashboard());
  }

  /** refreshSoon rebuilds the menu after TRAY_REBUILD_DEBOUNCE_MS, once for a burst of changes. */
  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, TRAY_REBUILD_DEBOUNCE_MS);
  }

  /** refresh reads the open incidents from the engine and rebuilds the icon, tooltip and menu now. */
  async refresh(): Promise<void> {
    const link = this.remote ? trayLink(this.remote()) : undefined;
    // Not hearing the box, the tray knows no incidents: it says so instead of showing old ones.
    if (link && !link.connected) return this.render(disconnectedState(link));
    try {
      const [open, triggered, acknowledged, info, monitoring] = await Promise.all([
        this.engine.invoke('incidents.list', { status: ['triggered', 'acknowledged'], limit: TRAY_INCIDENT_LIMIT }),
        this.engine.invoke('incidents.list', { status: ['triggered'], limit: 1 }),
        this.engine.invoke('incidents.list', { status: ['acknowledged'], limit: 1 }),
        this.engine.invoke('system.info', {}),
        this.engine.invoke('monitoring.status', {}),
      ]);
      // In remote mode, alerts arrive at the box: its address is not this tray's to show.
      const state = trayState(open.incidents, { triggered: triggered.total, acknowledged: acknowledged.total }, link ? undefined : info.inbound, monitoring);
      this.render({ ...state, link });
    } catch (err) {
      this.log(`could not refresh the tray: ${(err as Error).message}`);
    }
  }

  /** destroy removes the icon (at quit). */
  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private render(state: TrayState): void {
    if (this.tray.isDestroyed()) return;
    const wanted = state.disconnected ? 'disconnected' : state.alert ? 'alert' : 'calm';
    if (wanted !== this.shown) {
      this.tray.setImage(this.icons[wanted]);
      this.shown = wanted;
    }
    this.tray.setToolTip(state.tooltip);
    // macOS shows a title beside the menu-bar icon; elsewhere the tooltip carries the count.
    if (this.platform === 'darwin') this.tray.setTitle(state.title);
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenu(state, this.actions)));
  }
}
