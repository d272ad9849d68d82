/**
 * Keys per installation: two data directories of one OS user share one keychain, yet each keeps its
 * own entries (named `<installation id>/<ref>`), so neither overwrites the other's integration key and
 * an ack link from one is refused by the other. Against an in-memory keychain, and against the real
 * Secret Service (gnome-keyring in the D-Bus session) through keytar; then the one-time move of an old
 * plain-named entry in the real keychain.
 */
import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ACK_KEY_REF } from '../../../electron/engine/notify/ack-links.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { KeytarSecretStore } from '../../../electron/engine/secrets/keytar-store.ts';
import type { SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { api, tempDir } from '../../helpers/headless.ts';
import { MapSecretStore, OLD_REFS, oldDataDir, putOldEntries } from '../../helpers/old-data-dir.ts';

const TOKEN = 'per-installation-token';
const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
const NO_BUS = 'no Secret Service reachable (DBUS_SESSION_BUS_ADDRESS is not set): run under `dbus-run-session` with gnome-keyring unlocked, as .ci/run does';
/** SERVICE is the keychain service name of these tests, so they never touch the person's "Standby" entries. */
const SERVICE = `standby-test-installations-${process.pid}-${Date.now()}`;

const servers: HeadlessServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => {});
  if (bus) for (const c of await keytar.findCredentials(SERVICE)) await keytar.deletePassword(SERVICE, c.account);
});

async function start(dataDir: string, secrets: SecretStore): Promise<HeadlessServer> {
  const s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, clock: new FakeClock('2026-03-02T12:00:00Z'), secrets, log: () => {} });
  servers.push(s);
  return s;
}

/** twoDataDirectories runs the tester's attack on a keychain: integration 1 and ack links in two data directories of one user. */
function twoDataDirectories(keychain: () => SecretStore, entries: () => Promise<string[]>) {
  it('each keeps its own integration key and ack signing key, under its own installation id', async () => {
    const store = keychain();
    const [dirA, dirB] = [tempDir('standby-a-'), tempDir('standby-b-')];
    const a = await start(dirA, store);
    const b = await start(dirB, store);
    const [idA, idB] = [a.engine.secrets.installationId, b.engine.secrets.installationId];
    expect(idA).not.toBe(idB);

    const create = async (s: HeadlessServer) => (await api(s.url, TOKEN, 'integrations.create', { serviceId: 1, type: 'events_v2', name: 'Grafana' })).body as { id: number; key: string };
    const ka = await create(a);
    const kb = await create(b);
    expect([ka.id, kb.id]).toEqual([1, 1]);
    expect(ka.key).not.toBe(kb.key);
    // The tester saw A's list answer "key": null once B made its integration 1.
    expect((await api(a.url, TOKEN, 'integrations.list', {})).body[0].key).toBe(ka.key);
    expect((await api(b.url, TOKEN, 'integrations.list', {})).body[0].key).toBe(kb.key);

    for (const s of [a, b]) await api(s.url, TOKEN, 'channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: s.url } });
    const [linkA, linkB] = [await a.engine.lifecycle.delivery.ack.issue(1), await b.engine.lifecycle.delivery.ack.issue(1)];
    expect(await a.engine.secrets.get(ACK_KEY_REF)).not.toBe(await b.engine.secrets.get(ACK_KEY_REF));
    expect(linkA && linkB).toBeTruthy();

    expect((await entries()).sort()).toEqual(
      [`${idA}/standby.integration.1.routing-key`, `${idA}/${ACK_KEY_REF}`, `${idB}/standby.integration.1.routing-key`, `${idB}/${ACK_KEY_REF}`].sort(),
    );

    // A restart keeps the installation id (it is in the database) and so finds its key again.
    await a.close();
    servers.splice(servers.indexOf(a), 1);
    const again = await start(dirA, store);
    expect(again.engine.secrets.installationId).toBe(idA);
    expect((await api(again.url, TOKEN, 'integrations.list', {})).body[0].key).toBe(ka.key);
  });

  it("an ack link from one installation is refused by the other, on the same incident id (forged), and works where it was issued", async () => {
    const store = keychain();
    const a = await start(tempDir('standby-a-'), store);
    const b = await start(tempDir('standby-b-'), store);
    for (const s of [a, b]) {
      await api(s.url, TOKEN, 'channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: s.url } });
      const r = await api(s.url, TOKEN, 'incidents.trigger', { serviceId: 1, title: 'Disk full' });
      expect(r.body.incident.id).toBe(1);
    }
    const fromB = (await b.engine.lifecycle.delivery.ack.issue(1))!;
    const token = fromB.acknowledge.split('/ack/')[1]!;
    for (const method of ['GET', 'POST']) {
      const r = await fetch(`${a.url}/ack/${token}`, { method });
      expect([r.status, await r.text()]).toEqual([403, expect.stringContaining('was not issued by this Standby')]);
    }
    expect(a.engine.incidents.get(1).status).toBe('triggered');
    const there = await fetch(fromB.acknowledge, { method: 'POST' });
    expect(there.status).toBe(200);
    expect(b.engine.incidents.get(1).status).toBe('acknowledged');
  });
}

describe('two data directories on an in-memory keychain', () => {
  let shared: MapSecretStore;
  twoDataDirectories(
    () => (shared = new MapSecretStore()),
    async () => shared.entries().map(([name]) => name),
  );
});

describe.skipIf(!bus)(`two data directories on the real Secret Service${bus ? '' : ` (skipped: ${NO_BUS})`}`, () => {
  twoDataDirectories(
    () => new KeytarSecretStore(SERVICE),
    async () => (await keytar.findCredentials(SERVICE)).map((c) => c.account),
  );
});

describe.skipIf(!bus)(`moving an old entry in the real Secret Service${bus ? '' : ` (skipped: ${NO_BUS})`}`, () => {
  it("moves the old shared integration key to this installation's entry and deletes the old one", async () => {
    const service = `${SERVICE}-old`;
    const store = new KeytarSecretStore(service);
    try {
      const old = await oldDataDir();
      await putOldEntries(store, old);
      const s = await start(old.dir, store);
      await s.engine.secrets.ready();
      const id = s.engine.secrets.installationId;
      const accounts = Object.fromEntries((await keytar.findCredentials(service)).map((c) => [c.account, c.password]));
      expect(accounts).toEqual({
        [`${id}/${OLD_REFS.integration}`]: old.integrationKey,
        [`${id}/${OLD_REFS.ping}`]: old.pingKey,
        [`${id}/${OLD_REFS.twilio}`]: 'twilio-token-0123',
        [`${id}/${OLD_REFS.webhook}`]: 'webhook-signing-secret',
        [OLD_REFS.twilio]: 'twilio-token-0123',
        [OLD_REFS.webhook]: 'webhook-signing-secret',
      });
      expect((await api(s.url, TOKEN, 'integrations.list', {})).body[0].key).toBe(old.integrationKey);
    } finally {
      for (const c of await keytar.findCredentials(service)) await keytar.deletePassword(service, c.account);
    }
  });
});

describe('environment secrets', () => {
  it('keep their plain names: the person names the variables, and they reach one process', async () => {
    const env = new EnvSecretStore({ STANDBY_SECRET_TWILIO_AUTHTOKEN: 'from-the-environment' });
    const s = await start(tempDir(), env);
    expect(s.engine.secrets.entryName('twilio.authToken')).toBe('twilio.authToken');
    expect(await s.engine.secrets.get('twilio.authToken')).toBe('from-the-environment');
  });
});
