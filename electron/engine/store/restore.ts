/**
 * Restoring a backup (`standby restore [FILE]`): only while no Standby runs on the data directory
 * (it takes the same OS lock a running Standby holds), only a backup that passes quick_check and
 * whose schema this build knows, and never at the cost of the current database: `standby.db` and
 * its `-wal` and `-shm` are moved aside together under one new name (so the pair still opens as
 * it was), never deleted. The backup is copied in under a temporary name and renamed into place.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DATABASE_FILE } from '../data-dir.ts';
import { acquireInstanceLock } from '../instance-lock.ts';
import { backupsDirOf, describeBackup, fsyncPath, newestBackup } from './backup-files.ts';
import { verifyBackup } from './backup.ts';
import { fileSystemError } from './storage-error.ts';

/** RestoreResult says what a restore did, for the command's message. */
export interface RestoreResult {
  database: string;
  /** from is the backup restored, described with its time when it is one of the data directory's own. */
  from: string;
  schemaVersion: number;
  /** movedAside are the files of the replaced database, under their new names. */
  movedAside: string[];
}

function stamp(now: number): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z').replace(/:/g, '-');
}

/**
 * restoreBackup replaces the data directory's database with a backup: `file`, or the newest in
 * `<dataDir>/backups/`. It throws InstanceLockedError while Standby runs there, and an Error
 * saying why for a missing or unusable backup; nothing is changed then.
 */
export function restoreBackup(dataDir: string, file?: string, now = Date.now()): RestoreResult {
  const database = join(dataDir, DATABASE_FILE);
  const release = acquireInstanceLock(dataDir);
  try {
    let source: string;
    let from: string;
    if (file !== undefined) {
      source = resolve(file);
      from = source;
      if (!existsSync(source)) throw new Error(`there is no file ${source} to restore`);
    } else {
      const newest = newestBackup(backupsDirOf(database));
      if (!newest) throw new Error(`there is no backup in ${backupsDirOf(database)}; name the file to restore: standby restore FILE`);
      source = newest.path;
      from = describeBackup(newest);
    }
    if (source === database) throw new Error(`${source} is the database itself; name a backup`);
    const { schemaVersion } = verifyBackup(source);

    const aside = join(dataDir, `standby-replaced-${stamp(now)}.db`);
    const movedAside: string[] = [];
    const incoming = `${database}.restoring`;
    try {
      for (const suffix of ['', '-wal', '-shm']) {
        if (!existsSync(`${database}${suffix}`)) continue;
        renameSync(`${database}${suffix}`, `${aside}${suffix}`);
        movedAside.push(`${aside}${suffix}`);
      }
      copyFileSync(source, incoming);
      fsyncPath(incoming);
      renameSync(incoming, database);
      fsyncPath(dirname(database));
    } catch (err) {
      rmSync(incoming, { force: true });
      const why = fileSystemError(err, database)?.message ?? (err as Error).message;
      const where = movedAside.length > 0 ? ` The replaced database is safe as ${movedAside.join(', ')}; move it back to ${database} to undo.` : '';
      throw new Error(`restoring ${source} failed: ${why}.${where}`, { cause: err });
    }
    return { database, from, schemaVersion, movedAside };
  } finally {
    release();
  }
}
