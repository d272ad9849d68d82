/**
 * What the tray shows, computed from incidents without `electron` (so it is unit-tested in Node):
 * the icon variant, the tooltip with counts, the open incidents listed in the menu, and where alerts
 * arrive over HTTP (with a warning when that is not where tools were told to send them).
 */
import type { Incident } from '../shared/schemas.ts';
import type { InboundStatus } from '../shared/system-schemas.ts';

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

/** TrayState is everything the tray shows. */
export interface TrayState {
  /** alert is true while any incident is triggered: the tray shows the alert icon. */
  alert: boolean;
  tooltip: string;
  incidents: TrayIncident[];
  /** more counts open incidents beyond the listed ones. */
  more: number;
  /** inbound is the menu's line about alerts over HTTP; a problem opens Settings. */
  inbound: TrayInbound | undefined;
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

/** trayState builds the tray's state from the open incidents (newest first), the totals and where alerts arrive. */
export function trayState(open: Incident[], counts: TrayCounts, inbound?: InboundStatus): TrayState {
  const listed = open.slice(0, TRAY_INCIDENT_LIMIT);
  const line = inbound ? inboundLine(inbound) : undefined;
  return {
    alert: counts.triggered > 0,
    tooltip: line?.problem ? `${trayTooltip(counts)}\n${line.label}` : trayTooltip(counts),
    incidents: listed.map((i) => ({ id: i.id, label: incidentLabel(i), canAcknowledge: i.status === 'triggered' })),
    more: Math.max(0, counts.triggered + counts.acknowledged - listed.length),
    inbound: line,
  };
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

/** incidentLabel is "#12 title" (marked when only acknowledged), shortened to TRAY_LABEL_MAX characters; `&` is doubled so Windows menus show it. */
export function incidentLabel(i: Pick<Incident, 'number' | 'title' | 'status'>): string {
  const title = i.title.replace(/\s+/g, ' ').trim();
  let label = `#${i.number} ${title}${i.status === 'acknowledged' ? ' (acknowledged)' : ''}`;
  if ([...label].length > TRAY_LABEL_MAX) label = `${[...label].slice(0, TRAY_LABEL_MAX - 1).join('')}…`;
  return label.replace(/&/g, '&&');
}
