/**
 * The desktop app's settings (electron/shared/desktop-schemas.ts) in the installation's settings
 * table: `desktop.settings` reads them (defaults for what was never set, or a stored value that no
 * longer parses), `desktop.updateSettings` changes some and announces them (`desktop.changed`), which
 * the Electron shell applies (the login item).
 */
import type { ApiArgs, ApiEvent, ApiOutputs } from '../shared/api.ts';
import { DEFAULT_DESKTOP_SETTINGS, DesktopSettings } from '../shared/desktop-schemas.ts';
import { readAppSetting, writeAppSetting } from './store/app-settings.ts';
import type { Store } from './store/database.ts';

type DesktopMethod = 'desktop.settings' | 'desktop.updateSettings';

/** readDesktopSettings answers the stored settings, with the defaults for anything missing or invalid. */
export function readDesktopSettings(store: Store): DesktopSettings {
  const stored = readAppSetting(store, 'desktop');
  const merged = { ...DEFAULT_DESKTOP_SETTINGS, ...(stored !== null && typeof stored === 'object' ? stored : {}) };
  const parsed = DesktopSettings.safeParse(merged);
  return parsed.success ? parsed.data : { ...DEFAULT_DESKTOP_SETTINGS };
}

/** desktopSettingsHandlers serves the two methods. */
export function desktopSettingsHandlers(store: Store, emit: (e: ApiEvent) => void): { [M in DesktopMethod]: (args: ApiArgs<M>) => ApiOutputs[M] } {
  return {
    'desktop.settings': () => readDesktopSettings(store),
    'desktop.updateSettings': (a) => {
      const next = { ...readDesktopSettings(store), ...Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) };
      writeAppSetting(store, 'desktop', next);
      emit({ type: 'desktop.changed', data: next });
      return next;
    },
  };
}
