/**
 * The installation's own settings (table `app_settings`, migration 6): values that belong to this
 * computer rather than to the configuration a person exports and imports, such as the desktop
 * app's inbound port. Each key's value is JSON.
 */
import type { Store } from './database.ts';

/** AppSettingKey names one installation setting. */
export type AppSettingKey = 'inbound.port' | 'desktop' | 'setup';

/** readAppSetting answers a setting's stored value, or undefined when none is stored (or the stored text is not JSON). */
export function readAppSetting(store: Store, key: AppSettingKey): unknown {
  const row = store.prepare('SELECT value_json FROM app_settings WHERE key = ?').get(key) as { value_json: string } | undefined;
  if (!row) return undefined;
  try {
    return JSON.parse(row.value_json) as unknown;
  } catch {
    return undefined;
  }
}

/** writeAppSetting stores a setting's value (in the caller's transaction, if any). */
export function writeAppSetting(store: Store, key: AppSettingKey, value: unknown): void {
  store.transaction(() => {
    store.prepare('INSERT INTO app_settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json').run(key, JSON.stringify(value));
  });
}
