/**
 * What the tray shows, computed from incidents without `electron` (so it is unit-tested in Node):
 * the icon variant, the tooltip and title with counts, the open incidents listed in the menu (each
 * with Acknowledge, Snooze, Resolve, Open), pausing monitoring, and where alerts arrive over HTTP
 * (with a warning when that is not where tools were told to send them). `trayMenu` is the whole menu
 * as plain data; tray.ts hands it to `Menu.buildFromTemplate`.
 */
import type { MonitoringStatus } from '../shared/monitor-schemas.ts';
import type { Incident } from '../shared/schemas.ts';
import type { InboundStatus } from '../shared/system-schemas.ts';
import type { TrayLink } from './tray-link.ts';

/** SNOOZE_CHOICES are the snoozes offered for an incident, in the tray and the alert window (as PagerDuty offers). */
export const SNOOZE_CHOICES: ReadonlyArray<{ label: string; minutes: number }> = [
  { label: '30 minutes', minutes: 30 },
  { label: '1 hour', minutes: 60 },
  { label: '4 hours', minutes: 240 },
];

/** PAUSE_MONITORING_MINUTES is how long "Pause monitoring for 1 hour" pauses every monitor. */
export const PAUSE_MONITORING_MINUTES = 60;

/** TRAY_INCIDENT_LIMIT is how many open incidents the tray menu lists; the dashboard shows the rest. */
export const TRAY_INCIDENT_LIMIT = 10;

/** TRAY_LABEL_MAX is the longest incident label in the menu, in characters; longer titles end with an ellipsis. */
export const TRAY_LABEL_MAX = 60;

/** TrayIncident is one incident's entry in the tray menu. */
export interface TrayIncident {
  id: number;
  label: string;
  /** canAcknowledge is false once the incident is acknowledged. */
  canAcknowledge: boolean;
}

/** TrayMonitoring is the menu's line about monitoring: pause it for an hour, or resume it. */
export interface TrayMonitoring {
  paused: boolean;
  /** label is "Pause monitoring for 1 hour" or "Resume monitoring (paused until 14:05)". */
  label: string;
}

/** TrayState is everything the tray shows. */
export interface TrayState {
  /** alert is true while any incident is triggered: the tray shows the alert icon. */
  alert: boolean;
  tooltip: string;
  /** title is the count of open incidents beside the icon in the macOS menu bar ('' when there are none). */
  title: string;
  incidents: TrayIncident[];
  /** more counts open incidents beyond the listed ones. */
  more: number;
  /** inbound is the menu's line about alerts over HTTP; a problem opens Settings. */
  inbound: TrayInbound | undefined;
  /** monitoring is undefined until the monitoring status is known. */
  monitoring: TrayMonitoring | undefined;
  /** disconnected is true while this tray's box is not heard (remote mode): its own icon, no incidents. */
  disconnected?: boolean;
  /** link is the line about the box in remote mode (tray-link.ts). */
  link?: TrayLink | undefined;
}

/** TrayInbound is the menu's line about where alerts arrive: the address, or what is wrong with it. */
export interface TrayInbound {
  /** label is the line for the tooltip. */
  label: string;
  /** menuLabel is the menu item: marked with ⚠ and an ellipsis (it opens Settings) when there is a problem. */
  menuLabel: string;
  /** problem is true while alerts arrive on another port than asked for, or on none. */
  problem: boolean;
}

/** TrayCounts are the totals of open incidents by status. */
export interface TrayCounts {
  triggered: number;
  acknowledged: number;
}

/** trayState builds the tray's state from the open incidents (newest first), the totals, where alerts arrive and whether monitoring is paused. */
export function trayState(open: Incident[], counts: TrayCounts, inbound?: InboundStatus, monitoring?: Pick<MonitoringStatus, 'paused' | 'pausedUntil'>): TrayState {
  const listed = open.slice(0, TRAY_INCIDENT_LIMIT);
  const line = inbound ? inboundLine(inbound) : undefined;
  const watch = monitoring ? monitoringLine(monitoring) : undefined;
  const lines = [trayTooltip(counts)];
  if (watch?.paused) lines.push(pausedLabel(monitoring!.pausedUntil));
  if (line?.problem) lines.push(line.label);
  const total = counts.triggered + counts.acknowledged;
  return {
    alert: counts.triggered > 0,
    tooltip: lines.join('\n'),
    title: total > 0 ? String(total) : '',
    incidents: listed.map((i) => ({ id: i.id, label: incidentLabel(i), canAcknowledge: i.status === 'triggered' })),
    more: Math.max(0, total - listed.length),
    inbound: line,
    monitoring: watch,
  };
}

/** monitoringLine is the menu item that pauses monitoring for an hour, or resumes it. */
export function monitoringLine(m: Pick<MonitoringStatus, 'paused' | 'pausedUntil'>): TrayMonitoring {
  return m.paused ? { paused: true, label: `Resume monitoring (${pausedLabel(m.pausedUntil).replace(/^Monitoring /, '')})` } : { paused: false, label: 'Pause monitoring for 1 hour' };
}

