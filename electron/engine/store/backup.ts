/**
 * Taking one backup: `VACUUM INTO` a temporary name on a read-only connection of its own (WAL lets it
 * read while the engine, or another process, writes), `PRAGMA quick_check` on the copy, fsync, then
 * rename to the backup's name. The SQLite work runs beside the engine, so a large database does not
 * hold up its event loop: in a child process under Node (`standby serve`), in a worker thread under
 * Electron (whose RunAsNode fuse is off, so it cannot start itself as Node). A worker thread's memory
 * stays with the process after the thread ends (its malloc arena, the code it touched: 5 MB measured
 * on a server at 2,000 monitors), a child's goes back to the system. A failure removes the partial
 * file and says why, naming the file.
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { execFile } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fsyncPath, PARTIAL_SUFFIX, type BackupFile } from './backup-files.ts';
import { migrations } from './migrations/index.ts';
import { fileSystemError, storageError } from './storage-error.ts';

/**
 * WORKER is the program that copies: plain JavaScript evaluated in place, so it needs no file of its
 * own next to a bundled main process. It copies `job.source` into `job.partial`, checks the copy and
 * gives its answer to `send`; a runner's prelude defines `job` and `send` before it.
 */
const WORKER = `
const { DatabaseSync } = require('node:sqlite');
const fail = (stage, e) => send({ ok: false, stage, message: e.message, code: e.code, errcode: e.errcode, errstr: e.errstr });
let source;
try {
  source = new DatabaseSync(job.source, { readOnly: true, timeout: 5000 });
  source.prepare('VACUUM INTO ?').run(job.partial);
} catch (e) {
  fail('copy', e);
  return;
} finally {
  if (source && source.isOpen) source.close();
}
try {
  const copy = new DatabaseSync(job.partial, { readOnly: true });
  const rows = copy.prepare('PRAGMA quick_check').all().map((r) => r.quick_check);
  copy.close();
  send(rows.length === 1 && rows[0] === 'ok' ? { ok: true } : { ok: false, stage: 'check', message: rows.slice(0, 5).join('; ') });
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

/** BackupRunner is where the copy runs: a child process (Node) or a worker thread (Electron). */
export type BackupRunner = 'process' | 'thread';

/** defaultRunner is a child process where this runtime can start itself as Node, a worker thread otherwise. */
export function defaultRunner(): BackupRunner {
  return process.versions.electron === undefined ? 'process' : 'thread';
}

function runThread(job: { source: string; partial: string }): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const prelude = "const { parentPort, workerData: job } = require('node:worker_threads'); const send = (m) => parentPort.postMessage(m);";
    const worker = new Worker(`(() => {${prelude}${WORKER}})()`, { eval: true, workerData: job });
    let answer: WorkerAnswer | undefined;
    worker.once('message', (m: WorkerAnswer) => (answer = m));
    worker.once('error', reject);
    worker.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`the backup worker exited with code ${code} without an answer`))));
  });
}

/** runProcess runs the copy in `node -e`; the job goes in as an argument, the answer comes back as JSON on stdout. */
function runProcess(job: { source: string; partial: string }): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const prelude = 'const job = JSON.parse(process.argv[1]); const send = (m) => process.stdout.write(JSON.stringify(m));';
    const child = execFile(process.execPath, ['-e', `(() => {${prelude}${WORKER}})()`, JSON.stringify(job)], { maxBuffer: 1 << 20, windowsHide: true }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as WorkerAnswer);
      } catch {
        const why = stderr.trim().split('\n').at(-1) || err?.message || 'no answer';
        reject(new Error(`the backup process ended without an answer (${why})`));
      }
    });
    child.stdin?.end();
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
 * when the backup counts as taken (the engine's clock); `runner` where the copy runs (defaultRunner).
 */
export async function takeBackup(source: string, target: string, createdAt = Date.now(), runner = defaultRunner()): Promise<BackupFile & { ms: number }> {
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
    const answer = await (runner === 'process' ? runProcess : runThread)({ source, partial });
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
