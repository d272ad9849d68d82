/** The message every channel is asked to deliver, built from an incident (or for a test send). */
import type { PagedIncident } from '../store/incident-repo.ts';
import { formatMessage, type AckLinkSet, type NotificationMessage } from './channel.ts';

/** DETAIL_LINES is how many detail fields a message shows; each is cut to DETAIL_LINE_MAX characters. */
export const DETAIL_LINES = 5;
const DETAIL_LINE_MAX = 200;

/** A time zone's formatter, and the minute it last showed with its text (a storm's pages share it). */
const formatters = new Map<string, { format: Intl.DateTimeFormat; minute: number; text: string }>();

/**
 * WHOLE_MINUTE_OFFSETS_SINCE: from 1973 on, every time zone's offset is a whole number of minutes and
 * changes on a minute (Liberia's -0:44:30 ended in 1972), so the text shown for an instant is the
 * same for its whole minute. Before, local minutes could begin mid-minute, and nothing is reused.
 */
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1973, 0, 1);

/** formatLocal shows an instant in a time zone, for people: "Mon, Mar 2, 2026, 13:00 GMT+1". */
export function formatLocal(ms: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    f = { format, minute: Number.NaN, text: '' };
    formatters.set(timeZone, f);
  }
  if (ms < WHOLE_MINUTE_OFFSETS_SINCE) return f.format.format(ms);
  // Intl's formatting is the dearest part of a page's message; the pages of a storm mostly share their minute.
  const minute = Math.floor(ms / 60_000);
  if (minute !== f.minute) {
    f.text = f.format.format(ms);
    f.minute = minute;
  }
  return f.text;
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
