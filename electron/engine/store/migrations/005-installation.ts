/**
 * Migration 5: the installation (this data directory's random id, which names its keychain entries so
 * two data directories of one OS user never share or overwrite one), and the ack links' generation
 * (a link carries the generation it was issued in; turning ack links off or rotating the signing key
 * starts a new one, so every link issued before does nothing, even after ack links are turned on again).
 */
import { randomUUID } from 'node:crypto';
import type { Migration } from './index.ts';

/** ackOn is SQL that is true when a channel_settings row's config turns ack links on (enabled, with a public URL). */
const ackOn = (row: 'OLD' | 'NEW') =>
  `(json_extract(${row}.config_json, '$.enabled') = 1 AND coalesce(json_extract(${row}.config_json, '$.publicBaseUrl'), '') != '')`;

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

      -- One row. A link is valid only in the generation it was issued in; revoked_reason says why the
      -- last one ended ('off': ack links were turned off; 'rotated': the signing key was rotated).
      CREATE TABLE ack_link_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL CHECK (generation >= 1),
        revoked_reason TEXT CHECK (revoked_reason IN ('off', 'rotated'))
      );
      INSERT INTO ack_link_state (id, generation, revoked_reason) VALUES (1, 1, NULL);

      -- Turning ack links off revokes every issued link, whichever way it is done (channels.update, removing
      -- the section, a configuration import that replaces it), in the same transaction as the change.
      CREATE TRIGGER ack_links_turned_off AFTER UPDATE OF config_json ON channel_settings
        WHEN OLD.kind = 'ack' AND ${ackOn('OLD')} AND NOT ${ackOn('NEW')}
        BEGIN UPDATE ack_link_state SET generation = generation + 1, revoked_reason = 'off' WHERE id = 1; END;
      CREATE TRIGGER ack_links_removed AFTER DELETE ON channel_settings
        WHEN OLD.kind = 'ack' AND ${ackOn('OLD')}
        BEGIN UPDATE ack_link_state SET generation = generation + 1, revoked_reason = 'off' WHERE id = 1; END;
    `);
    db.prepare('INSERT INTO installation (id, installation_id, created_at, keychain_migration) VALUES (1, ?, ?, ?)').run(randomUUID(), Date.now(), from === 0 ? 'none' : 'pending');
  },
};
