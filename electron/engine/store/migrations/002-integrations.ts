/**
 * Migration 2: integrations (the keys monitoring tools send alerts with) and change events.
 * A routing key is a shared secret: only its SHA-256 hash is stored here, for lookup; the key itself
 * lives in the secret store (the OS keychain), never in this database.
 */
import type { Migration } from './index.ts';

export const m002Integrations: Migration = {
  version: 2,
  name: '002-integrations',
  up(db) {
    db.exec(`
      CREATE TABLE integrations (
        id INTEGER PRIMARY KEY,
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('events_v2', 'alertmanager')),
        name TEXT NOT NULL,
        -- SHA-256 of the routing key, lowercase hex: enough to recognise a key, useless to send one.
        key_sha256 TEXT NOT NULL UNIQUE,
        group_by TEXT CHECK (group_by IN ('group', 'alert')),
        rate_limit_per_minute INTEGER NOT NULL CHECK (rate_limit_per_minute >= 0),
        created_at INTEGER NOT NULL,
        key_rotated_at INTEGER
      );
      CREATE INDEX integrations_service ON integrations(service_id, id);

      -- Change events (Events API v2 /v2/change/enqueue): context on a service's timeline, never paging.
      CREATE TABLE change_events (
        id INTEGER PRIMARY KEY,
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        integration_id INTEGER REFERENCES integrations(id) ON DELETE SET NULL,
        summary TEXT NOT NULL,
        source TEXT,
        timestamp INTEGER,
        received_at INTEGER NOT NULL,
        custom_details_json TEXT NOT NULL,
        links_json TEXT NOT NULL
      );
      CREATE INDEX change_events_service ON change_events(service_id, id);
    `);
  },
};
