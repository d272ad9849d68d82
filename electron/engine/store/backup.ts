/**
 * Taking one backup: `VACUUM INTO` a temporary name on a read-only connection of its own (WAL lets it
 * read while the engine, or another process, writes), `PRAGMA quick_check` on the copy, fsync, then
 * rename to the backup's name. The SQLite work runs in a worker thread, so a large database does not
 * hold up the engine's event loop. A failure removes the partial file and says why, naming the file.
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { fsyncPath, PARTIAL_SUFFIX, type BackupFile } from './backup-files.ts';
import { migrations } from './migrations/index.ts';
import { fileSystemError, storageError } from './storage-error.ts';

/**
 * WORKER is the worker thread's program: plain JavaScript evaluated in place, so it needs no file of
 * its own next to a bundled main process. It copies `source` into `partial` and checks the copy.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const fail = (stage, e) => parentPort.postMessage({ ok: false, stage, message: e.message, code: e.code, errcode: e.errcode, errstr: e.errstr });
let source;
try {
  source = new DatabaseSync(workerData.source, { readOnly: true, timeout: 5000 });
  source.prepare('VACUUM INTO ?').run(workerData.partial);
} catch (e) {
  fail('copy', e);
  return;
} finally {
  if (source && source.isOpen) source.close();
}
try {
  const copy = new DatabaseSync(workerData.partial, { readOnly: true });
  const rows = copy.prepare('PRAGMA quick_check').all().map((r) => r.quick_check);
  copy.close();
  parentPort.postMessage(rows.length === 1 && rows[0] === 'ok' ? { ok: true } : { ok: false, stage: 'check', message: rows.slice(0, 5).join('; ') });
} catch (e) {
  fail('check', e);
}
`;

interface WorkerAnswer {
  ok: boolean;
  stage?: 'copy' | 'check';
  message?: string;
  code?: string;
  errcode?: number;
  errstr?: string;
}

function runWorker(source: string, partial: string): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(`(() => {${WORKER}})()`, { eval: true, workerData: { source, partial } });
    let answer: WorkerAnswer | undefined;
    worker.once('message', (m: WorkerAnswer) => (answer = m));
    worker.once('error', reject);
    worker.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`the backup worker exited with code ${code} without an answer`))));
  });
}

/** backupFailure is the error for a failed copy: about the source when it is damaged, about the backup's disk otherwise. */
function backupFailure(a: WorkerAnswer, source: string, target: string): Error {
  const raw = Object.assign(new Error(a.message ?? 'unknown error'), { code: a.code, errcode: a.errcode, errstr: a.errstr });
  const aboutSource = storageError(raw, source);
  if (aboutSource && aboutSource.kind === 'corrupt') return aboutSource;
  if (a.stage === 'check' && !aboutSource) return new Error(`the copy in ${target} failed its check (${a.message}); the database itself may be damaged`);
  return storageError(raw, target) ?? new Error(`backing up ${source} to ${target} failed: ${a.message}`);
}

/**
 * takeBackup copies the database at `source` into the new file `target` and checks the copy; it
 * resolves once the backup is on disk under its final name. `target` must not exist; `createdAt` is
 * when the backup counts as taken (the engine's clock).
 */
export async function takeBackup(source: string, target: string, createdAt = Date.now()): Promise<BackupFile & { ms: number }> {
  const started = performance.now();
  const dir = dirname(target);
  const partial = `${target}${PARTIAL_SUFFIX}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw fileSystemError(err, dir) ?? err;
  }
  try {
    statSync(target);
    throw new Error(`${target} already exists; a backup never overwrites a file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  rmSync(partial, { force: true });
  try {
    const answer = await runWorker(source, partial);
    if (!answer.ok) throw backupFailure(answer, source, target);
    try {
      fsyncPath(partial);
      renameSync(partial, target);
      fsyncPath(dir);
    } catch (err) {
      throw fileSystemError(err, target) ?? err;
    }
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  const bytes = statSync(target).size;
  return { file: basename(target), path: target, createdAt, bytes, ms: Math.round(performance.now() - started) };
}

/**
 * verifyBackup checks that a file is a whole Standby database this build can open: quick_check says
 * ok and its schema is not from a newer Standby. It throws an Error saying what is wrong.
 */
export function verifyBackup(path: string): { schemaVersion: number } {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const rows = (db.prepare('PRAGMA quick_check').all() as Array<{ quick_check: string }>).map((r) => r.quick_check);
    if (rows.length !== 1 || rows[0] !== 'ok') throw new Error(`${path} is damaged (quick_check: ${rows.slice(0, 5).join('; ')})`);
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    if (!table) throw new Error(`${path} is not a Standby database (it has no schema_version table)`);
    const { v } = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const newest = migrations.at(-1)?.version ?? 0;
    if ((v ?? 0) > newest) throw new Error(`${path} was written by a newer Standby (schema ${v}; this build knows up to ${newest}); update Standby first`);
    return { schemaVersion: v ?? 0 };
  } catch (err) {
    throw storageError(err, path) ?? err;
  } finally {
    if (db?.isOpen) db.close();
  }
}
