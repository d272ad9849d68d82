/**
 * Migration 6: settings of this installation that are not configuration as code (never exported or
 * imported, and kept by an import): one row per key, its value as JSON. The first is the port the
 * desktop app takes alerts on.
 */
import type { Migration } from './index.ts';

export const m006AppSettings: Migration = {
  version: 6,
  name: '006-app-settings',
  up(db) {
    db.exec(`
      CREATE TABLE app_settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );
    `);
  },
};
