/**
 * The desktop app's own settings (start at login, the alert window's alarm) in remote mode. They are
 * about this computer, not the box: kept beside the link in `desktop-settings.json`, never sent to the
 * box (whose own desktop settings are another computer's business). Pairing carries the local
 * engine's settings over, so nothing changes for the person when the app becomes the box's tray.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DESKTOP_SETTINGS, DesktopSettings } from '../../shared/desktop-schemas.ts';
import { writePrivateFile } from '../private-file.ts';

/** DEVICE_SETTINGS_FILE keeps the desktop settings in remote mode. */
export const DEVICE_SETTINGS_FILE = 'desktop-settings.json';

/** readDeviceSettings answers the kept settings, the defaults for anything missing or invalid. */
export function readDeviceSettings(dataDir: string): DesktopSettings {
  const path = join(dataDir, DEVICE_SETTINGS_FILE);
  if (!existsSync(path)) return { ...DEFAULT_DESKTOP_SETTINGS };
  try {
    const parsed = DesktopSettings.safeParse({ ...DEFAULT_DESKTOP_SETTINGS, ...(JSON.parse(readFileSync(path, 'utf8')) as object) });
    return parsed.success ? parsed.data : { ...DEFAULT_DESKTOP_SETTINGS };
  } catch {
    return { ...DEFAULT_DESKTOP_SETTINGS };
  }
}

/** writeDeviceSettings keeps the settings (whole, atomically). */
export function writeDeviceSettings(dataDir: string, s: DesktopSettings): void {
  writePrivateFile(join(dataDir, DEVICE_SETTINGS_FILE), `${JSON.stringify(s, null, 2)}\n`);
}
