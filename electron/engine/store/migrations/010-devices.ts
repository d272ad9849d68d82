/**
 * Migration 10: paired devices. A person pairs a desktop app or a browser with an always-on box by
 * entering a one-time code shown on the box (`pairing_codes`: only a hash of the code, its expiry and
 * when it was used); the device gets its own long-lived token (`devices`: only a hash of it, with a
 * name, when it was last seen, and when it was revoked). Neither table holds a secret in clear.
 */
import type { Migration } from './index.ts';

export const m010Devices: Migration = {
  version: 10,
  name: '010-devices',
  up(db) {
    db.exec(`
      CREATE TABLE pairing_codes (
        id INTEGER PRIMARY KEY,
        code_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );

      CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('desktop', 'browser')),
        token_hash TEXT NOT NULL UNIQUE,
        paired_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        revoked_at INTEGER
      );
    `);
  },
};
