/**
 * Taking and restoring backups on files: a backup of a database a crash left with its write-ahead
 * log holds the log's changes; restore moves the database, its -wal and -shm aside together (the
 * pair still opens with its last changes), puts the backup in, and refuses while the directory is
 * locked, for a damaged or newer backup, or with no backup at all, changing nothing then.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { acquireInstanceLock } from '../../../electron/engine/instance-lock.ts';
import { backupName } from '../../../electron/engine/store/backup-files.ts';
import { takeBackup } from '../../../electron/engine/store/backup.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { restoreBackup } from '../../../electron/engine/store/restore.ts';
import { tempDir } from '../../helpers/headless.ts';

const rows = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare('SELECT v FROM notes ORDER BY v').all() as Array<{ v: string }>).map((r) => r.v);
  } finally {
    db.close();
  }
};

/** crashed makes a data directory as a kill -9 leaves it: the last change only in standby.db-wal. */
function crashed(): string {
  const live = tempDir('standby-live-');
  const store = new Store(join(live, 'standby.db'));
  store.db.exec('PRAGMA wal_autocheckpoint = 0; CREATE TABLE notes (v TEXT)');
  store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  store.transaction(() => store.db.prepare("INSERT INTO notes VALUES ('in the log only')").run());
  const dir = tempDir('standby-crashed-');
  for (const f of ['standby.db', 'standby.db-wal', 'standby.db-shm']) copyFileSync(join(live, f), join(dir, f));
  store.close();
  return dir;
}

describe('taking a backup', () => {
  // A child process where Standby runs on Node (the default here), a worker thread in Electron.
  it.each(['process', 'thread'] as const)('in a %s, of a database left by a crash includes what is only in its write-ahead log, and never overwrites a file', async (runner) => {
    const dir = crashed();
    const target = join(dir, 'backups', backupName(Date.parse('2026-03-02T12:00:00Z'), join(dir, 'backups')));
    const b = await takeBackup(join(dir, 'standby.db'), target, Date.now(), runner);
    expect(b.path).toBe(join(dir, 'backups', 'standby-2026-03-02T12-00-00Z.db'));
    expect(rows(b.path)).toEqual(['in the log only']);
    const before = readFileSync(b.path);
    await expect(takeBackup(join(dir, 'standby.db'), b.path, Date.now(), runner)).rejects.toThrow(`${b.path} already exists; a backup never overwrites a file`);
    expect(readFileSync(b.path).equals(before)).toBe(true);
    expect(readdirSync(join(dir, 'backups'))).toEqual(['standby-2026-03-02T12-00-00Z.db']);
  });


  it.each(['process', 'thread'] as const)('in a %s, of a file that is not a database fails naming the file, and leaves no partial copy', async (runner) => {
    const dir = tempDir('standby-not-db-');
    const source = join(dir, 'standby.db');
    writeFileSync(source, Buffer.alloc(8192, 'not a database '));
    const target = join(dir, 'backups', 'standby-2026-03-02T12-00-00Z.db');
    await expect(takeBackup(source, target, Date.now(), runner)).rejects.toThrow(new RegExp(`${source} (is damaged|is not a database)`));
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
  });
});

describe('restoreBackup', () => {
  it('moves the database with its -wal and -shm aside together and puts the newest backup in', async () => {
    const dir = crashed();
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    const older = new Store(join(tempDir(), 'older.db'));
    older.db.exec("CREATE TABLE notes (v TEXT); INSERT INTO notes VALUES ('from the backup')");
    older.close();
    await takeBackup(older.path, join(backups, 'standby-2026-03-01T12-00-00Z.db'));
    await takeBackup(older.path, join(backups, 'standby-2026-03-02T12-00-00Z.db'));

    const r = restoreBackup(dir, undefined, Date.parse('2026-03-03T08:00:00Z'));
    expect(r.from).toBe(`${join(backups, 'standby-2026-03-02T12-00-00Z.db')} (taken 2026-03-02 12:00 UTC)`);
    const aside = join(dir, 'standby-replaced-2026-03-03T08-00-00Z.db');
    expect(r.movedAside).toEqual([aside, `${aside}-wal`, `${aside}-shm`]);
    expect(rows(join(dir, 'standby.db'))).toEqual(['from the backup']);
    expect(existsSync(join(dir, 'standby.db-wal'))).toBe(false);
    // The replaced database still opens with its last change, which was only in its log.
    expect(rows(aside)).toEqual(['in the log only']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.restoring'))).toEqual([]);
  });

  it('refuses, changing nothing: while Standby runs, for a damaged or newer backup, and with no backup', async () => {
    const dir = crashed();
    const before = readFileSync(join(dir, 'standby.db'));
    const good = join(tempDir(), 'good.db');
    new Store(good).close();

    const release = acquireInstanceLock(dir);
    expect(() => restoreBackup(dir, good)).toThrow(`Another Standby (pid ${process.pid}) is already running with the data directory ${dir}`);
    release();

    const damaged = join(tempDir(), 'damaged.db');
    writeFileSync(damaged, readFileSync(good).subarray(0, 8192));
    expect(() => restoreBackup(dir, damaged)).toThrow(new RegExp(`${damaged} (is damaged|is not a database)`));

    const newer = join(tempDir(), 'newer.db');
    copyFileSync(good, newer);
    const n = new DatabaseSync(newer);
    n.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 0)").run();
    n.close();
    expect(() => restoreBackup(dir, newer)).toThrow(`${newer} was written by a newer Standby (schema 999`);

    expect(() => restoreBackup(dir, join(dir, 'nope.db'))).toThrow(`there is no file ${join(dir, 'nope.db')} to restore`);
    expect(() => restoreBackup(dir)).toThrow(`there is no backup in ${join(dir, 'backups')}; name the file to restore: standby restore FILE`);
    expect(() => restoreBackup(dir, join(dir, 'standby.db'))).toThrow('is the database itself');

    expect(readFileSync(join(dir, 'standby.db')).equals(before)).toBe(true);
    expect(existsSync(join(dir, 'standby.db-wal'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('standby-replaced-'))).toEqual([]);
  });
});
