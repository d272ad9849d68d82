/**
 * Integrations through the API: each service may have several, each with its own 32-hex key; keys
 * rotate; the database keeps only each key's SHA-256, the secret store keeps the key (and when it
 * cannot, the key is shown once, at creation or rotation).
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { api, snapshot } from '../../helpers/headless.ts';
import { post, startInbound, TOKEN, trigger, type InboundServer } from './inbound-helpers.ts';

let t: InboundServer | undefined;
afterEach(async () => {
  await t?.s.close();
  t = undefined;
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const call = (method: string, body: unknown) => api(t!.url, TOKEN, method, body);

describe('integrations', () => {
  it('are created with a fresh 32-hex key whose hash, never the key, is in the database', async () => {
    const secrets = new MemorySecretStore();
    t = await startInbound({ secrets });
    const a = await call('integrations.create', { serviceId: t.serviceId, type: 'events_v2', name: 'Grafana' });
    const b = await call('integrations.create', { serviceId: t.serviceId, type: 'alertmanager', name: 'Prometheus' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ serviceId: t.serviceId, type: 'events_v2', name: 'Grafana', groupBy: null, rateLimitPerMinute: 120, createdAt: '2026-03-02T12:00:00.000Z', keyRotatedAt: null });
    expect(a.body.key).toMatch(/^[0-9a-f]{32}$/);
    expect(b.body).toMatchObject({ type: 'alertmanager', groupBy: 'group' });
    expect(b.body.key).not.toBe(a.body.key);

    const everything = JSON.stringify(snapshot(t.s.engine.store.db));
    for (const key of [a.body.key, b.body.key, t.key, t.amGroupKey]) {
      expect(everything).not.toContain(key);
      expect(everything).toContain(sha256(key));
    }
    // Kept under this data directory's own name: `<installation id>/<ref>`.
    expect(await secrets.get(`${t.s.engine.secrets.installationId}/standby.integration.${a.body.id}.routing-key`)).toBe(a.body.key);
    expect(await secrets.get(`standby.integration.${a.body.id}.routing-key`)).toBeNull();

    const list = await call('integrations.list', { serviceId: t.serviceId });
    expect(list.body.map((i: { name: string }) => i.name)).toEqual(['Events', 'AM groups', 'AM alerts', 'Grafana', 'Prometheus']);
    expect(list.body.find((i: { id: number }) => i.id === a.body.id).key).toBe(a.body.key);
    expect((await call('integrations.list', {})).body.length).toBe(5);
    expect((await call('integrations.list', { serviceId: 999 })).status).toBe(404);
  });

  it('rotating a key stops the old one at once', async () => {
    t = await startInbound();
    const [events] = (await call('integrations.list', { serviceId: t.serviceId })).body;
    const rotated = await call('integrations.rotate', { id: events.id });
    expect(rotated.body.key).toMatch(/^[0-9a-f]{32}$/);
    expect(rotated.body.key).not.toBe(t.key);
    expect(rotated.body.keyRotatedAt).toBe('2026-03-02T12:00:00.000Z');
    const old = await post(t.url, '/v2/enqueue', trigger(t.key));
    expect([old.status, old.body.errors[0]]).toEqual([400, expect.stringMatching(/not the key of any integration/)]);
    expect((await post(t.url, '/v2/enqueue', trigger(rotated.body.key))).status).toBe(202);
    expect((await call('integrations.list', { serviceId: t.serviceId })).body[0].key).toBe(rotated.body.key);
    expect((await call('integrations.rotate', { id: 999 })).status).toBe(404);
  });

  it('update renames and regroups; groupBy belongs to Alertmanager integrations only', async () => {
    t = await startInbound();
    const [events, am] = (await call('integrations.list', { serviceId: t.serviceId })).body;
    const u = await call('integrations.update', { id: am.id, value: { name: 'Prom', groupBy: 'alert', rateLimitPerMinute: 10 } });
    expect(u.body).toMatchObject({ name: 'Prom', groupBy: 'alert', rateLimitPerMinute: 10, key: t.amGroupKey });
    const keep = await call('integrations.update', { id: am.id, value: { name: 'Prom' } });
    expect(keep.body).toMatchObject({ groupBy: 'alert', rateLimitPerMinute: 120 });
    const before = snapshot(t.s.engine.store.db);
    const bad = await call('integrations.update', { id: events.id, value: { name: 'E', groupBy: 'group' } });
    expect([bad.status, bad.body.error.issues]).toEqual([400, [{ path: 'value.groupBy', message: 'applies to alertmanager integrations only' }]]);
    expect((await call('integrations.update', { id: 999, value: { name: 'E' } })).status).toBe(404);
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('delete removes the integration and its key from the secret store', async () => {
    const secrets = new MemorySecretStore();
    t = await startInbound({ secrets });
    const [events] = (await call('integrations.list', { serviceId: t.serviceId })).body;
    expect(await call('integrations.delete', { id: events.id })).toMatchObject({ status: 200, body: { deleted: true } });
    expect(await t.s.engine.secrets.get(`standby.integration.${events.id}.routing-key`)).toBe(null);
    expect((await post(t.url, '/v2/enqueue', trigger(t.key))).status).toBe(400);
    expect((await call('integrations.delete', { id: events.id })).status).toBe(404);
  });

  it('without the key in the secret store, it is shown once and listed as null', async () => {
    const failing: SecretStore = {
      kind: 'broken keychain',
      get: async () => {
        throw new Error('locked');
      },
      set: async () => {
        throw new Error('locked');
      },
      delete: async () => {},
    };
    t = await startInbound({ secrets: failing });
    const created = await call('integrations.create', { serviceId: t.serviceId, type: 'events_v2', name: 'Once' });
    expect(created.body.key).toMatch(/^[0-9a-f]{32}$/);
    const listed = (await call('integrations.list', { serviceId: t.serviceId })).body;
    expect(listed.every((i: { key: string | null }) => i.key === null)).toBe(true);
    // The key still works: only its hash is needed to recognise it.
    expect((await post(t.url, '/v2/enqueue', trigger(created.body.key))).status).toBe(202);
  });

  it('a stale secret-store entry that does not match the stored hash is not shown', async () => {
    const secrets = new MemorySecretStore();
    t = await startInbound({ secrets });
    const [events] = (await call('integrations.list', { serviceId: t.serviceId })).body;
    await t.s.engine.secrets.set(`standby.integration.${events.id}.routing-key`, 'ffffffffffffffffffffffffffffffff');
    expect((await call('integrations.list', { serviceId: t.serviceId })).body[0].key).toBe(null);
  });

  it('deleting a service deletes its integrations', async () => {
    t = await startInbound();
    const svc = await call('services.create', { name: 'Temp', escalationPolicyId: 1 });
    const integ = await call('integrations.create', { serviceId: svc.body.id, type: 'events_v2', name: 'T' });
    expect((await call('services.delete', { id: svc.body.id })).status).toBe(200);
    expect((await call('integrations.list', {})).body.some((i: { id: number }) => i.id === integ.body.id)).toBe(false);
    expect((await post(t.url, '/v2/enqueue', trigger(integ.body.key))).status).toBe(400);
  });
});
