/** The message every channel is asked to deliver, built from an incident (or for a test send). */
import type { PagedIncident } from '../store/incident-repo.ts';
import { formatMessage, type AckLinkSet, type NotificationMessage } from './channel.ts';

/** DETAIL_LINES is how many detail fields a message shows; each is cut to DETAIL_LINE_MAX characters. */
export const DETAIL_LINES = 5;
const DETAIL_LINE_MAX = 200;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** formatLocal shows an instant in a time zone, for people: "Mon, Mar 2, 2026, 13:00 GMT+1". */
export function formatLocal(ms: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formatters.set(timeZone, f);
  }
  return f.format(ms);
}

/** detailLines are an incident's first details as "key: value" lines. */
export function detailLines(details: Record<string, unknown>): string[] {
  return Object.entries(details)
    .slice(0, DETAIL_LINES)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`.replace(/\s+/g, ' ').slice(0, DETAIL_LINE_MAX));
}

/** incidentMessage is what is said about an incident: number, title, service, urgency, first details, when it triggered, the ack links. */
export function incidentMessage(incident: PagedIncident, timeZone: string, extra: { ackLinks?: AckLinkSet | undefined; deliveryKey?: string; repeat?: boolean } = {}): NotificationMessage {
  return formatMessage({
    incidentId: incident.id,
    number: incident.number,
    title: incident.title,
    serviceName: incident.serviceName,
    urgency: incident.urgency,
    triggeredAt: incident.createdAt,
    triggeredLocal: formatLocal(Date.parse(incident.createdAt), timeZone),
    detailLines: detailLines(incident.details),
    ackLinks: extra.ackLinks,
    deliveryKey: extra.deliveryKey,
    ...(extra.repeat ? { repeat: true } : {}),
  });
}

/** testMessage is what "send a test" delivers: it names no incident. */
export function testMessage(now: number, timeZone: string): NotificationMessage {
  return formatMessage({
    incidentId: 0,
    number: 0,
    title: 'Test notification',
    serviceName: 'Standby',
    urgency: 'low',
    triggeredAt: new Date(now).toISOString(),
    triggeredLocal: formatLocal(now, timeZone),
    detailLines: [],
    test: true,
  });
}
