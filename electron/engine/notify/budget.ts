/**
 * The daily SMS + voice budget: each day (midnight to midnight in the profile's time zone) at most
 * `delivery.smsVoicePerDay` SMS and calls are attempted, so a flapping monitor cannot run up a bill.
 * Desktop, email, push and chat are not capped.
 */
import type { ContactMethodType } from '../../shared/schemas.ts';

/** BUDGETED_TYPES are the contact method types that cost money per message. */
export const BUDGETED_TYPES: ReadonlySet<ContactMethodType> = new Set(['sms', 'voice']);

/** CHARGED_TYPES_SQL is BUDGETED_TYPES as an SQL list, as the budget's partial index (migration 17) names them. */
export const CHARGED_TYPES_SQL = `(${[...BUDGETED_TYPES].map((t) => `'${t}'`).join(', ')})`;

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): { day: string; secondOfDay: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(ms)) p[x.type] = x.value;
  return { day: `${p.year}-${p.month}-${p.day}`, secondOfDay: Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second) };
}

/** toMidnight moves an instant within a few hours of a day's local midnight onto it. */
function toMidnight(near: number, day: string, timeZone: string): number {
  const p = parts(near, timeZone);
  return p.day === day ? near - p.secondOfDay * 1000 : near + (86400 - p.secondOfDay) * 1000;
}

/** localDay is the local calendar day around an instant: its date, and the instants it starts and ends at (DST-aware). */
export function localDay(ms: number, timeZone: string): { day: string; start: number; end: number } {
  const here = parts(ms, timeZone);
  // Step back by the local time of day, then correct by the offset change a DST switch that day makes.
  const start = toMidnight(ms - here.secondOfDay * 1000 - (ms % 1000), here.day, timeZone);
  // The next midnight is 23, 24 or 25 hours later.
  const end = toMidnight(start + 24 * 3600_000, parts(start + 24 * 3600_000 + 12 * 3600_000, timeZone).day, timeZone);
  return { day: here.day, start, end };
}
