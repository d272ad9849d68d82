/**
 * What the tray shows, computed from incidents without `electron` (so it is unit-tested in Node):
 * the icon variant, the tooltip with counts, and the open incidents listed in the menu.
 */
import type { Incident } from '../shared/schemas.ts';

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
}

/** TrayCounts are the totals of open incidents by status. */
export interface TrayCounts {
  triggered: number;
  acknowledged: number;
}

/** trayState builds the tray's state from the open incidents (newest first) and the totals. */
export function trayState(open: Incident[], counts: TrayCounts): TrayState {
  const listed = open.slice(0, TRAY_INCIDENT_LIMIT);
  return {
    alert: counts.triggered > 0,
    tooltip: trayTooltip(counts),
    incidents: listed.map((i) => ({ id: i.id, label: incidentLabel(i), canAcknowledge: i.status === 'triggered' })),
    more: Math.max(0, counts.triggered + counts.acknowledged - listed.length),
  };
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
