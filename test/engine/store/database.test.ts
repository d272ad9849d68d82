/**
 * The store's transactions when the disk says no: the real SQLite error (named, with the file) is
 * what the caller sees, never a second ROLLBACK's "no transaction is active"; nothing half-done is
 * stored; the observer hears each failure and each commit that worked.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { StorageError, storageError } from '../../../electron/engine/store/storage-error.ts';
import { tempDir } from '../../helpers/headless.ts';

function fullStore() {
  const path = join(tempDir('standby-db-'), 'standby.db');
  const store = new Store(path);
  store.db.exec('CREATE TABLE t (v TEXT NOT NULL)');
  const heard: string[] = [];
  store.observe({ failed: (e) => heard.push(`failed ${e.sqliteCode}`), committed: () => heard.push('committed') });
  const pages = (store.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
  store.db.exec(`PRAGMA max_page_count = ${pages + 2}`);
  const rows = () => (store.db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  return { path, store, heard, rows };
}

const fill = (store: Store) => {
  for (let i = 0; i < 50; i++) store.db.prepare('INSERT INTO t (v) VALUES (?)').run('x'.repeat(2000));
};

describe('Store.transaction on a full disk', () => {
  it('throws SQLITE_FULL naming the file, stores nothing, and tells the observer', () => {
    const { path, store, heard, rows } = fullStore();
    let thrown: unknown;
    try {
      store.transaction(() => fill(store));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StorageError);
    expect((thrown as StorageError).message).toBe(`SQLITE_FULL: the disk holding ${path} is full`);
    expect([(thrown as StorageError).code, (thrown as StorageError).kind]).toEqual(['internal', 'full']);
    expect(store.db.isTransaction).toBe(false);
    expect(rows()).toBe(0);
    expect(heard).toEqual(['failed SQLITE_FULL']);
    store.transaction(() => store.db.prepare("INSERT INTO t (v) VALUES ('small')").run());
    expect(heard).toEqual(['failed SQLITE_FULL', 'committed']);
    expect(rows()).toBe(1);
    store.close();
  });

  it('a caller that swallowed the failure inside gets an error at COMMIT, not a commit of half its work', () => {
    const { path, store, rows } = fullStore();
    const swallowing = () =>
      store.transaction(() => {
        try {
          fill(store);
        } catch {
          // swallowed: SQLite has already rolled the transaction back
        }
        return 'done';
      });
    expect(swallowing).toThrow('SQLite rolled the transaction back before COMMIT');
    expect(rows()).toBe(0);
    // Once the store has seen the failure (as the group commit reports it), that is the error named.
    expect(() => store.transaction(() => fill(store))).toThrow(`SQLITE_FULL: the disk holding ${path} is full`);
    expect(swallowing).toThrow(`SQLITE_FULL: the disk holding ${path} is full`);
    expect(rows()).toBe(0);
    store.close();
  });
});

describe('storageError', () => {
  const sqlite = (errcode: number, errstr: string) => Object.assign(new Error(errstr), { code: 'ERR_SQLITE_ERROR', errcode, errstr });

  it('puts each disk or file failure in plain words with the file named, and leaves other errors alone', () => {
    const p = '/data/standby.db';
    expect(storageError(sqlite(13, 'database or disk is full'), p)?.message).toBe('SQLITE_FULL: the disk holding /data/standby.db is full');
    expect(storageError(sqlite(778, 'disk I/O error'), p)?.message).toBe('SQLITE_IOERR: the disk holding /data/standby.db failed to read or write (disk I/O error)');
    expect(storageError(sqlite(8, 'attempt to write a readonly database'), p)?.message).toBe('SQLITE_READONLY: /data/standby.db cannot be written (the file, its folder or its disk is read-only)');
    expect(storageError(sqlite(11, 'database disk image is malformed'), p)?.message).toBe('SQLITE_CORRUPT: /data/standby.db is damaged (database disk image is malformed)');
    expect(storageError(sqlite(26, 'file is not a database'), p)?.message).toBe('SQLITE_NOTADB: /data/standby.db is not a database (file is not a database)');
    expect(storageError(sqlite(19, 'UNIQUE constraint failed'), p)).toBeUndefined();
    expect(storageError(new Error('boom'), p)).toBeUndefined();
  });
});
