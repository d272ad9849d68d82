/**
 * The backup files of a data directory: `<dataDir>/backups/standby-2026-03-02T12-00-00Z.db`, named by
 * the time they were taken (UTC) so a listing reads as a history. A backup is written under a
 * temporary name (`.partial`) and renamed when it is complete, so a file with a backup's name is a
 * whole, checked database; nothing else in the folder is ever listed, served or deleted.
 */
import { closeSync, fsyncSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** BACKUPS_DIR is the backups folder's name inside the data directory. */
export const BACKUPS_DIR = 'backups';
/** PARTIAL_SUFFIX ends the name of a backup being written; a crash can leave one, which the next backup removes. */
export const PARTIAL_SUFFIX = '.partial';

const NAME = /^standby-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:-(\d+))?\.db$/;

/** BackupFile is one backup on disk. */
export interface BackupFile {
  /** file is the name inside the backups folder. */
  file: string;
  path: string;
  /** createdAt is when it was taken (epoch ms, to the second, from its name). */
  createdAt: number;
  bytes: number;
}

/** backupsDirOf is the backups folder of the data directory that holds databasePath. */
export function backupsDirOf(databasePath: string): string {
  return join(dirname(databasePath), BACKUPS_DIR);
}

/** isBackupName tells whether a file name is a backup's (and nothing that could leave the folder). */
export function isBackupName(name: string): boolean {
  return NAME.test(name);
}

function parse(name: string): { at: number; n: number } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, n] = m;
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isFinite(at) ? { at, n: n === undefined ? 1 : Number(n) } : undefined;
}

/** listBackups lists the backups in a folder, newest first (an absent folder has none). */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: Array<BackupFile & { n: number }> = [];
  for (const file of names) {
    const p = parse(file);
    if (!p) continue;
    try {
      const st = statSync(join(dir, file));
      if (st.isFile()) found.push({ file, path: join(dir, file), createdAt: p.at, bytes: st.size, n: p.n });
    } catch {
      // removed meanwhile
    }
  }
  found.sort((a, b) => b.createdAt - a.createdAt || b.n - a.n);
  return found.map(({ n: _n, ...b }) => b);
}

/** newestBackup is the most recent backup in a folder, if any. */
export function newestBackup(dir: string): BackupFile | undefined {
  return listBackups(dir)[0];
}

/** backupName names a backup taken at `at`, numbered when one of that second already exists. */
export function backupName(at: number, dir: string): string {
  const stamp = new Date(Math.floor(at / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z').replace(/:/g, '-');
  let taken: Set<string>;
  try {
    taken = new Set(readdirSync(dir));
  } catch {
    taken = new Set();
  }
  for (let n = 1; ; n++) {
    const name = n === 1 ? `standby-${stamp}.db` : `standby-${stamp}-${n}.db`;
    if (!taken.has(name) && !taken.has(`${name}${PARTIAL_SUFFIX}`)) return name;
  }
}

/** removePartials deletes backups a crash left half written (never a whole backup or any other file). */
export function removePartials(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.endsWith(PARTIAL_SUFFIX) && isBackupName(name.slice(0, -PARTIAL_SUFFIX.length))) rmSync(join(dir, name), { force: true });
}

/** pruneBackups deletes the oldest backups beyond `keep` and returns the names it deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(Math.max(1, keep));
  for (const b of old) rmSync(b.path, { force: true });
  return old.map((b) => b.file);
}

/** fsyncPath flushes a file (or a folder's entries, after a rename) to the disk; folders cannot be synced on Windows. */
export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (err) {
    if (process.platform !== 'win32') throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** describeBackup names a backup and its age for a message: "/d/backups/standby-….db (taken 2026-03-02 12:00 UTC)". */
export function describeBackup(b: BackupFile): string {
  return `${b.path} (taken ${new Date(b.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}
