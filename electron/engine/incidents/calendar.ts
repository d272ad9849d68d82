/**
 * Calendar rules in the profile's time zone: support hours (urgency) and maintenance windows.
 * Weekly windows are days plus a start and end time of day; an end at or before the start runs
 * past midnight into the next day (the day named is the day the window starts).
 */
import type { MaintenanceWindow, Severity, SupportHours, Urgency, UrgencyRule } from '../../shared/schemas.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** zonedTime gives the weekday (0 = Sunday) and minute of the day of an instant in a time zone. */
export function zonedTime(ms: number, timeZone: string): { weekday: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(ms)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minute: hour * 60 + minute };
}

const toMinute = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** inWeeklyWindow tells whether an instant falls in a weekly window (days + HH:MM to HH:MM) in a time zone. */
export function inWeeklyWindow(window: { days: number[]; start: string; end: string }, ms: number, timeZone: string): boolean {
  const { weekday, minute } = zonedTime(ms, timeZone);
  const start = toMinute(window.start);
  const end = toMinute(window.end);
  if (end > start) return window.days.includes(weekday) && minute >= start && minute < end;
  // Overnight: from start on a named day until end on the following day.
  const yesterday = (weekday + 6) % 7;
  return (window.days.includes(weekday) && minute >= start) || (window.days.includes(yesterday) && minute < end);
}

/** inSupportHours tells whether an instant falls in the support hours. */
export function inSupportHours(hours: SupportHours, ms: number, timeZone: string): boolean {
  return inWeeklyWindow(hours, ms, timeZone);
}

/** urgencyFor applies a service's urgency rule to a new incident. */
export function urgencyFor(rule: UrgencyRule, severity: Severity, ms: number, timeZone: string): Urgency {
  switch (rule.type) {
    case 'constant':
      return rule.urgency;
    case 'severity':
      // PagerDuty's "based on severity": critical and error are high urgency; warning and info are low.
      return severity === 'critical' || severity === 'error' ? 'high' : 'low';
    case 'support_hours':
      return inSupportHours(rule.supportHours, ms, timeZone) ? 'high' : 'low';
  }
}

/** activeMaintenance returns the maintenance window in force at an instant, if any. */
export function activeMaintenance(windows: MaintenanceWindow[], ms: number, timeZone: string): MaintenanceWindow | undefined {
  return windows.find((w) => (w.type === 'once' ? Date.parse(w.start) <= ms && ms < Date.parse(w.end) : inWeeklyWindow(w, ms, timeZone)));
}
