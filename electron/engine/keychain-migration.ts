/**
 * The one-time move of a data directory's keychain entries from their old plain names (shared by
 * every data directory of the OS user) to its own `<installation id>/<ref>` names
 * (secrets/installation-store.ts). It runs before the first secret-store call of a database made
 * before installation ids, and is idempotent and crash-safe: each entry is read under its old name,
 * written under its new one, read back, and only then is the old one deleted; a run cut short is run
 * again and finds each entry either still old (moved now) or already moved (its old name deleted now).
 * When every entry is dealt with, the installation row says so and it never runs again.
 *
 * Which old entries are this data directory's is read from its database, and what happens to each
 * depends on whose it is:
 * - Standby's keys with a hash in the database (integration keys, heartbeat ping keys) are moved only
 *   when they match the hash: when two data directories wrote the same old name, the one whose key it
 *   is takes it (its log says so), and the other's log says its key was overwritten (rotate it).
 * - The ack links' old signing key is deleted, not moved: links are now signed per installation
 *   (notify/ack-links.ts), so every data directory makes a new key and links sent before the update
 *   no longer work.
 * - The person's own secrets (channel tokens, contact methods' secrets) are copied, and the old entry
 *   stays: it is the same token for every data directory that names it, and deleting it would leave
 *   another data directory that has not moved yet without its Twilio token at its next page.
 */
import type { ChannelSettingsKind } from '../shared/channel-schemas.ts';
import { hashRoutingKey, secretRefFor } from './inbound/routing-key.ts';
import { hashPingKey, pingKeyRef } from './monitors/heartbeats.ts';
import { ACK_KEY_REF } from './notify/ack-links.ts';
import { secretFields } from './notify/api-handlers.ts';
import type { InstallationSecretStore } from './secrets/installation-store.ts';
import type { Store } from './store/database.ts';
import { markKeychainMigrated } from './store/installation-repo.ts';

/** LegacyEntry is one old plain-named keychain entry a database may own, and how to move it. */
export type LegacyEntry =
  | { ref: string; what: string; owner: 'standby'; ours: (value: string) => boolean }
  | { ref: string; what: string; owner: 'person' }
  | { ref: string; what: string; owner: 'retired' };

/** legacyEntries lists the old entries this database names: its integrations' and heartbeats' keys, the ack key, and the person's secrets. */
export function legacyEntries(store: Store): LegacyEntry[] {
  const entries: LegacyEntry[] = [];
  for (const r of store.db.prepare('SELECT id, key_sha256 FROM integrations ORDER BY id').all() as Array<{ id: number; key_sha256: string }>) {
    entries.push({ ref: secretRefFor(r.id), what: `integration ${r.id}'s key`, owner: 'standby', ours: (v) => hashRoutingKey(v) === r.key_sha256 });
  }
  for (const r of store.db.prepare('SELECT id, ping_key_sha256 FROM monitors WHERE ping_key_sha256 IS NOT NULL ORDER BY id').all() as Array<{ id: number; ping_key_sha256: string }>) {
    entries.push({ ref: pingKeyRef(r.id), what: `monitor ${r.id}'s ping key`, owner: 'standby', ours: (v) => hashPingKey(v) === r.ping_key_sha256 });
  }
  const settings = store.db.prepare('SELECT kind, config_json FROM channel_settings ORDER BY kind').all() as Array<{ kind: string; config_json: string }>;
  if (settings.some((s) => s.kind === 'ack')) entries.push({ ref: ACK_KEY_REF, what: "the ack links' old shared signing key", owner: 'retired' });
  const person = new Set<string>();
  for (const s of settings) {
    for (const f of secretFields(s.kind as ChannelSettingsKind, JSON.parse(s.config_json) as Record<string, unknown>)) person.add(f.ref);
  }
  for (const r of store.db.prepare('SELECT DISTINCT secret_ref FROM contact_methods WHERE secret_ref IS NOT NULL').all() as Array<{ secret_ref: string }>) person.add(r.secret_ref);
  for (const ref of [...person].sort()) {
    // Standby's own names are never a person's secret (a contact method naming one is refused elsewhere).
    if (!ref.startsWith('standby.')) entries.push({ ref, what: `the secret "${ref}"`, owner: 'person' });
  }
  return entries;
}

