/**
 * The acceptance test for a full disk: a headless Standby whose data directory is a tiny tmpfs,
 * filled while events arrive through the real HTTP server. The log and the 500s name the full disk
 * (SQLITE_FULL and the file), /healthz answers 503 until space returns and then 200 by itself, the
 * process never dies, and every event answered 202 is in the database after recovery and after a
 * kill -9 and restart.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/engine/data-dir.ts';
import { api, startChild, waitFor, type ChildServer } from '../../helpers/headless.ts';
import { fill, mountTmpfs, tmpfsUnavailable, type Filler } from '../../helpers/tmpfs.ts';

const TOKEN = 'disk-full-token-0123456789-ABCDEFGHIJKLMNOPQ';
const children: ChildServer[] = [];
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
  for (const c of cleanup.reverse()) c();
  cleanup.length = 0;
});

interface Burst {
  accepted: string[];
  refused: Array<{ status: number; message: string }>;
}

/** send posts events with unique dedup keys, 8 at a time, until `enough` says stop (or `max` events). */
async function send(url: string, key: string, prefix: string, max: number, enough: (b: Burst) => boolean): Promise<Burst> {
  const b: Burst = { accepted: [], refused: [] };
  let next = 0;
  const worker = async () => {
    while (next < max && !enough(b)) {
      const dedupKey = `${prefix}-${next++}`;
      const res = await fetch(`${url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ routing_key: key, event_action: 'trigger', dedup_key: dedupKey, payload: { summary: `Disk test ${dedupKey}: ${'x'.repeat(600)}`, source: 'disk-full-test', severity: 'error' } }),
      });
      const body = (await res.json()) as { message: string };
      if (res.status === 202) b.accepted.push(dedupKey);
      else b.refused.push({ status: res.status, message: body.message });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return b;
}

function storedKeys(dir: string): Set<string> {
  const db = new DatabaseSync(join(dir, DATABASE_FILE), { readOnly: true });
  try {
    return new Set((db.prepare('SELECT dedup_key AS k FROM incidents').all() as Array<{ k: string }>).map((r) => r.k));
  } finally {
    db.close();
  }
}

const noTmpfs = tmpfsUnavailable();

describe('a full disk under a running Standby', () => {
  it.skipIf(noTmpfs !== undefined)(`names the full disk, fails /healthz until space returns, recovers by itself and loses no accepted event${noTmpfs ? ` (skipped: ${noTmpfs}; test/engine/store/storage-health.test.ts covers the same with a SQLite page limit)` : ''}`, { timeout: 180_000 }, async () => {
    const fs = mountTmpfs('3m');
    cleanup.push(() => fs.unmount());
    const dir = fs.dir;
    const file = join(dir, DATABASE_FILE);
    const full = `SQLITE_FULL: the disk holding ${file} is full`;
    const first = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
    children.push(first);
    const serviceId = (await api(first.url, TOKEN, 'services.list')).body[0].id;
    const created = await api(first.url, TOKEN, 'integrations.create', { serviceId, type: 'events_v2', name: 'Disk test', rateLimitPerMinute: 0 });
    expect(created.status).toBe(200);
    const key = created.body.key as string;
    await waitFor(() => first.output().includes('backup (daily)'), 'the backup taken at start', 30_000);

    // Room for a few batches, then none: events go on arriving as the disk fills.
    const fillers: Filler[] = [];
    cleanup.push(() => fillers.forEach((f) => f.free()));
    fillers.push(fill(dir, 700 * 1024));
    const burst = await send(first.url, key, 'full', 5000, (b) => b.refused.length >= 20);
    expect(burst.accepted.length).toBeGreaterThan(0);
    expect(burst.refused.length).toBeGreaterThanOrEqual(20);
    for (const r of burst.refused) expect(r).toEqual({ status: 500, message: `the event was not stored (${full}); retry` });

    // Every last byte taken: an API write answers 500 with the same reason, and /healthz says why it fails.
    fillers.push({ ...fill(dir), path: 'rest' });
    // A small write can still land in write-ahead-log space a failed batch had claimed; the next ones cannot.
    let trigger = await api(first.url, TOKEN, 'incidents.trigger', { serviceId, title: 'written on a full disk' });
    for (let i = 0; trigger.status === 200 && i < 50; i++) trigger = await api(first.url, TOKEN, 'incidents.trigger', { serviceId, title: `written on a full disk ${i}` });
    expect([trigger.status, trigger.body.error]).toEqual([500, { code: 'internal', message: full }]);
    const failing = await fetch(`${first.url}/healthz`);
    const health = (await failing.json()) as { status: string; problems: Array<{ code: string; severity: string; message: string }> };
    expect([failing.status, health.status]).toEqual([503, 'failing']);
    // Outside a D-Bus session the keychain is a problem too; the storage one is what this test is about.
    const storage = health.problems.find((p) => p.code === 'storage');
    expect(storage).toMatchObject({ code: 'storage', severity: 'error' });
    expect(storage!.message).toContain(`Standby cannot write its database: ${full}.`);
    expect(first.output()).toContain(`PROBLEM: Standby cannot write its database: ${full}.`);
    expect(first.output()).toContain(`storing an inbound event failed: ${full}`);
    expect(first.child.exitCode).toBe(null);

    // Space returns: /healthz notices by itself, and events are accepted again.
    for (const f of fillers) f.free();
    await waitFor(async () => (await fetch(`${first.url}/healthz`)).status === 200, '/healthz to answer 200 again', 20_000);
    // stdout is another pipe than the HTTP answer, and the server writes a turn's lines at the turn's end: no order between them.
    await waitFor(() => first.output().includes(`solved: Standby cannot write its database: ${full}.`), 'the "solved" line', 10_000);
    const after = await send(first.url, key, 'after', 20, () => false);
    expect([after.accepted.length, after.refused]).toEqual([20, []]);

    const accepted = [...burst.accepted, ...after.accepted];
    console.log(`disk full: ${burst.accepted.length} events accepted before the disk filled, ${burst.refused.length} refused with 500, ${after.accepted.length} accepted after`);
    const stored = storedKeys(dir);
    expect(accepted.filter((k) => !stored.has(k))).toEqual([]);

    // And after a kill -9 and a restart, every accepted event is still there.
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
    children.push(second);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    const restarted = storedKeys(dir);
    expect(accepted.filter((k) => !restarted.has(k))).toEqual([]);
    const total = await api(second.url, TOKEN, 'incidents.list', { limit: 1 });
    expect(total.body.total).toBeGreaterThanOrEqual(accepted.length);
  });
});
