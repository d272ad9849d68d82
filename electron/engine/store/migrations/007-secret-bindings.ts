/**
 * Migration 7: where each secret may go. A secret is stored for one destination (a contact method's
 * URL, an SMTP server and user, a Twilio account): `secret_bindings` lists, per keychain reference, the
 * destinations it was entered for, and a channel sends it nowhere else (secrets/bindings.ts). A contact
 * method whose URL carries a credential keeps that URL in the keychain (`url_secret_ref`) and only the
 * URL without it in `address`. Secrets stored before this migration are bound once, at the next start,
 * to where the configuration sends them then (`installation.secret_bindings_seeded`).
 */
import type { Migration } from './index.ts';

export const m007SecretBindings: Migration = {
  version: 7,
  name: '007-secret-bindings',
  up(db, from) {
    db.exec(`
      CREATE TABLE secret_bindings (
        ref TEXT NOT NULL,
        destination TEXT NOT NULL,
        bound_at INTEGER NOT NULL,
        PRIMARY KEY (ref, destination)
      );
      ALTER TABLE contact_methods ADD COLUMN url_secret_ref TEXT;
      ALTER TABLE installation ADD COLUMN secret_bindings_seeded INTEGER NOT NULL DEFAULT 0;
    `);
    // A new database has no secrets yet: there is nothing made before bindings to bind.
    if (from === 0) db.exec('UPDATE installation SET secret_bindings_seeded = 1');
  },
};
