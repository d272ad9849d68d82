/**
 * Opening the database file: a new one appears whole under its name (never as an empty file); an
 * empty, truncated, damaged or foreign file, or a lone write-ahead log, is refused with a message
 * naming the file, the newest backup and how to restore it, and is left exactly as it was.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupName, BACKUPS_DIR } from '../../../electron/engine/store/backup-files.ts';
import { takeBackup } from '../../../electron/engine/store/backup.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { migrations } from '../../../electron/engine/store/migrations/index.ts';
import { DatabaseDamagedError } from '../../../electron/engine/store/open-database.ts';
import { damage, type Damage } from '../../helpers/damage.ts';
import { tempDir } from '../../helpers/headless.ts';

/** populated makes a data directory whose database holds a table of a few hundred KB. */
function populated(): { dir: string; path: string } {
  const dir = tempDir('standby-open-');
  const path = join(dir, 'standby.db');
  const store = new Store(path);
  store.db.exec('CREATE TABLE filler (v TEXT NOT NULL)');
  store.transaction(() => {
    for (let i = 0; i < 400; i++) store.db.prepare('INSERT INTO filler (v) VALUES (?)').run(`${i}`.repeat(400));
  });
  store.close();
  expect(existsSync(`${path}-wal`)).toBe(false);
  return { dir, path };
}

function refusal(path: string): DatabaseDamagedError {
  try {
    new Store(path).close();
  } catch (err) {
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    return err as DatabaseDamagedError;
  }
  throw new Error(`${path} was opened`);
}

describe('a new database', () => {
  it('is built under a temporary name and appears whole, with every migration; a half-built one from a crash is discarded', () => {
    const dir = tempDir('standby-open-');
    const path = join(dir, 'standby.db');
    writeFileSync(`${path}.creating`, 'left by a crash while creating');
    const store = new Store(path);
    expect(store.schemaVersion()).toBe(migrations.length);
    store.close();
    expect(existsSync(`${path}.creating`)).toBe(false);
    expect(readFileSync(path).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });
});

describe('a database Standby will not trust', () => {
  const cases: Array<[Damage, RegExp]> = [
    ['zero bytes', /is empty \(0 bytes\), so it holds none of your configuration or incidents; a new database is never made over it/],
    ['truncated', /is truncated: \d+ bytes, but its header says \d+/],
    ['corrupted page', /is damaged \(quick_check: .+\)/],
  ];
  for (const [how, problem] of cases) {
    it(`a ${how} file is refused, naming the file, the newest backup and how to restore it, and left as it was`, async () => {
      const { dir, path } = populated();
      const backups = join(dir, BACKUPS_DIR);
      mkdirSync(backups);
      await takeBackup(path, join(backups, backupName(Date.parse('2026-03-01T03:00:00Z'), backups)));
      const newest = await takeBackup(path, join(backups, backupName(Date.parse('2026-03-02T03:00:00Z'), backups)));
      damage(path, how, 'filler');
      const before = readFileSync(path);
      const err = refusal(path);
      expect(err.message).toMatch(new RegExp(`^Standby will not start: its database ${path} ${problem.source}\\. Nothing was changed\\.`));
      expect(err.message).toContain(`The newest backup is ${newest.path} (taken 2026-03-02 03:00 UTC)`);
      expect(err.message).toContain(`standby restore --data-dir "${dir}"`);
      expect(err.newestBackup?.path).toBe(newest.path);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(existsSync(`${path}.creating`)).toBe(false);
    });
  }

  it('says so when there is no backup, and how to start over without losing the file', () => {
    const { dir, path } = populated();
    damage(path, 'zero bytes');
    const err = refusal(path);
    expect(err.message).toContain(`There is no backup in ${join(dir, BACKUPS_DIR)}. Move ${path} aside (keep it)`);
    expect(statSync(path).size).toBe(0);
  });

  it('refuses a file that is not a database at all', () => {
    const path = join(tempDir('standby-open-'), 'standby.db');
    writeFileSync(path, 'name,email\nAda,ada@example.com\n'.repeat(20));
    expect(refusal(path).message).toContain('is not a SQLite database (it does not start with "SQLite format 3")');
  });

  it('refuses to make a new database beside a lone write-ahead log, which would be applied to it', () => {
    const { path } = populated();
    const store = new Store(path);
    store.db.exec('PRAGMA wal_autocheckpoint = 0');
    store.transaction(() => store.db.prepare("INSERT INTO filler (v) VALUES ('recent')").run());
    const wal = readFileSync(`${path}-wal`);
    store.close();
    writeFileSync(`${path}-wal`, wal);
    rmSync(path);
    expect(refusal(path).message).toContain(`is missing, but its write-ahead log ${path}-wal (recent changes) is there`);
    expect(existsSync(path)).toBe(false);
  });
});
