/**
 * Data directories as Standby left them before installation ids (schema 4): keychain entries under
 * plain names shared by every data directory of the OS user. oldDataDir builds one with today's code
 * (an integration, a heartbeat, Twilio settings, ack links on, a webhook contact with a signing
 * secret) and then takes migrations 5 and later back out, so the next open runs them as an update would.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { FakeClock } from '../../electron/engine/clock.ts';
import { DATABASE_FILE } from '../../electron/engine/data-dir.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { ChannelRegistry } from '../../electron/engine/notify/registry.ts';
import { MemorySecretStore, type SecretStore } from '../../electron/engine/secrets/secret-store.ts';
import { tempDir } from './headless.ts';

/** OldDataDir is a schema-4 data directory and the values its old plain-named keychain entries held. */
export interface OldDataDir {
  dir: string;
  databasePath: string;
  /** integrationKey is integration 1's routing key (entry "standby.integration.1.routing-key"). */
  integrationKey: string;
  /** pingKey is heartbeat monitor 1's key (entry "standby.monitor.1.ping-key"). */
  pingKey: string;
}

/** OLD_REFS are the plain names an old data directory used: its own keys, the ack key, and the person's secrets. */
export const OLD_REFS = {
  integration: 'standby.integration.1.routing-key',
  ping: 'standby.monitor.1.ping-key',
  ack: 'standby.ackSigningKey',
  twilio: 'twilio.authToken',
  webhook: 'webhook.signing',
} as const;

/** oldDataDir makes a data directory at schema 4 with one of everything that names a keychain entry. */
export async function oldDataDir(): Promise<OldDataDir> {
  const dir = tempDir('standby-old-');
  const databasePath = join(dir, DATABASE_FILE);
  const engine = new Engine({ databasePath, clock: new FakeClock('2026-03-02T12:00:00Z'), channels: new ChannelRegistry(), secrets: new MemorySecretStore(), keepBackups: 0 });
  await engine.start();
  const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
  const integration = await engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Grafana' });
  const monitor = await engine.invoke('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId, config: { periodSeconds: 86400 } });
  await engine.invoke('channels.update', { kind: 'twilio', settings: { accountSid: `AC${'f'.repeat(32)}`, from: '+14155550100' } });
  await engine.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: 'https://standby.example.net' } });
  await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Hook', address: 'https://hooks.example.com/standby', secretRef: OLD_REFS.webhook });
  await engine.stop();
  if (integration.id !== 1 || monitor.id !== 1 || !integration.key || !monitor.pingPath) throw new Error('oldDataDir: expected integration 1 and monitor 1 with their keys');
  const db = new DatabaseSync(databasePath);
  db.exec(`
    DROP TABLE installation; DROP TABLE ack_link_state; DROP TABLE app_settings; DROP TABLE secret_bindings; DROP TABLE page_receipts; DROP TABLE responder_state; DROP TABLE answer_tests; DROP TABLE pairing_codes; DROP TABLE devices;
    ALTER TABLE contact_methods DROP COLUMN url_secret_ref;
    DELETE FROM schema_version WHERE version >= 5;
  `);
  db.close();
  return { dir, databasePath, integrationKey: integration.key, pingKey: monitor.pingPath.slice('/ping/'.length) };
}

/** putOldEntries writes an old data directory's entries under their plain names, as Standby before installation ids did. */
export async function putOldEntries(store: SecretStore, old: OldDataDir, extra: Partial<Record<keyof typeof OLD_REFS, string>> = {}): Promise<void> {
  await store.set(OLD_REFS.integration, old.integrationKey);
  await store.set(OLD_REFS.ping, old.pingKey);
  await store.set(OLD_REFS.ack, extra.ack ?? 'b2xkLXNoYXJlZC1hY2stc2lnbmluZy1rZXktMDEyMzQ1Njc4OQ');
  await store.set(OLD_REFS.twilio, extra.twilio ?? 'twilio-token-0123');
  await store.set(OLD_REFS.webhook, extra.webhook ?? 'webhook-signing-secret');
}

/** MapSecretStore is an in-memory keychain whose entries a test can list (one per OS user: every data directory shares it). */
export class MapSecretStore implements SecretStore {
  readonly kind = 'memory';
  readonly values = new Map<string, string>();
  /** failDelete makes delete of these names throw (a keychain that fails, or a crash, between writing the new entry and deleting the old). */
  failDelete = new Set<string>();

  async get(ref: string): Promise<string | null> {
    return this.values.get(ref) ?? null;
  }

  async set(ref: string, value: string): Promise<void> {
    this.values.set(ref, value);
  }

  async delete(ref: string): Promise<void> {
    if (this.failDelete.has(ref)) throw new Error(`the keychain failed deleting "${ref}"`);
    this.values.delete(ref);
  }

  /** entries lists every entry, sorted by name. */
  entries(): Array<[string, string]> {
    return [...this.values].sort(([a], [b]) => (a < b ? -1 : 1));
  }
}
