/**
 * The alert window's alarm decision, with no zod (the alert page imports it, and zod's value imports
 * probe for eval, which the page's CSP reports): off in Settings, within quiet hours, or at a volume.
 */
import type { AlarmSettings, QuietHours } from './desktop-schemas.ts';

/** Alarm is what the alert window does with its sound now: play at a volume (0 to 1), or stay silent and say why. */
export type Alarm = { plays: true; volume: number } | { plays: false; why: string };

/** alarmFor decides the alarm at a local time: off in Settings, at volume 0, within quiet hours (until when), or playing. */
export function alarmFor(a: AlarmSettings, nowMs: number): Alarm {
  const now = new Date(nowMs);
  if (!a.sound || a.volume === 0) return { plays: false, why: 'the alarm is off in Settings' };
  if (a.quietHours && inQuietHours(a.quietHours, now.getHours() * 60 + now.getMinutes())) return { plays: false, why: `quiet hours until ${a.quietHours.to}` };
  return { plays: true, volume: a.volume / 100 };
}

/** inQuietHours tells whether a minute of the day (local) is within quiet hours; `from` after `to` spans midnight. */
export function inQuietHours(q: QuietHours, minute: number): boolean {
  const from = minutesOf(q.from);
  const to = minutesOf(q.to);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

function minutesOf(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