/** pausedLabel says monitoring is paused, and until when (the local time, HH:MM). */
export function pausedLabel(until: string | null): string {
  if (until === null) return 'Monitoring paused';
  const d = new Date(until);
  return `Monitoring paused until ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** TrayMenuActions is what the menu's items do; the shell wires them to the engine, the window and the app. */
export interface TrayMenuActions {
  acknowledge(incidentId: number): void;
  resolve(incidentId: number): void;
  /** snooze acknowledges the incident if needed and snoozes it for `minutes`. */
  snooze(incidentId: number, minutes: number): void;
  openIncident(incidentId: number): void;
  openDashboard(): void;
  /** openSettings shows the Settings page, where the inbound port is picked. */
  openSettings(): void;
  pauseMonitoring(minutes: number): void;
  resumeMonitoring(): void;
  /** reconnect tries the box again now (remote mode). */
  reconnect?(): void;
  /** openConnect shows the screen that pairs this computer with a box, or returns it to local mode. */
  openConnect?(): void;
  quit(): void;
}

/** TrayMenuItem is one menu entry as plain data, the subset of Electron's MenuItemConstructorOptions the tray uses. */
export type TrayMenuItem = { type: 'separator' } | { label: string; enabled?: boolean; click?: () => void; submenu?: TrayMenuItem[] };

/**
 * trayMenu is the tray's menu: each listed incident with Acknowledge, Snooze (30 minutes, 1 hour,
 * 4 hours), Resolve and Open; how many more the dashboard has; where alerts arrive; pausing or
 * resuming monitoring; Open dashboard; Quit Standby.
 */
export function trayMenu(state: TrayState, a: TrayMenuActions): TrayMenuItem[] {
  if (state.link && !state.link.connected) return linkMenu(state.link, a);
  const items: TrayMenuItem[] = state.incidents.map((i) => ({
    label: i.label,
    submenu: [
      { label: 'Acknowledge', enabled: i.canAcknowledge, click: () => a.acknowledge(i.id) },
      { label: 'Snooze', submenu: SNOOZE_CHOICES.map((c) => ({ label: c.label, click: () => a.snooze(i.id, c.minutes) })) },
      { label: 'Resolve', click: () => a.resolve(i.id) },
      { label: 'Open', click: () => a.openIncident(i.id) },
    ],
  }));
  if (items.length === 0) items.push({ label: 'No open incidents', enabled: false });
  if (state.more > 0) items.push({ label: `${state.more} more in the dashboard…`, click: () => a.openDashboard() });
  items.push({ type: 'separator' });
  // Where alerts arrive: for information, or, when it is not where tools send them, a way to Settings.
  if (state.inbound) items.push(state.inbound.problem ? { label: state.inbound.menuLabel, click: () => a.openSettings() } : { label: state.inbound.menuLabel, enabled: false });
  if (state.link) items.push({ label: state.link.label, enabled: false });
  if (state.monitoring) {
    items.push(state.monitoring.paused ? { label: state.monitoring.label, click: () => a.resumeMonitoring() } : { label: state.monitoring.label, click: () => a.pauseMonitoring(PAUSE_MONITORING_MINUTES) });
  }
  items.push({ label: 'Open dashboard', click: () => a.openDashboard() }, { type: 'separator' }, { label: 'Quit Standby', click: () => a.quit() });
  return items;
}

/** linkMenu is the menu while the box is not heard: where things stand, and what can be done from here. */
function linkMenu(link: TrayLink, a: TrayMenuActions): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ label: link.label, enabled: false }];
  if (link.reason) items.push({ label: link.reason.length > 90 ? `${link.reason.slice(0, 89)}…` : link.reason, enabled: false });
  if (link.revoked) items.push({ label: 'Pair again…', click: () => (a.openConnect ?? a.openSettings)() });
  else if (a.reconnect) items.push({ label: 'Try again now', click: () => a.reconnect?.() });
  items.push({ type: 'separator' }, { label: 'Open dashboard', click: () => a.openDashboard() }, { type: 'separator' }, { label: 'Quit Standby', click: () => a.quit() });
  return items;
}

/**
 * inboundLine says where alerts arrive over HTTP: "Alerts: http://127.0.0.1:8730", or, when the port
 * asked for was unavailable, the port used instead or that alerts over HTTP are off. Before the
 * listener has started (no port, no problem) there is nothing to say.
 */
export function inboundLine(s: InboundStatus): TrayInbound | undefined {
  if (s.unavailable === null) return s.url === null ? undefined : { label: `Alerts: ${s.url}`, menuLabel: `Alerts: ${s.url}`, problem: false };
  const label = s.url === null ? `Alerts over HTTP are off: port ${s.wantedPort} is ${s.unavailable}` : `Alerts on port ${s.port}: port ${s.wantedPort} is ${s.unavailable}`;
  return { label, menuLabel: `⚠ ${label}…`, problem: true };
}

/** trayTooltip says how many incidents are open, or that all is quiet. */
export function trayTooltip(c: TrayCounts): string {
  if (c.triggered + c.acknowledged === 0) return 'Standby: no open incidents';
  const parts = [];
  if (c.triggered > 0) parts.push(`${c.triggered} triggered`);
  if (c.acknowledged > 0) parts.push(`${c.acknowledged} acknowledged`);
  return `Standby: ${parts.join(', ')}`;
}

/** incidentLabel is "#12 title" (marked when acknowledged or snoozed), shortened to TRAY_LABEL_MAX characters; `&` is doubled so Windows menus show it. */
export function incidentLabel(i: Pick<Incident, 'number' | 'title' | 'status'> & { snoozedUntil?: string | null }): string {
  const title = i.title.replace(/\s+/g, ' ').trim();
  const mark = i.status !== 'acknowledged' ? '' : i.snoozedUntil ? ' (snoozed)' : ' (acknowledged)';
  let label = `#${i.number} ${title}${mark}`;
  if ([...label].length > TRAY_LABEL_MAX) label = `${[...label].slice(0, TRAY_LABEL_MAX - 1).join('')}…`;
  return label.replace(/&/g, '&&');
}
