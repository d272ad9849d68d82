/**
 * Heartbeats through the real HTTP server: a cron job's pings (GET or POST, no API token), /start,
 * /fail and exit statuses; a missed deadline is down and opens an incident, the next ping resolves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../../electron/engine/headless/server.ts';
import { applyPing, hashPingKey, parsePingAction } from '../../../../electron/engine/monitors/heartbeats.ts';
import { api, tempDir } from '../../../helpers/headless.ts';

const TOKEN = 'heartbeat-test-token';
let s: HeadlessServer;
let clock: FakeClock;
let serviceId: number;

beforeAll(async () => {
  clock = new FakeClock('2026-03-02T12:00:00Z');
  s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, clock, log: () => {} });
  serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
});
afterAll(() => s.close());

const seconds = async (n: number) => {
  await clock.advance(n * 1000);
  await s.engine.monitors.idle();
  await s.engine.lifecycle.idle();
};
const ping = (path: string, method = 'GET') => fetch(`${s.url}${path}`, { method, ...(method === 'POST' ? { body: 'job output' } : {}) });
const status = async (id: number) => (await s.engine.invoke('monitors.get', { id })).status;
const openIncidents = async () => (await s.engine.invoke('incidents.list', { status: ['triggered', 'acknowledged'] })).incidents;

describe('heartbeat monitor', () => {
  it('is down when a ping is late, up again on the next ping; pings need no API token', async () => {
    const created = await api(s.url, TOKEN, 'monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId, config: { periodSeconds: 3600, graceSeconds: 300 } });
    expect(created.status).toBe(200);
    const hb = created.body;
    expect(hb.pingPath).toMatch(/^\/ping\/[0-9a-f-]{36}$/);
    expect(hb.config).toEqual({ periodSeconds: 3600, graceSeconds: 300 });
    // The database has only the key's hash; the URL is shown again from the secret store.
    expect((await s.engine.invoke('monitors.get', { id: hb.id })).pingPath).toBe(hb.pingPath);
    const row = s.engine.store.db.prepare('SELECT * FROM monitors WHERE id = ?').get(hb.id);
    expect(JSON.stringify(row)).not.toContain(hb.pingPath.slice('/ping/'.length));
    expect(await s.engine.secrets.get(`standby.monitor.${hb.id}.ping-key`)).toBe(hb.pingPath.slice('/ping/'.length));

    await seconds(7200);
    expect(await status(hb.id)).toBe('pending');
    const r = await ping(hb.pingPath);
    expect([r.status, await r.text()]).toEqual([200, 'OK']);
    expect(await status(hb.id)).toBe('up');
    // The ping's result is stored when the ping is answered, not at the next batched write.
    expect(s.engine.store.db.prepare('SELECT status FROM monitor_results WHERE monitor_id = ?').all(hb.id)).toEqual([{ status: 'up' }]);

    await seconds(3600 + 299);
    expect(await status(hb.id)).toBe('up');
    await seconds(2);
    expect(await status(hb.id)).toBe('down');
    const [incident] = await openIncidents();
    expect(incident!.dedupKey).toBe(`monitor:${hb.id}`);
    expect(incident!.title).toMatch(/^Nightly backup is down: no ping since 2026-03-02T14:00:00.000Z; one was expected by 2026-03-02T15:05:00.000Z/);

    expect((await ping(hb.pingPath, 'POST')).status).toBe(200);
    expect(await status(hb.id)).toBe('up');
    expect(await openIncidents()).toEqual([]);
  });

  it('treats /fail and a non-zero exit status as down at once, /0 as success, and a /start without finish as down', async () => {
    // Flapping is set high here: these quick failures and recoveries are the point of the test.
    const hb = await s.engine.invoke('monitors.create', { name: 'Sync job', kind: 'heartbeat', serviceId, config: { periodSeconds: 600, graceSeconds: 120 }, flapping: { changes: 20, windowMinutes: 60 } });
    const path = hb.pingPath!;
    await ping(path);
    expect(await status(hb.id)).toBe('up');
    await ping(`${path}/fail`);
    expect(await status(hb.id)).toBe('down');
    expect((await openIncidents())[0]!.title).toMatch(/^Sync job is down: the job reported a failure \(a \/fail ping\)/);
    await ping(`${path}/0`);
    expect(await status(hb.id)).toBe('up');
    await ping(`${path}/3`);
    expect((await openIncidents())[0]!.title).toMatch(/exit status 3/);
    await ping(path);
    expect(await openIncidents()).toEqual([]);

    await ping(`${path}/start`);
    await seconds(119);
    expect(await status(hb.id)).toBe('up');
    await seconds(2);
    expect(await status(hb.id)).toBe('down');
    expect((await openIncidents())[0]!.title).toMatch(/the job started at .* and did not finish by/);
    await ping(path);
    expect(await status(hb.id)).toBe('up');
  });

  it('answers 404 for an unknown key and 400 for an unknown suffix, changing nothing', async () => {
    const hb = await s.engine.invoke('monitors.create', { name: 'Weekly report', kind: 'heartbeat', serviceId, config: { periodSeconds: 604800 } });
    expect((await ping('/ping/5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278')).status).toBe(404);
    expect((await ping('/ping/not-a-uuid')).status).toBe(404);
    const bad = await ping(`${hb.pingPath}/256`);
    expect([bad.status, await bad.text()]).toEqual([400, 'unknown ping: use /ping/<key>, /start, /fail or an exit status 0-255']);
    expect(await status(hb.id)).toBe('pending');
  });

  it('rotates the key: the old URL stops working', async () => {
    const hb = await s.engine.invoke('monitors.create', { name: 'Rotated', kind: 'heartbeat', serviceId, config: { periodSeconds: 3600 } });
    const rotated = await s.engine.invoke('monitors.rotatePingKey', { id: hb.id });
    expect(rotated.pingPath).not.toBe(hb.pingPath);
    expect((await ping(hb.pingPath!)).status).toBe(404);
    expect((await ping(rotated.pingPath!)).status).toBe(200);
    const row = s.engine.store.db.prepare('SELECT config_json, ping_key_sha256 FROM monitors WHERE id = ?').get(hb.id) as Record<string, string>;
    expect(row.config_json).not.toContain(rotated.pingPath!.slice(6));
    expect(row.ping_key_sha256).toMatch(/^[0-9a-f]{64}$/);
    // A key set elsewhere (a configuration import with config.pingKey) makes the kept one stale: no dead URL is shown.
    s.engine.monitors.repo.setPingKeyHash(hb.id, hashPingKey('00000000-0000-4000-8000-000000000000'));
    expect((await s.engine.invoke('monitors.get', { id: hb.id })).pingPath).toBeNull();
  });
});

describe('ping parsing and state', () => {
  it('reads suffixes as healthchecks.io does', () => {
    expect([undefined, 'start', 'fail', '0', '1', '255', '256', 'log'].map(parsePingAction)).toEqual([
      { kind: 'success', exitStatus: null },
      { kind: 'start', exitStatus: null },
      { kind: 'fail', exitStatus: null },
      { kind: 'success', exitStatus: 0 },
      { kind: 'fail', exitStatus: 1 },
      { kind: 'fail', exitStatus: 255 },
      undefined,
      undefined,
    ]);
  });

  it('a job that keeps failing keeps its one incident: /start after /fail does not resolve it; a success does', async () => {
    const hb = (await api(s.url, TOKEN, 'monitors.create', { name: 'Sync', kind: 'heartbeat', serviceId, config: { periodSeconds: 3600, graceSeconds: 600 } })).body;
    expect((await ping(`${hb.pingPath}/fail`)).status).toBe(200);
    await seconds(1);
    const failing = (await openIncidents()).filter((i) => i.dedupKey === `monitor:${hb.id}`);
    expect(failing).toHaveLength(1);
    // The next run starts, and fails again.
    await seconds(3600);
    expect((await ping(`${hb.pingPath}/start`)).status).toBe(200);
    await seconds(60);
    expect(await status(hb.id)).toBe('down');
    expect((await ping(`${hb.pingPath}/1`)).status).toBe(200);
    await seconds(1);
    const incidents = (await s.engine.invoke('incidents.list', {})).incidents.filter((i) => i.dedupKey === `monitor:${hb.id}`);
    expect(incidents.map((i) => [i.id, i.status])).toEqual([[failing[0]!.id, 'triggered']]);
    // A run that succeeds resolves it.
    expect((await ping(`${hb.pingPath}/start`)).status).toBe(200);
    await seconds(30);
    expect((await ping(hb.pingPath)).status).toBe(200);
    await seconds(1);
    expect(await status(hb.id)).toBe('up');
    expect((await s.engine.invoke('incidents.get', { id: failing[0]!.id })).status).toBe('resolved');
  });

  it('measures a run from start to success', () => {
    const empty = { lastPingAt: null, lastPingKind: null, lastExitStatus: null, startedAt: null, expectedBy: null, lastDurationMs: null };
    const started = applyPing(empty, { kind: 'start', exitStatus: null }, 1000, 60_000, 10_000);
    expect(started).toMatchObject({ startedAt: 1000, expectedBy: 11_000 });
    expect(applyPing(started, { kind: 'success', exitStatus: null }, 5000, 60_000, 10_000)).toEqual({ lastPingAt: 5000, lastPingKind: 'success', lastExitStatus: null, startedAt: null, expectedBy: 75_000, lastDurationMs: 4000 });
  });
});
