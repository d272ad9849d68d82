/**
 * Storage benchmark: how long the checks and backups of docs/backup.md take on a realistic database
 * (a month of results of 20 monitors checked every minute, 2,000 incidents with their timelines),
 * and how long the engine's event loop is held up while the daily backup runs in its worker thread.
 * Prints a table: opening the store (header check, quick_check, migrations), quick_check alone, a
 * backup (VACUUM INTO, quick_check of the copy, fsync, rename) and verifying a backup for restore.
 *
 * `node bench/storage.bench.ts` (or `npm run bench -- storage`).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FakeClock } from '../electron/engine/clock.ts';
import { Engine } from '../electron/engine/engine.ts';
import { ChannelRegistry } from '../electron/engine/notify/registry.ts';
import { takeBackup, verifyBackup } from '../electron/engine/store/backup.ts';
import { Store } from '../electron/engine/store/database.ts';
import { quickCheck } from '../electron/engine/store/open-database.ts';

const MONITORS = 20;
const MINUTES = 30 * 24 * 60;
const INCIDENTS = 2000;

async function build(path: string): Promise<void> {
  const engine = new Engine({ databasePath: path, clock: new FakeClock('2026-01-01T00:00:00Z'), channels: new ChannelRegistry(), keepBackups: 0 });
  const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
  for (let m = 1; m <= MONITORS; m++) await engine.invoke('monitors.create', { name: `Monitor ${m}`, kind: 'tcp', serviceId, config: { host: '127.0.0.1', port: 9 } });
  for (let i = 0; i < INCIDENTS; i++) await engine.invoke('incidents.trigger', { serviceId, title: `Incident ${i}`, dedupKey: `bench-${i}` });
  const db = engine.store.db;
  const ids = (db.prepare('SELECT id FROM monitors').all() as Array<{ id: number }>).map((r) => r.id);
  const insert = db.prepare('INSERT INTO monitor_results (monitor_id, at, status, latency_ms, dns_ms, tcp_ms, tls_ms, first_byte_ms, download_ms, message, details_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)');
  const start = Date.parse('2026-01-01T00:00:00Z');
  db.exec('BEGIN');
  for (let i = 0; i < MINUTES; i++) for (const id of ids) insert.run(id, start + i * 60_000, 'up', 12.5, null, 3.1, null, null, null, 'connected in 3 ms');
  db.exec('COMMIT');
  engine.store.close();
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

const dir = mkdtempSync(join(tmpdir(), 'standby-bench-storage-'));
try {
  const path = join(dir, 'standby.db');
  await build(path);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const rows: string[] = ['| step | time (ms) | note |', '| --- | ---: | --- |'];

  const open = time(() => new Store(path));
  rows.push(`| open the store (checks + quick_check) | ${open.ms.toFixed(0)} | ${mb(statSync(path).size)} database |`);
  const check = time(() => quickCheck(open.value.db));
  rows.push(`| PRAGMA quick_check | ${check.ms.toFixed(0)} | ${check.value.length === 0 ? 'ok' : check.value[0]} |`);

  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const ticker = setInterval(() => {}, 5);
  const backup = await takeBackup(path, join(dir, 'backups', 'standby-2026-01-31T00-00-00Z.db'));
  clearInterval(ticker);
  delay.disable();
  rows.push(`| backup (VACUUM INTO in a worker, check, rename) | ${backup.ms} | ${mb(backup.bytes)}; the event loop was held up at most ${(delay.max / 1e6).toFixed(0)} ms meanwhile |`);
  const verify = time(() => verifyBackup(backup.path));
  rows.push(`| verify a backup for restore | ${verify.ms.toFixed(0)} | schema ${verify.value.schemaVersion} |`);
  open.value.close();

  console.log(rows.join('\n'));
  console.log(`\n${MONITORS} monitors x ${MINUTES} minutes of results, ${INCIDENTS} incidents. Machine: ${process.platform} ${process.arch}, Node ${process.version}; files in ${tmpdir()}.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
