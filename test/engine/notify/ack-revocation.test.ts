/**
 * Ack links you can revoke, through the real HTTP server on loopback: while ack links are off every
 * issued link refuses (the page and the POST say so, nothing acts); turning them on again does not
 * bring old links back; rotating the signing key (`secrets.rotate`) kills every issued link; links
 * made before links were bound to one installation are refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ACK_KEY_REF } from '../../../electron/engine/notify/ack-links.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { api, tempDir } from '../../helpers/headless.ts';

const TOKEN = 'ack-revocation-token';
const STRONG_KEY = 'q3Fz9LkP0wXvT2mN8sR4yB6cD1hJ5gA7eU0iO3pQ9t8';
let s: HeadlessServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function server(secrets: SecretStore = new MemorySecretStore()) {
  s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, clock: new FakeClock('2026-03-02T12:00:00Z'), secrets, log: () => {} });
  const srv = s;
  const ack = (settings: Record<string, unknown> | null) => api(srv.url, TOKEN, 'channels.update', { kind: 'ack', settings });
  expect((await ack({ enabled: true, publicBaseUrl: srv.url, ttlMinutes: 60 })).status).toBe(200);
  const incident = async (title: string) => {
    const r = await api(srv.url, TOKEN, 'incidents.trigger', { serviceId: 1, title });
    const id = r.body.incident.id as number;
    return { id, links: (await srv.engine.lifecycle.delivery.ack.issue(id))! };
  };
  const status = (id: number) => srv.engine.incidents.get(id).status;
  return { srv, ack, incident, status };
}

const visit = async (url: string, method: 'GET' | 'POST') => {
  const r = await fetch(url, { method });
  return { status: r.status, text: await r.text() };
};

describe('turning ack links off', () => {
  it('makes every issued link refuse, GET and POST, and nothing acts', async () => {
    const { ack, incident, status } = await server();
    const { id, links } = await incident('Disk full');
    expect((await ack({ enabled: false, publicBaseUrl: s!.url })).status).toBe(200);
    for (const url of [links.acknowledge, links.resolve]) {
      for (const method of ['GET', 'POST'] as const) {
        expect(await visit(url, method)).toEqual({ status: 403, text: expect.stringContaining('Acknowledging from the phone is turned off in this Standby, so this link does nothing.') });
      }
    }
    expect(status(id)).toBe('triggered');
  });

  it('and on again does not bring the old links back; links issued since work', async () => {
    const { ack, incident, status } = await server();
    const { id, links } = await incident('Disk full');
    await ack({ enabled: false, publicBaseUrl: s!.url });
    await ack({ enabled: true, publicBaseUrl: s!.url, ttlMinutes: 60 });
    for (const method of ['GET', 'POST'] as const) {
      expect(await visit(links.acknowledge, method)).toEqual({ status: 410, text: expect.stringContaining('This link was revoked: acknowledging from the phone was turned off after it was sent, so it does nothing.') });
    }
    expect(status(id)).toBe('triggered');
    const fresh = (await s!.engine.lifecycle.delivery.ack.issue(id))!;
    expect((await visit(fresh.acknowledge, 'POST')).status).toBe(200);
    expect(status(id)).toBe('acknowledged');
  });

  it('removing the section, or a configuration import without it, revokes the links the same way', async () => {
    const { ack, incident, status } = await server();
    const first = await incident('one');
    await ack(null);
    expect((await visit(first.links.acknowledge, 'POST')).status).toBe(403);
    await ack({ enabled: true, publicBaseUrl: s!.url });
    expect((await visit(first.links.acknowledge, 'POST')).status).toBe(410);

    const second = await incident('two');
    const exported = JSON.parse((await api(s!.url, TOKEN, 'config.export', { format: 'json' })).body.text) as { channels?: Record<string, unknown> };
    delete exported.channels?.ack;
    expect((await api(s!.url, TOKEN, 'config.import', { text: JSON.stringify(exported), format: 'json' })).status).toBe(200);
    await ack({ enabled: true, publicBaseUrl: s!.url });
    expect(await visit(second.links.acknowledge, 'POST')).toEqual({ status: 410, text: expect.stringContaining('This link was revoked') });
    expect([status(first.id), status(second.id)]).toEqual(['triggered', 'triggered']);
  });

  it('a configuration import that keeps them on, or a restart that imports one, keeps the links working', async () => {
    const keychain = new MemorySecretStore();
    const { incident, status } = await server(keychain);
    const first = await incident('one');
    const second = await incident('two');
    const text = (await api(s!.url, TOKEN, 'config.export', { format: 'yaml' })).body.text as string;
    // The import deletes every settings row and inserts the file's, in one transaction: links were never off.
    expect((await api(s!.url, TOKEN, 'config.import', { text })).status).toBe(200);
    expect((await visit(first.links.acknowledge, 'POST')).status).toBe(200);
    expect(status(first.id)).toBe('acknowledged');

    const dataDir = s!.engine.store.path.replace(/\/standby\.db$/, '');
    const file = join(dataDir, 'standby.yaml');
    writeFileSync(file, text);
    await s!.close();
    s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, clock: new FakeClock('2026-03-02T12:00:00Z'), secrets: keychain, configFile: file, log: () => {} });
    const moved = second.links.resolve.replace(/^http:\/\/127\.0\.0\.1:\d+/, s.url);
    expect((await visit(moved, 'POST')).status).toBe(200);
    expect(s.engine.incidents.get(second.id).status).toBe('resolved');
  });

  it('turned off just before a crash, before the new generation was recorded, they are revoked at the next start', async () => {
    const keychain = new MemorySecretStore();
    const { incident } = await server(keychain);
    const { id, links } = await incident('crash');
    const dataDir = s!.engine.store.path.replace(/\/standby\.db$/, '');
    await s!.close();
    // What a crash right after the COMMIT that turned links off leaves: the row says off, the generation is unchanged.
    const db = new DatabaseSync(join(dataDir, 'standby.db'));
    db.prepare("UPDATE channel_settings SET config_json = json_set(config_json, '$.enabled', json('false')) WHERE kind = 'ack'").run();
    db.close();
    s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, clock: new FakeClock('2026-03-02T12:00:00Z'), secrets: keychain, log: () => {} });
    await api(s.url, TOKEN, 'channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: s.url } });
    const moved = links.acknowledge.replace(/^http:\/\/127\.0\.0\.1:\d+/, s.url);
    expect(await visit(moved, 'POST')).toEqual({ status: 410, text: expect.stringContaining('acknowledging from the phone was turned off after it was sent') });
    expect(s.engine.incidents.get(id).status).toBe('triggered');
  });

  it('a link checked before links were turned off does not act after', async () => {
    const { ack, incident, status } = await server();
    const { id, links } = await incident('race');
    const check = await s!.engine.lifecycle.delivery.ack.check(links.acknowledge.split('/ack/')[1]!);
    expect(check.ok).toBe(true);
    await ack({ enabled: false, publicBaseUrl: s!.url });
    expect(check.ok && s!.engine.lifecycle.delivery.ack.stillValid(check)).toBe(false);
    expect(status(id)).toBe('triggered');
  });
});

describe('rotating the signing key', () => {
  it('secrets.rotate makes a new key and every issued link does nothing; links issued since work', async () => {
    const { incident, status } = await server();
    const { id, links } = await incident('Disk full');
    const before = await s!.engine.secrets.get(ACK_KEY_REF);
    const r = await api(s!.url, TOKEN, 'secrets.rotate', { ref: ACK_KEY_REF });
    expect(r).toEqual({ status: 200, body: { ref: ACK_KEY_REF, rotated: true } });
    const after = await s!.engine.secrets.get(ACK_KEY_REF);
    expect(after).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after).not.toBe(before);
    for (const url of [links.acknowledge, links.resolve]) {
      for (const method of ['GET', 'POST'] as const) {
        expect(await visit(url, method)).toEqual({ status: 410, text: expect.stringContaining('This link was revoked: the signing key was rotated after it was sent, so it does nothing.') });
      }
    }
    expect(status(id)).toBe('triggered');
    const fresh = (await s!.engine.lifecycle.delivery.ack.issue(id))!;
    expect((await visit(fresh.resolve, 'POST')).status).toBe(200);
    expect(status(id)).toBe('resolved');
  });

  it('with environment secrets answers 409 naming the variable to change, and changes nothing', async () => {
    const { incident, status } = await server(new EnvSecretStore({ STANDBY_SECRET_STANDBY_ACKSIGNINGKEY: STRONG_KEY }));
    const { id, links } = await incident('env');
    const r = await api(s!.url, TOKEN, 'secrets.rotate', { ref: ACK_KEY_REF });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe(
      "the ack links' signing key was not rotated (links issued before still work): the key comes from the environment variable STANDBY_SECRET_STANDBY_ACKSIGNINGKEY, which Standby cannot change: put a new key there (`openssl rand -base64 32`) and restart Standby, and every link issued before does nothing. To revoke the links without a new key, turn ack links off and on again",
    );
    expect((await visit(links.acknowledge, 'POST')).status).toBe(200);
    expect(status(id)).toBe('acknowledged');
  });

  it('a new key in the environment, after a restart, makes the old links refuse', async () => {
    const dataDir = tempDir();
    const start = async (key: string) => {
      s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, clock: new FakeClock('2026-03-02T12:00:00Z'), secrets: new EnvSecretStore({ STANDBY_SECRET_STANDBY_ACKSIGNINGKEY: key }), log: () => {} });
      return s;
    };
    const first = await start(STRONG_KEY);
    await api(first.url, TOKEN, 'channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: 'https://standby.example.net' } });
    await api(first.url, TOKEN, 'incidents.trigger', { serviceId: 1, title: 'x' });
    const token = (await first.engine.lifecycle.delivery.ack.issue(1))!.acknowledge.split('/ack/')[1]!;
    await first.close();
    const second = await start(Buffer.from(STRONG_KEY).reverse().toString());
    expect((await visit(`${second.url}/ack/${token}`, 'POST')).status).toBe(403);
    expect(second.engine.incidents.get(1).status).toBe('triggered');
  });
});

describe('links from before per-installation keys', () => {
  it('are refused, saying why', async () => {
    const { incident, status } = await server();
    const { id } = await incident('old link');
    // Version 1: 18 bytes (version 1, incident id, action, expiry, nonce) and a 16-byte tag.
    const payload = Buffer.alloc(18);
    payload[0] = 1;
    payload.writeUInt32BE(id, 1);
    payload[5] = 1;
    payload.writeUInt32BE(Math.floor(Date.parse('2026-03-03T12:00:00Z') / 1000), 6);
    const old = `${payload.toString('base64url')}.${Buffer.alloc(16, 7).toString('base64url')}`;
    expect(await visit(`${s!.url}/ack/${old}`, 'POST')).toEqual({ status: 410, text: expect.stringContaining('This link was sent before Standby was updated to bind links to one installation, so it no longer works.') });
    expect(status(id)).toBe('triggered');
  });
});
