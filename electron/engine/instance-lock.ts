/**
 * One running Standby per data directory, enforced by the operating system. The lock is an open
 * `BEGIN EXCLUSIVE` transaction on a small SQLite file, `standby-lock.db`, held for the life of the
 * process: SQLite takes it with an OS file lock (fcntl on Linux and macOS, LockFileEx on Windows)
 * that the kernel releases when the process ends, however it ends. A second process gets
 * SQLITE_BUSY after CONTENDED_MS. Nothing is ever written to the lock file and it is never
 * deleted (deleting it would let two processes lock two different files).
 *
 * The owner's pid goes to `standby.pid` beside it, only for the message a second process shows; it
 * is never used to decide anything, so a pid reused by an unrelated process cannot block a start.
 * The pid file `standby.lock` of older versions is ignored, and removed by the next owner.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sqliteCodeOf } from './store/storage-error.ts';

/** LOCK_FILE is the file the lock is held on, inside the data directory. */
export const LOCK_FILE = 'standby-lock.db';
/** PID_FILE names the lock's owner for messages (informational only). */
export const PID_FILE = 'standby.pid';
/** LEGACY_LOCK_FILE is the pid file older versions used as their lock; it no longer means anything. */
export const LEGACY_LOCK_FILE = 'standby.lock';
/** OWNER_WAIT_MS is how long a refused process waits for the owner's pid file to name a running process (the owner writes it just after locking). */
export const OWNER_WAIT_MS = 2000;

/** held keeps every lock's connection reachable: a connection the garbage collector closed would silently let go of its lock. */
const held = new Set<DatabaseSync>();

/** CONTENDED_MS is how long a taker keeps trying while the lock is busy, before it concludes another Standby holds it. */
export const CONTENDED_MS = 250;

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

/** InstanceLockedError says another Standby already uses this data directory. */
export class InstanceLockedError extends Error {
  readonly dataDir: string;
  /** pid is the owner's process id as its pid file says, or null when it could not be read. */
  readonly pid: number | null;

  constructor(dataDir: string, pid: number | null) {
    super(`Another Standby${pid === null ? '' : ` (pid ${pid})`} is already running with the data directory ${dataDir}. Stop it first, or choose another directory with --data-dir.`);
    this.name = 'InstanceLockedError';
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, PID_FILE), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** ownerPid reads the owner's pid, waiting up to OWNER_WAIT_MS for the pid file to name a running process. */
function ownerPid(dataDir: string): number | null {
  const end = Date.now() + OWNER_WAIT_MS;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const pid = readPid(dataDir);
    if (pid !== null && alive(pid)) return pid;
    if (Date.now() >= end) return pid;
    Atomics.wait(nap, 0, 0, 25);
  }
}

/**
 * acquireInstanceLock takes the data directory's lock or throws InstanceLockedError; it returns the
 * release function (the lock also ends with the process).
 */
export function acquireInstanceLock(dataDir: string): () => void {
  // Two processes that try at the same instant can each hold a shared lock the other's exclusive one
  // waits for; SQLite's busy handler makes each let go and try again, so exactly one of them wins.
  const db = new DatabaseSync(join(dataDir, LOCK_FILE), { timeout: CONTENDED_MS });
  try {
    // MEMORY: the lock never writes, so it needs no journal file beside it either.
    db.exec('PRAGMA journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    const code = (sqliteCodeOf(err) ?? 0) & 0xff;
    if (code === SQLITE_BUSY || code === SQLITE_LOCKED) throw new InstanceLockedError(dataDir, ownerPid(dataDir));
    throw new Error(`cannot take the lock ${join(dataDir, LOCK_FILE)}: ${(err as Error).message}`, { cause: err });
  }
  held.add(db);
  const pidFile = join(dataDir, PID_FILE);
  try {
    // Written whole under another name and renamed, so a reader never sees half a pid.
    writeFileSync(`${pidFile}.${process.pid}`, `${process.pid}\n`, { mode: 0o600 });
    renameSync(`${pidFile}.${process.pid}`, pidFile);
    rmSync(join(dataDir, LEGACY_LOCK_FILE), { force: true });
  } catch {
    // The pid file only improves a message; the lock is what counts.
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (readPid(dataDir) === process.pid) rmSync(pidFile, { force: true });
    if (db.isTransaction) db.exec('ROLLBACK');
    db.close();
    held.delete(db);
  };
}
