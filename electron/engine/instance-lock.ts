/**
 * One running Standby per data directory. The lock is a file holding the owner's pid, created
 * exclusively; a lock left by a process that no longer exists (kill -9, power cut) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** LOCK_FILE is the lock's name inside the data directory. */
export const LOCK_FILE = 'standby.lock';

/** InstanceLockedError says another Standby already uses this data directory. */
export class InstanceLockedError extends Error {
  readonly dataDir: string;
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super(`Another Standby (pid ${pid}) is already running with the data directory ${dataDir}. Stop it first, or choose another directory with --data-dir.`);
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

/** acquireInstanceLock takes the data directory's lock or throws InstanceLockedError; it returns the release function. */
export function acquireInstanceLock(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new InstanceLockedError(dataDir, pid);
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
