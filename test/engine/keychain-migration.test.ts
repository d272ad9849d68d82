/**
 * The one-time move of a data directory's keychain entries from the old names every data directory
 * shared to its own `<installation id>/<ref>` names: what moves, what is copied, what is retired, that
 * it runs once, survives a failure between writing the new entry and deleting the old, and that when two
 * data directories both had the same old entry, the one whose key it is takes it and the logs say so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../electron/engine/clock.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { migrateKeychain } from '../../electron/engine/keychain-migration.ts';
import { ChannelRegistry } from '../../electron/engine/notify/registry.ts';
import { MIGRATION_RETRY_MS } from '../../electron/engine/secrets/installation-store.ts';
import type { SecretStore } from '../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../helpers/headless.ts';
import { MapSecretStore, OLD_REFS, oldDataDir, putOldEntries } from '../helpers/old-data-dir.ts';
import { join } from 'node:path';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop().catch(() => {});
});

/** open starts an engine on a database file with the shared keychain, and waits for the move of the old entries. */
async function open(databasePath: string, secrets: SecretStore, clock = new FakeClock('2026-03-02T12:00:00Z')) {
  const logs: string[] = [];
  const engine = new Engine({ databasePath, clock, channels: new ChannelRegistry(), secrets, keepBackups: 0, log: (l) => logs.push(l) });
  engines.push(engine);
  await engine.start();
  await engine.secrets.ready();
  const id = engine.secrets.installationId;
  const state = () => engine.store.db.prepare('SELECT keychain_migration AS m FROM installation').get() as { m: string };
  return { engine, logs, id, state, clock, stop: () => engine.stop() };
}

