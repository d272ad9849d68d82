/**
 * The desktop app's own settings: whether it starts at login, and the alert window's alarm (sound on
 * or off, its volume, quiet hours). They are stored by the engine (so Settings reads and changes them
 * like everything else) and applied by the Electron shell and the alert page; a headless Standby keeps
 * them but has nothing to apply them to.
 */
import { z } from 'zod';

/** ClockTime is a local time of day, "HH:MM" on a 24-hour clock. */
const ClockTime = z.string({ error: 'must be a time as HH:MM' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (00:00 to 23:59)');

/** QuietHours is a nightly stretch (local time) when the alert window opens without its alarm; `from` after `to` spans midnight. */
export const QuietHours = z
  .strictObject({ from: ClockTime, to: ClockTime })
  .refine((q) => q.from !== q.to, { path: ['to'], message: 'must differ from from (quiet hours cannot be empty or the whole day)' });
export type QuietHours = z.infer<typeof QuietHours>;

/** AlarmSettings are the alert window's alarm: on or off, its volume (0 to 100), and quiet hours. */
export const AlarmSettings = z.strictObject({
  sound: z.boolean({ error: 'must be true or false' }),
  volume: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 to 100').max(100, 'must be 0 to 100'),
  quietHours: QuietHours.nullable(),
});
export type AlarmSettings = z.infer<typeof AlarmSettings>;

/** DesktopSettings answers `desktop.settings`. */
export const DesktopSettings = z.strictObject({
  /** startAtLogin starts Standby, hidden in the tray, when the person logs in (on by default). */
  startAtLogin: z.boolean({ error: 'must be true or false' }),
  alarm: AlarmSettings,
});
export type DesktopSettings = z.infer<typeof DesktopSettings>;

/** DesktopSettingsUpdate changes some of the desktop settings (`desktop.updateSettings`); what is absent stays (`alarm` is replaced whole). */
export const DesktopSettingsUpdate = DesktopSettings.partial();
export type DesktopSettingsUpdate = z.infer<typeof DesktopSettingsUpdate>;

/** DEFAULT_DESKTOP_SETTINGS are the settings before the person changed any: a pager that is not running after a reboot pages no one. */
export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { startAtLogin: true, alarm: { sound: true, volume: 80, quietHours: null } };
