/**
 * SettingsRepo reads and writes the `channel_settings` rows: each settings section's JSON (never a
 * secret). Each page reads several sections (its channel's, the delivery policy, the ack links'), so
 * the stored texts are kept until the table changes (store/kept-reads.ts).
 */
import type { Store } from '../store/database.ts';
import { keptRead } from '../store/kept-reads.ts';

/** SettingsRepo is the channel_settings table's one door in the delivery code. */
export class SettingsRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** get returns a section's settings as stored (a fresh object each time), or undefined. */
  get(kind: string): Record<string, unknown> | undefined {
    const json = this.json(kind);
    return json === null ? undefined : (JSON.parse(json) as Record<string, unknown>);
  }

  /** json returns a section's stored JSON text, or null: equal texts are equal settings. */
  json(kind: string): string | null {
    return keptRead(this.store, 'channel_settings', kind, () => {
      const r = this.store.prepare('SELECT config_json FROM channel_settings WHERE kind = ?').get(kind) as { config_json: string } | undefined;
      return r ? r.config_json : null;
    });
  }

  /** set replaces a section's settings; null removes them. */
  set(kind: string, settings: Record<string, unknown> | null): void {
    if (settings === null) this.store.prepare('DELETE FROM channel_settings WHERE kind = ?').run(kind);
    else this.store.prepare('INSERT INTO channel_settings (kind, config_json) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET config_json = excluded.config_json').run(kind, JSON.stringify(settings));
  }
}
