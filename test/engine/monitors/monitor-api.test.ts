/** The monitor API methods through the engine: create, update, delete, types, results; bad input changes nothing. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { ApiError } from '../../../electron/shared/errors.ts';
import { monitorRow } from '../../../electron/shared/monitor-rows.ts';
import { api, CHILD_TEST_MS, snapshot, startChild, tempDir, WAIT_MS, waitFor } from '../../helpers/headless.ts';
import { LAST_CHECKS_SLICE } from '../../../electron/engine/monitors/monitor-api.ts';
import { httpTarget, monitorTest, type HttpTarget, type MonitorTest } from './helpers.ts';

let m: MonitorTest;
let target: HttpTarget;
beforeEach(async () => {
  m = await monitorTest();
  target = await httpTarget();
});
afterEach(async () => {
  await m.close();
  await target.close();
});

async function rejected(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an error');
}

describe('monitor API', () => {
  it('creates with defaults, lists, updates and deletes, emitting events', async () => {
    const events: ApiEvent[] = [];
    m.t.engine.on((e) => events.push(e));
    const mon = await m.create({ kind: 'http', config: { url: target.url } });
    expect(mon).toMatchObject({
      name: 'Blog', kind: 'http', serviceId: m.serviceId, intervalSeconds: 60, timeoutSeconds: 10, retries: 2, retryIntervalSeconds: 20,
      recoveryChecks: 1, flapping: { changes: 4, windowMinutes: 60 }, severity: 'critical', resolveOnRecovery: true, enabled: true,
      status: 'pending', confirming: false, isFlapping: false, paused: false, lastCheck: null, pingPath: null,
    });
    expect(mon.config).toMatchObject({ url: target.url, method: 'GET', expectedStatus: ['200-299'] });
    await m.nextCheck(mon.id);
    const listed = await m.t.engine.invoke('monitors.list', { serviceId: m.serviceId });
    expect(listed.map((x) => [x.name, x.status, x.lastCheck?.status])).toEqual([['Blog', 'up', 'up']]);
    // The monitor list's rows: what it shows of each, not its other settings.
    const rows = await m.t.engine.invoke('monitors.rows', { serviceId: m.serviceId });
    expect(rows).toEqual(listed.map(monitorRow));
    expect(rows[0]!.config).toEqual({ url: target.url, method: 'GET' });
    expect(rows[0]).not.toHaveProperty('retries');
    expect(await m.t.engine.invoke('monitors.rows', { serviceId: m.serviceId + 1000 })).toEqual([]);

    const updated = await m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: 'Blog API', kind: 'tcp', serviceId: m.serviceId, config: { host: '127.0.0.1', port: Number(new URL(target.url).port) } } });
    expect([updated.name, updated.kind, updated.status]).toEqual(['Blog API', 'tcp', 'pending']);
    await m.nextCheck(mon.id);
    expect((await m.t.engine.invoke('monitors.get', { id: mon.id })).lastCheck!.message).toMatch(/^connected to 127\.0\.0\.1/);

    expect(await m.t.engine.invoke('monitors.delete', { id: mon.id })).toEqual({ deleted: true });
    expect((await rejected(m.t.engine.invoke('monitors.get', { id: mon.id }))).code).toBe('not_found');
    expect(m.t.engine.store.db.prepare('SELECT COUNT(*) AS n FROM monitor_results').get()).toEqual({ n: 0 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['monitor.changed', 'monitor.deleted']));
  });

  it('rejects bad monitors naming the field, and changes nothing', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url } });
    const before = snapshot(m.t.engine.store.db);
    const cases: Array<[Promise<unknown>, string, RegExp]> = [
      [m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: 'Blog', kind: 'http', serviceId: m.serviceId, config: { url: 'nope' } } }), 'value.config.url', /http\(s\) URL/],
      [m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: 'Blog', kind: 'ftp', serviceId: m.serviceId } }), 'value.kind', /must be one of/],
      [m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: 'Blog', kind: 'tcp', serviceId: 999, config: { host: 'a', port: 1 } } }), 'value.serviceId', /service 999 does not exist/],
      [m.create({ kind: 'tcp', config: { host: 'a', port: 1 } }), 'name', /a monitor named "Blog" already exists/],
      [m.create({ name: 'P', kind: 'process', config: { name: 'x', pidFile: '/run/x.pid' } }), 'config.name', /either name or pidFile/],
      [m.create({ name: 'D', kind: 'dns', config: { name: 'not a name' } }), 'config.name', /domain name/],
      [m.create({ name: 'T', kind: 'tls', config: { host: 'a', minDaysRemaining: -1 } }), 'config.minDaysRemaining', /0 to 3650 days/],
    ];
    for (const [p, path, rule] of cases) {
      const err = await rejected(p);
      expect(err.issues?.map((i) => i.path), err.message).toContain(path);
      expect(err.message).toMatch(rule);
    }
    expect(snapshot(m.t.engine.store.db)).toEqual(before);
  });

  it('refuses to delete a service that monitors watch', async () => {
    await m.create({ kind: 'http', config: { url: target.url } });
    const err = await rejected(m.t.engine.invoke('services.delete', { id: m.serviceId }));
    expect([err.code, err.message]).toEqual(['conflict', `service ${m.serviceId} is watched by monitor(s) "Blog"; move or delete them first`]);
  });

  it('lists the monitor types with their settings schemas', async () => {
    const types = await m.t.engine.invoke('monitors.types', {});
    expect(types.map((t) => t.kind)).toEqual(['http', 'tcp', 'process', 'disk', 'dns', 'tls', 'heartbeat']);
    expect(types.every((t) => t.configSchema.type === 'object')).toBe(true);
  });

  it('serves results, uptime and a series', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 0 });
    await m.nextCheck(mon.id);
    target.status = 500;
    await m.nextCheck(mon.id);
    const { results } = await m.t.engine.invoke('monitors.results', { id: mon.id, limit: 10 });
    expect(results.map((r) => r.status)).toEqual(['down', 'up']);
    expect(results[1]!.phases).toMatchObject({ dns: expect.any(Number), tcp: expect.any(Number), firstByte: expect.any(Number), total: expect.any(Number) });
    expect(results[0]!.details).toMatchObject({ statusCode: 500 });
    const older = await m.t.engine.invoke('monitors.results', { id: mon.id, before: results[0]!.at });
    expect(older.results.length).toBe(1);
    const { windows } = await m.t.engine.invoke('monitors.uptime', { id: mon.id });
    expect(windows.map((w) => [w.window, w.checks, w.uptime])).toEqual([['24h', 2, 0.5], ['7d', 2, 0.5], ['30d', 2, 0.5], ['90d', 2, 0.5]]);
    // The list's answer for every monitor at once: the same windows, without the p95.
    const other = await m.create({ name: 'Never checked', kind: 'http', config: { url: target.url }, enabled: false });
    const all = await m.t.engine.invoke('monitors.uptimeAll', {});
    expect(all.monitors.map((x) => x.id)).toEqual([mon.id, other.id]);
    expect(all.monitors[0]!.windows).toEqual(windows.map((w) => ({ ...w, latency: w.latency && { ...w.latency, p95: null } })));
    expect(all.monitors[1]!.windows.map((w) => [w.window, w.checks, w.uptime, w.latency])).toEqual([['24h', 0, null, null], ['7d', 0, null, null], ['30d', 0, null, null], ['90d', 0, null, null]]);
    // What the monitor list reads: the windows' uptime alone.
    expect(await m.t.engine.invoke('monitors.uptimeFractions', {})).toEqual({ windows: ['24h', '7d', '30d', '90d'], monitors: [{ id: mon.id, uptime: [0.5, 0.5, 0.5, 0.5] }, { id: other.id, uptime: [null, null, null, null] }] });
    const series = await m.t.engine.invoke('monitors.series', { id: mon.id, window: '7d' });
    expect(series.bucket).toBe('hour');
    expect(series.points.reduce((n, p) => n + p.checks, 0)).toBe(2);
  });

  it("answers every monitor's last checks, oldest first, in slices with the event loop's other work between them", async () => {
    const ids: number[] = [];
    for (let i = 0; i <= LAST_CHECKS_SLICE; i++) ids.push((await m.create({ name: `m${i}`, kind: 'http', config: { url: target.url }, enabled: false })).id);
    const [first, last] = [ids[0]!, ids.at(-1)!];
    const insert = m.t.engine.store.db.prepare('INSERT INTO monitor_results (monitor_id, at, status, latency_ms, message) VALUES (?, ?, ?, ?, ?)');
    for (const row of [[first, 1000, 'up', 5, 'HTTP 200 in 5 ms'], [first, 3000, 'down', null, 'HTTP 500'], [first, 2000, 'up', 7.5, null], [last, 4000, 'degraded', 900, 'slow']] as const) insert.run(...row);
    // Turns of the event loop taken while the answer is read (none when it is read in one go).
    let turns = 0;
    let ticking = true;
    const tick = () => {
      if (!ticking) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const { monitors } = await m.t.engine.invoke('monitors.lastChecks', { limit: 2 });
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(1);
    expect(monitors.map((x) => x.monitorId)).toEqual(ids);
    expect(monitors[0]!.checks).toEqual([
      { at: new Date(2000).toISOString(), status: 'up', latencyMs: 7.5, message: null },
      { at: new Date(3000).toISOString(), status: 'down', latencyMs: null, message: 'HTTP 500' },
    ]);
    expect(monitors.at(-1)!.checks).toEqual([{ at: new Date(4000).toISOString(), status: 'degraded', latencyMs: 900, message: 'slow' }]);
    expect(monitors.slice(1, -1).every((x) => x.checks.length === 0)).toBe(true);
    expect(await m.t.engine.invoke('monitors.lastChecks', { serviceId: m.serviceId + 1000, limit: 2 })).toEqual({ monitors: [] });
  });
});

describe('headless server', () => {
  it('imports monitors from --config and runs them', async () => {
    const dir = tempDir();
    const file = join(dir, 'standby.yaml');
    writeFileSync(file, `version: 1
profile: { name: Ada, email: "", phone: "", timeZone: UTC }
escalationPolicies: [ { name: Default, levels: [ { delayMinutes: 15, targets: [ { kind: me } ] } ] } ]
services: [ { name: Blog, escalationPolicy: Default } ]
monitors: [ { name: Blog homepage, kind: http, service: Blog, config: { url: "${target.url}" }, intervalSeconds: 10, timeoutSeconds: 5 } ]
monitoring: { referenceTargets: [] }
`);
    const child = await startChild(['--data-dir', join(dir, 'data'), '--config', file], { STANDBY_TOKEN: 'child-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVW' });
    try {
      // The import is said after the URL (which comes first).
      await waitFor(() => /imported .*1 monitor/.test(child.output()), 'the import line');
      // Real time: the first check of a 10 s monitor falls within its first interval (spread over it).
      await waitFor(() => target.hits > 0, 'the first check of the imported monitor', 10_000 + WAIT_MS);
      const listed = await waitFor(async () => {
        const r = await api(child.url, 'child-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVW', 'monitors.list', {});
        return r.body[0]?.status === 'up' ? r.body : undefined;
      }, 'the monitor to be up');
      expect(listed[0].lastCheck.message).toMatch(/^HTTP 200 in \d+ ms$/);
      // The list's last checks, which the engine writes as JSON text in slices, arrive as one JSON answer.
      const res = await fetch(`${child.url}/api/monitors.lastChecks`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer child-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVW' }, body: '{"limit":5}' });
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json']);
      const { monitors } = (await res.json()) as { monitors: Array<{ monitorId: number; checks: Array<{ status: string; message: string }> }> };
      expect(monitors.map((x) => x.monitorId)).toEqual([listed[0].id]);
      expect(monitors[0]!.checks.at(-1)).toMatchObject({ status: 'up', message: expect.stringMatching(/^HTTP 200 in \d+ ms$/) });
    } finally {
      child.child.kill('SIGTERM');
      await child.exited;
    }
  }, CHILD_TEST_MS);
});