/** KeychainMigrationDeps are what the move needs: the database, the installation's store, time, the log. */
export interface KeychainMigrationDeps {
  store: Store;
  secrets: InstallationSecretStore;
  now: () => number;
  log: (line: string) => void;
}

/** migrateKeychain moves the old entries once (see the file's comment); it answers true when done for good, false to try again later, and never throws. */
export async function migrateKeychain(d: KeychainMigrationDeps): Promise<boolean> {
  const shared = d.secrets.shared;
  const here = `this data directory (installation ${d.secrets.installationId}, ${d.store.path})`;
  let entries: LegacyEntry[];
  try {
    entries = legacyEntries(d.store);
  } catch (err) {
    d.log(`keychain: cannot list the entries to move to per-installation names: ${(err as Error).message}; trying again later`);
    return false;
  }
  /** copy writes the value under the new name (unless it is there) and reads it back: true when confirmed. */
  const copy = async (to: string, value: string, replace: boolean): Promise<boolean> => {
    const current = await shared.get(to);
    if (current === value) return true;
    if (current !== null && !replace) return false;
    await shared.set(to, value);
    return (await shared.get(to)) === value;
  };
  /** moveOne deals with one old entry; it throws when the keychain fails, leaving the old entry in place. */
  const moveOne = async (e: LegacyEntry): Promise<void> => {
    const to = d.secrets.entryName(e.ref);
    const old = await shared.get(e.ref);
    if (old === null) {
      if (e.owner === 'standby' && (await shared.get(to)) === null) {
        d.log(`keychain: ${e.what} was not found under its old name "${e.ref}" (another data directory of this user may have taken it, or it was never stored): it cannot be shown; rotate it to get a new one`);
      }
      return;
    }
    if (e.owner === 'retired') {
      await shared.delete(e.ref);
      d.log(`keychain: ${here} deleted ${e.what} "${e.ref}": ack links are now signed with a key of this data directory's own, so links sent before this update no longer work`);
    } else if (e.owner === 'standby') {
      if (!e.ours(old)) {
        d.log(`keychain: the old entry "${e.ref}" holds another data directory's key, not ${e.what} (it was overwritten before entries were kept per data directory): left it for the other one to take; rotate this one to get a new key`);
        return;
      }
      if (!(await copy(to, old, true))) throw new Error(`${e.what} could not be confirmed under its new name "${to}"`);
      await shared.delete(e.ref);
      d.log(`keychain: ${here} took the shared entry "${e.ref}" (${e.what}, which matches this database) and moved it to "${to}"`);
    } else if (await copy(to, old, false)) {
      d.log(`keychain: ${here} copied ${e.what} to "${to}"; the old entry "${e.ref}" stays for any other Standby data directory that still uses it (delete it once none does)`);
    } else {
      d.log(`keychain: ${e.what} already has a newer value under "${to}"; the old entry "${e.ref}" was left as it is`);
    }
  };
  let failed = 0;
  for (const e of entries) {
    try {
      await moveOne(e);
    } catch (err) {
      failed++;
      d.log(`keychain: moving ${e.what} ("${e.ref}") to its per-installation name stopped: ${(err as Error).message}; it is tried again later, and the old entry is deleted only after its copy is confirmed`);
    }
  }
  if (failed > 0) return false;
  try {
    markKeychainMigrated(d.store, d.now());
  } catch (err) {
    d.log(`keychain: the entries were moved, but the database could not record it (${(err as Error).message}); it is checked again later`);
    return false;
  }
  d.log(`keychain: ${here} keeps its entries under "${d.secrets.installationId}/…" (${entries.length} old entr${entries.length === 1 ? 'y' : 'ies'} looked at)`);
  return true;
}
