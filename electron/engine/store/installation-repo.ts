/**
 * The installation row (migration 5): this data directory's random id, which names its keychain
 * entries, and whether the entries it had before installation ids existed have been moved yet.
 */
import type { Store } from './database.ts';

/** KeychainMigration is where a database stands with its old shared keychain entries: none to move, some to move, moved. */
export type KeychainMigration = 'none' | 'pending' | 'done';

/** Installation is this data directory's identity (not a secret) and its keychain migration state. */
export interface Installation {
  id: string;
  keychainMigration: KeychainMigration;
}

/** readInstallation reads the one installation row. */
export function readInstallation(store: Store): Installation {
  const r = store.prepare('SELECT installation_id, keychain_migration FROM installation WHERE id = 1').get() as { installation_id: string; keychain_migration: KeychainMigration };
  return { id: r.installation_id, keychainMigration: r.keychain_migration };
}

/** markKeychainMigrated records that the old shared keychain entries have been dealt with, so it never runs again. */
export function markKeychainMigrated(store: Store, now: number): void {
  store.transaction(() => store.prepare("UPDATE installation SET keychain_migration = 'done', keychain_migrated_at = ? WHERE id = 1 AND keychain_migration = 'pending'").run(now));
}
