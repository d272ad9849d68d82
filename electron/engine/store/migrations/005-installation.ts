/**
 * Migration 5: the installation (this data directory's random id, which names its keychain entries so
 * two data directories of one OS user never share or overwrite one), and the ack links' generation
 * (a link carries the generation it was issued in; turning ack links off or rotating the signing key
 * starts a new one, so every link issued before does nothing, even after ack links are turned on again).
 */
import { randomUUID } from 'node:crypto';
import type { Migration } from './index.ts';

export const m005Installation: Migration = {
  version: 5,
  name: '005-installation',
  up(db, from) {
    db.exec(`
      -- One row. installation_id is random (not a secret): every keychain entry's name starts with it.
      -- keychain_migration: 'none' for a database created with installation ids; 'pending' for one made
      -- before, whose entries still have their old shared names, until they are moved ('done').
      CREATE TABLE installation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        installation_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        keychain_migration TEXT NOT NULL CHECK (keychain_migration IN ('none', 'pending', 'done')),
        keychain_migrated_at INTEGER
      );

      -- One row (notify/ack-generation.ts). A link acts only in the generation it was issued in.
      -- revoked_reason says why the last one ended ('off': ack links were turned off; 'rotated': the
      -- signing key was rotated); off_seen is 1 once the current generation has ended by an "off", so
      -- turning links on again starts from a generation no issued link has. Until links are first on, no
      -- link exists: off_seen starts at 1.
      CREATE TABLE ack_link_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL CHECK (generation >= 1),
        revoked_reason TEXT CHECK (revoked_reason IN ('off', 'rotated')),
        off_seen INTEGER NOT NULL CHECK (off_seen IN (0, 1))
      );
      INSERT INTO ack_link_state (id, generation, revoked_reason, off_seen) VALUES (1, 1, NULL, 1);
    `);
    db.prepare('INSERT INTO installation (id, installation_id, created_at, keychain_migration) VALUES (1, ?, ?, ?)').run(randomUUID(), Date.now(), from === 0 ? 'none' : 'pending');
  },
};