describe('moving the old shared keychain entries', () => {
  it("moves Standby's own keys, copies the person's secrets, retires the old ack key, and records that it is done", async () => {
    const old = await oldDataDir();
    const keychain = new MapSecretStore();
    await putOldEntries(keychain, old);
    const a = await open(old.databasePath, keychain);

    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keychain.entries()).toEqual([
      [`${a.id}/${OLD_REFS.integration}`, old.integrationKey],
      [`${a.id}/${OLD_REFS.ping}`, old.pingKey],
      [`${a.id}/${OLD_REFS.twilio}`, 'twilio-token-0123'],
      [`${a.id}/${OLD_REFS.webhook}`, 'webhook-signing-secret'],
      // The person's secrets stay under the old names too, for any other data directory that still uses them.
      [OLD_REFS.twilio, 'twilio-token-0123'],
      [OLD_REFS.webhook, 'webhook-signing-secret'],
    ]);
    expect(a.state().m).toBe('done');
    // Callers use plain references and find everything.
    expect((await a.engine.invoke('integrations.list', {}))[0]!.key).toBe(old.integrationKey);
    expect((await a.engine.invoke('monitors.get', { id: 1 })).pingPath).toBe(`/ping/${old.pingKey}`);
    // Copied, and bound at this first start after the upgrade to the account the settings name (secrets/bindings.ts).
    expect((await a.engine.invoke('channels.get', { kind: 'twilio' })).secrets).toEqual([{ field: 'authTokenRef', ref: OLD_REFS.twilio, present: true, destination: `https://api.twilio.com/Accounts/AC${'f'.repeat(32)}`, bound: true }]);
    const here = `this data directory (installation ${a.id}, ${old.databasePath})`;
    expect(a.logs).toContain(`keychain: ${here} took the shared entry "${OLD_REFS.integration}" (integration 1's key, which matches this database) and moved it to "${a.id}/${OLD_REFS.integration}"`);
    expect(a.logs.some((l) => l.startsWith(`keychain: ${here} deleted the ack links' old shared signing key "standby.ackSigningKey"`))).toBe(true);
    expect(a.logs.some((l) => l.startsWith(`keychain: ${here} copied the secret "twilio.authToken" to "${a.id}/twilio.authToken"; the old entry "twilio.authToken" stays`))).toBe(true);
    expect(a.logs.join('\n')).not.toContain(old.integrationKey);
    expect(a.logs.join('\n')).not.toContain('twilio-token-0123');
  });

  it('runs once: a restart, or running it again, changes nothing', async () => {
    const old = await oldDataDir();
    const keychain = new MapSecretStore();
    await putOldEntries(keychain, old);
    const first = await open(old.databasePath, keychain);
    const id = first.id;
    const after = keychain.entries();
    await first.stop();

    const again = await open(old.databasePath, keychain);
    expect(again.id).toBe(id);
    expect(again.logs.filter((l) => l.startsWith('keychain:'))).toEqual([]);
    expect(keychain.entries()).toEqual(after);
    // Run by hand on a database that is done, it finds nothing left to move and deletes nothing.
    expect(await migrateKeychain({ store: again.engine.store, secrets: again.engine.secrets, now: () => 0, log: () => {} })).toBe(true);
    expect(keychain.entries()).toEqual(after);
  });

  it('deletes an old entry only after its copy is confirmed: a failure between the two is finished at the next start', async () => {
    const old = await oldDataDir();
    const keychain = new MapSecretStore();
    await putOldEntries(keychain, old);
    keychain.failDelete.add(OLD_REFS.integration);
    const cut = await open(old.databasePath, keychain);
    expect(cut.state().m).toBe('pending');
    // Both copies are there: nothing is lost, and the engine already reads the new one.
    expect(await keychain.get(OLD_REFS.integration)).toBe(old.integrationKey);
    expect(await keychain.get(`${cut.id}/${OLD_REFS.integration}`)).toBe(old.integrationKey);
    expect((await cut.engine.invoke('integrations.list', {}))[0]!.key).toBe(old.integrationKey);
    expect(cut.logs).toContain(
      `keychain: moving integration 1's key ("${OLD_REFS.integration}") to its per-installation name stopped: the secret store failed: the keychain failed deleting "${OLD_REFS.integration}"; it is tried again later, and the old entry is deleted only after its copy is confirmed`,
    );
    // One entry's failure does not hold up the others.
    expect(await keychain.get(OLD_REFS.ping)).toBeNull();
    expect((await cut.engine.invoke('monitors.get', { id: 1 })).pingPath).toBe(`/ping/${old.pingKey}`);
    await cut.stop();

    keychain.failDelete.clear();
    const next = await open(old.databasePath, keychain);
    expect(next.state().m).toBe('done');
    expect(await keychain.get(OLD_REFS.integration)).toBeNull();
    expect(await keychain.get(`${next.id}/${OLD_REFS.integration}`)).toBe(old.integrationKey);
    expect(await keychain.get(`${next.id}/${OLD_REFS.ping}`)).toBe(old.pingKey);
  });

  it('is tried again by a later call in the same run once the keychain works', async () => {
    const old = await oldDataDir();
    const keychain = new MapSecretStore();
    await putOldEntries(keychain, old);
    keychain.failDelete.add(OLD_REFS.integration);
    const a = await open(old.databasePath, keychain);
    expect(a.state().m).toBe('pending');
    keychain.failDelete.clear();
    // Within MIGRATION_RETRY_MS a call does not try again; after it, the next call does, before it answers.
    await a.engine.invoke('integrations.list', {});
    expect(a.state().m).toBe('pending');
    await a.clock.advance(MIGRATION_RETRY_MS);
    await a.engine.invoke('integrations.list', {});
    expect(a.state().m).toBe('done');
    expect(await keychain.get(OLD_REFS.integration)).toBeNull();
  });

  it('when two data directories both had the same old entry, the one whose key it is takes it, and the logs say which', async () => {
    const first = await oldDataDir();
    const second = await oldDataDir();
    const keychain = new MapSecretStore();
    // The second data directory wrote its integration 1 last: the shared entry holds its key, not the first's.
    await putOldEntries(keychain, first);
    await putOldEntries(keychain, second);

    const a = await open(first.databasePath, keychain);
    expect(a.logs).toContain(
      `keychain: the old entry "${OLD_REFS.integration}" holds another data directory's key, not integration 1's key (it was overwritten before entries were kept per data directory): left it for the other one to take; rotate this one to get a new key`,
    );
    expect(await keychain.get(OLD_REFS.integration)).toBe(second.integrationKey);
    expect((await a.engine.invoke('integrations.list', {}))[0]!.key).toBeNull();

    const b = await open(second.databasePath, keychain);
    expect(b.logs).toContain(`keychain: this data directory (installation ${b.id}, ${second.databasePath}) took the shared entry "${OLD_REFS.integration}" (integration 1's key, which matches this database) and moved it to "${b.id}/${OLD_REFS.integration}"`);
    expect(await keychain.get(OLD_REFS.integration)).toBeNull();
    expect((await b.engine.invoke('integrations.list', {}))[0]!.key).toBe(second.integrationKey);
    // Each keeps its own from now on: the first gets a new key and the second's is untouched.
    const rotated = await a.engine.invoke('integrations.rotate', { id: 1 });
    expect((await a.engine.invoke('integrations.list', {}))[0]!.key).toBe(rotated.key);
    expect((await b.engine.invoke('integrations.list', {}))[0]!.key).toBe(second.integrationKey);
    // The person's Twilio token is copied into both: neither is left without it.
    expect(await a.engine.secrets.get(OLD_REFS.twilio)).toBe('twilio-token-0123');
    expect(await b.engine.secrets.get(OLD_REFS.twilio)).toBe('twilio-token-0123');
  });

  it('a new data directory takes nothing from the old shared entries', async () => {
    const keychain = new MapSecretStore();
    await keychain.set(OLD_REFS.twilio, 'someone-elses-token');
    await keychain.set(OLD_REFS.integration, 'ffffffffffffffffffffffffffffffff');
    const fresh = await open(join(tempDir(), 'standby.db'), keychain);
    expect(fresh.state().m).toBe('none');
    await fresh.engine.invoke('channels.update', { kind: 'twilio', settings: { accountSid: `AC${'f'.repeat(32)}`, from: '+14155550100' } });
    expect((await fresh.engine.invoke('channels.get', { kind: 'twilio' })).secrets[0]!.present).toBe(false);
    expect(fresh.logs.filter((l) => l.startsWith('keychain:'))).toEqual([]);
    expect(keychain.entries()).toEqual([
      [OLD_REFS.integration, 'ffffffffffffffffffffffffffffffff'],
      [OLD_REFS.twilio, 'someone-elses-token'],
    ]);
  });
});
