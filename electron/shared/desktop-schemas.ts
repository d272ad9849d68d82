/**
 * The desktop app's own settings: whether it starts at login. They are stored by the engine (so
 * Settings reads and changes them like everything else) and applied by the Electron shell; a headless
 * Standby keeps them but has nothing to apply them to.
 */
import { z } from 'zod';

/** DesktopSettings answers `desktop.settings`. */
export const DesktopSettings = z.strictObject({
  /** startAtLogin starts Standby, hidden in the tray, when the person logs in (on by default). */
  startAtLogin: z.boolean({ error: 'must be true or false' }),
});
export type DesktopSettings = z.infer<typeof DesktopSettings>;

/** DesktopSettingsUpdate changes some of the desktop settings (`desktop.updateSettings`); what is absent stays. */
export const DesktopSettingsUpdate = DesktopSettings.partial();
export type DesktopSettingsUpdate = z.infer<typeof DesktopSettingsUpdate>;

/** DEFAULT_DESKTOP_SETTINGS are the settings before the person changed any: a pager that is not running after a reboot pages no one. */
export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { startAtLogin: true };
