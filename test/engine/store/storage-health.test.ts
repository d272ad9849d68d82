/**
 * The `storage` health error, in this process through the real HTTP server, without root: a SQLite
 * page limit (max_page_count) stands in for the full disk (the tmpfs version is
 * test/engine/headless/disk-full.test.ts). Events and API writes answer 500 naming SQLITE_FULL and
 * the file, /healthz is 503 while writes fail and 200 by itself once they work; a damaged page met
 * at runtime fails /healthz too, with the newest backup named.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { pageOf } from '../../helpers/damage.ts';
import { api, tempDir, waitFor } from '../../helpers/headless.ts';

const TOKEN = 'storage-health-token';
let s: HeadlessServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function server(log: string[]): Promise<{ s: HeadlessServer; dir: string; file: string }> {
  const dir = tempDir('standby-health-');
  s = await startHeadless({ dataDir: dir, port: 0, host: '127.0.0.1', token: TOKEN, log: (l) => log.push(l) });
  return { s, dir, file: join(dir, 'standby.db') };
}

async function healthz(url: string): Promise<{ status: number; body: { status: string; problems: Array<{ code: string; severity: string; message: string }> } }> {
  const r = await fetch(`${url}/healthz`);
  return { status: r.status, body: await r.json() };
}

describe('the storage health error', () => {
  it('a database that cannot grow: named 500s, /healthz 503, then 200 by itself, and no accepted event lost', { timeout: 60_000 }, async () => {
    const log: string[] = [];
    const { s, file } = await server(log);
    const full = `SQLITE_FULL: the disk holding ${file} is full`;
    const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    const { key } = await s.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Limit', rateLimitPerMinute: 0 });
    const am = await s.engine.invoke('integrations.create', { serviceId, type: 'alertmanager', name: 'Prometheus', rateLimitPerMinute: 0 });
    await waitFor(() => log.some((l) => l.startsWith('backup (daily)')), 'the backup taken at start');
    const db = s.engine.store.db;
    const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    db.exec(`PRAGMA max_page_count = ${pages + 4}`);

    const accepted: string[] = [];
    const refused: string[] = [];
    for (let i = 0; refused.length < 5 && i < 500; i++) {
      const res = await fetch(`${s.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify({ routing_key: key, event_action: 'trigger', dedup_key: `limit-${i}`, payload: { summary: `Limit ${i}`, source: 'test', severity: 'error', custom_details: { padding: 'y'.repeat(3000) } } }) });
      const body = (await res.json()) as { message: string };
      if (res.status === 202) accepted.push(`limit-${i}`);
      else refused.push(`${res.status} ${body.message}`);
    }
    expect(refused).toEqual(Array(5).fill(`500 the event was not stored (${full}); retry`));
    // Alertmanager retries a 5xx, so its webhook answers 500 too, with the same reason.
    const alerts = Array.from({ length: 20 }, (_, i) => ({ status: 'firing', labels: { alertname: 'DiskFull', instance: `host-${i}:9100` }, annotations: { description: 'd'.repeat(2000) }, startsAt: '2026-03-02T11:55:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: `fp-${i}` }));
    const webhook = await fetch(`${s.url}/integrations/alertmanager/${am.key}`, { method: 'POST', body: JSON.stringify({ version: '4', groupKey: '{}:{alertname="DiskFull"}', truncatedAlerts: 0, status: 'firing', receiver: 'standby', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', alerts }) });
    expect([webhook.status, ((await webhook.json()) as { message: string }).message]).toEqual([500, `the Alertmanager notification was not stored (${full}); retry`]);
    const write = await api(s.url, TOKEN, 'incidents.trigger', { serviceId, title: 'x'.repeat(1000), details: { padding: 'z'.repeat(60_000) } });
    expect([write.status, write.body.error.message]).toEqual([500, full]);
    const failing = await healthz(s.url);
    expect([failing.status, failing.body.problems.map((p) => `${p.code}:${p.severity}`)]).toEqual([503, ['storage:error', 'no_remote_contact:warning']]);
    expect(failing.body.problems[0]!.message).toBe(`Standby cannot write its database: ${full}. Alerts sent meanwhile are answered with a 5xx so that their senders retry. Free some space; Standby notices by itself.`);
    // Reading health again does not clear it while writes still fail.
    expect((await healthz(s.url)).status).toBe(503);
    expect(log.filter((l) => l.startsWith('PROBLEM: Standby cannot write its database'))).toEqual([`PROBLEM: ${failing.body.problems[0]!.message}`]);

    db.exec('PRAGMA max_page_count = 1073741823');
    expect((await healthz(s.url)).status).toBe(200);
    expect(log).toContain(`solved: ${failing.body.problems[0]!.message}`);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${s.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify({ routing_key: key, event_action: 'trigger', dedup_key: `again-${i}`, payload: { summary: 'Again', source: 'test', severity: 'error' } }) });
      expect(res.status).toBe(202);
      accepted.push(`again-${i}`);
    }
    const stored = new Set((db.prepare('SELECT dedup_key AS k FROM incidents').all() as Array<{ k: string }>).map((r) => r.k));
    expect(accepted.filter((k) => !stored.has(k))).toEqual([]);
  });

  it('a commit that works clears a write failure without anyone reading /healthz', async () => {
    const log: string[] = [];
    const { s } = await server(log);
    const db = s.engine.store.db;
    const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    db.exec(`PRAGMA max_page_count = ${pages + 1}`);
    const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    await expect(s.engine.invoke('incidents.trigger', { serviceId, title: 'big', details: { padding: 'z'.repeat(60_000) } })).rejects.toThrow('SQLITE_FULL');
    expect(s.engine.health.snapshot().problems.map((p) => p.code)).toContain('storage');
    db.exec('PRAGMA max_page_count = 1073741823');
    await s.engine.invoke('incidents.trigger', { serviceId, title: 'small' });
    expect(s.engine.health.snapshot().problems.map((p) => p.code)).not.toContain('storage');
  });

  it('a page damaged at runtime fails /healthz with the reason and the newest backup, not only the calls that meet it', { timeout: 60_000 }, async () => {
    const log: string[] = [];
    const { s, file } = await server(log);
    const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await s.engine.invoke('incidents.trigger', { serviceId, title: `Incident ${i} ${'t'.repeat(300)}` });
      if (r.status !== 'suppressed') ids.push(r.incident.id);
    }
    await waitFor(() => log.some((l) => l.startsWith('backup (daily)')), 'the backup taken at start');
    await s.engine.lifecycle.idle();
    const db = s.engine.store.db;
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    // The incidents table's root page, overwritten on disk behind SQLite's back (a bad sector).
    const { page, pageSize } = pageOf(file, 'incidents');
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
    closeSync(fd);
    db.exec('PRAGMA cache_size = 0; PRAGMA shrink_memory');

    const got = await api(s.url, TOKEN, 'incidents.get', { id: ids[20] });
    expect(got.status).toBe(500);
    expect(got.body.error.message).toMatch(new RegExp(`^SQLITE_(CORRUPT: ${file} is damaged|NOTADB: ${file} is not a database) \\(`));
    const h = await healthz(s.url);
    expect(h.status).toBe(503);
    expect(h.body.problems[0]!.code).toBe('storage');
    expect(h.body.problems[0]!.message).toContain(`Standby's database is damaged: ${got.body.error.message}.`);
    expect(h.body.problems[0]!.message).toMatch(/restore the newest backup, .*\/backups\/standby-.*\.db \(taken .* UTC\) with "standby restore"/);
  });
});
