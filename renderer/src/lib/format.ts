/**
 * Words and numbers as people read them: durations ("4 min 30 s"), ages ("12 min ago"),
 * date-times in the browser's locale and the profile's time zone (display-zone.svelte.ts), and the
 * labels of the domain's enums.
 */
import type { IncidentStatus, LogEntryType, Severity, Urgency } from '../../../electron/shared/schemas.ts';


/** humanDuration writes seconds as "4 min 30 s", "2 h 5 min", "3 d 4 h"; null is "–" (no data). */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return '< 1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  if (s < 86_400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** age writes how long ago an ISO time was, coarsely ("just now", "5 min", "3 h", "2 d"). */
export function age(iso: string, now: number): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/**
 * zoneSource answers the zone to write times in. display-zone.svelte.ts sets it to a getter of its
 * state (so a component showing a time follows a change); this file stays free of runes, so plain
 * Node (the tests of the pure helpers) can load it.
 */
let zoneSource: () => string | undefined = () => undefined;

/** setZoneSource says where the display zone comes from. */
export function setZoneSource(source: () => string | undefined): void {
  zoneSource = source;
}

const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** dateTimeFormat is the reader's locale in a zone (with the zone's short name), or the browser's zone without it. */
function dateTimeFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(undefined, timeZone ? { ...DATE_TIME, timeZone, timeZoneName: 'short' } : DATE_TIME);
    } catch {
      // A zone this browser does not know: its own zone, rather than nothing.
      f = new Intl.DateTimeFormat(undefined, DATE_TIME);
    }
    formatters.set(key, f);
  }
  return f;
}

/** formatDateTime writes an ISO time in the reader's locale and the profile's time zone ("Dec 3, 2026, 2:34:14 AM UTC"), or "–" for null. */
export function formatDateTime(iso: string | null | undefined, timeZone: string | undefined = zoneSource()): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTimeFormat(timeZone).format(t);
}

/** formatShortDate writes a date as "Nov 24" (the chart's weeks), in a time zone (the profile's) when given. */
export function formatShortDate(ms: number, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', ...(timeZone ? { timeZone } : {}) }).format(ms);
  } catch {
    return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }).format(ms);
  }
}

/** STATUS_LABELS are the incident statuses as written in the UI (always shown with their colour). */
export const STATUS_LABELS: Record<IncidentStatus, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/** URGENCY_LABELS names the urgencies. */
export const URGENCY_LABELS: Record<Urgency, string> = { high: 'High', low: 'Low' };

/** SEVERITY_LABELS names the Events API v2 severities. */
export const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', error: 'Error', warning: 'Warning', info: 'Info' };

/** LOG_ENTRY_LABELS names each kind of timeline entry. */
export const LOG_ENTRY_LABELS: Record<LogEntryType, string> = {
  trigger: 'Triggered',
  alert: 'Alert',
  notify: 'Notified',
  acknowledge: 'Acknowledged',
  unacknowledge: 'Unacknowledged',
  escalate: 'Escalated',
  snooze: 'Snoozed',
  annotate: 'Note',
  urgency_change: 'Urgency changed',
  resolve: 'Resolved',
  repeat: 'Repeated',
  exhaust: 'Policy exhausted',
  reassign: 'Reassigned',
};

/** WEEKDAYS are the day names by number, 0 = Sunday (the contract's numbering). */
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** formatDays writes a set of weekday numbers as "Mon–Fri" style text ("Mon, Wed, Fri" when not a run). */
export function formatDays(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return 'every day';
  const run = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === (sorted[i - 1] ?? -2) + 1);
  if (run) return `${WEEKDAYS[sorted[0] ?? 0]}–${WEEKDAYS[sorted[sorted.length - 1] ?? 0]}`;
  return sorted.map((d) => WEEKDAYS[d] ?? String(d)).join(', ');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** toLocalInput writes an ISO time as a datetime-local value in the reader's zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** fromLocalInput reads a datetime-local value as an ISO time; what is not a date is passed on for the engine to name. */
export function fromLocalInput(value: string): string {
  const t = new Date(value);
  return value && !Number.isNaN(t.getTime()) ? t.toISOString() : value;
}

/** localInputFromNow is the datetime-local value `ms` milliseconds from now (rounded down to the minute). */
export function localInputFromNow(ms: number): string {
  return toLocalInput(new Date(Date.now() + ms).toISOString());
}
