/**
 * GroupCommit: work queued together commits in one transaction; each operation's failure rolls back
 * only its own savepoint; promises settle only after COMMIT, and a failed commit rejects them all.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/headless.ts';
import { GroupCommit, MAX_BATCH } from '../../../electron/engine/store/group-commit.ts';
import { Store } from '../../../electron/engine/store/database.ts';

function store() {
  const s = new Store(':memory:');
  s.db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  return s;
}
const count = (s: Store) => (s.db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

describe('GroupCommit', () => {
  it('commits concurrent operations in one batch and resolves each with its result', async () => {
    const s = store();
    const g = new GroupCommit(s);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => g.run(() => (s.db.prepare('INSERT INTO t (v) VALUES (?)').run(i), i * 2))));
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(count(s)).toBe(10);
    expect(g.stats()).toEqual({ batches: 1, ops: 10 });
  });

  it('a failing operation rolls back alone and rejects with its own error', async () => {
    const s = store();
    const g = new GroupCommit(s);
    const ok = g.run(() => s.db.prepare('INSERT INTO t (v) VALUES (1)').run());
    const bad = g.run(() => {
      s.db.prepare('INSERT INTO t (v) VALUES (2)').run();
      throw new Error('half done');
    });
    const ok2 = g.run(() => s.db.prepare('INSERT INTO t (v) VALUES (3)').run());
    await expect(bad).rejects.toThrow('half done');
    await Promise.all([ok, ok2]);
    expect(s.db.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 3 }]);
  });

  it('nothing is resolved before the commit, and a failed commit rejects every operation', async () => {
    const s = store();
    const g = new GroupCommit(s);
    let settled = false;
    const p = g.run(() => s.db.prepare('INSERT INTO t (v) VALUES (1)').run()).finally(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await p;
    // A deferred foreign key violation makes COMMIT itself fail.
    s.db.exec('PRAGMA foreign_keys = ON; CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
    const a = g.run(() => s.db.prepare('INSERT INTO t (v) VALUES (2)').run());
    const b = g.run(() => s.db.prepare('INSERT INTO child (pid) VALUES (42)').run());
    await expect(a).rejects.toThrow(/FOREIGN KEY/);
    await expect(b).rejects.toThrow(/FOREIGN KEY/);
    expect(count(s)).toBe(1);
  });

  it('splits a flood into batches of at most MAX_BATCH', async () => {
    const s = store();
    const g = new GroupCommit(s);
    await Promise.all(Array.from({ length: MAX_BATCH * 2 + 1 }, () => g.run(() => s.db.prepare('INSERT INTO t (v) VALUES (0)').run())));
    expect(g.stats()).toEqual({ batches: 3, ops: MAX_BATCH * 2 + 1 });
  });
});

describe('GroupCommit and what is announced', () => {
  it('announces an operation only after COMMIT, and never a failed operation or a failed batch', async () => {
    const s = store();
    const g = new GroupCommit(s);
    const heard: string[] = [];
    const op = (name: string, fail = false) =>
      g.run(() => {
        s.db.prepare('INSERT INTO t (v) VALUES (1)').run();
        s.onCommit(() => heard.push(`${name} (${count(s)} stored)`));
        if (fail) throw new Error(`${name} failed`);
      });
    const batch = [op('a'), op('b', true), op('c')];
    expect(heard).toEqual([]);
    await Promise.allSettled(batch);
    expect(heard).toEqual(['a (2 stored)', 'c (2 stored)']);
    // A batch whose COMMIT fails announces nothing.
    s.db.exec('PRAGMA foreign_keys = ON; CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
    const doomed = [op('d'), g.run(() => s.db.prepare('INSERT INTO child (pid) VALUES (42)').run())];
    await Promise.allSettled(doomed);
    expect(heard).toEqual(['a (2 stored)', 'c (2 stored)']);
    expect(count(s)).toBe(2);
  });
});

describe('GroupCommit on a full database', () => {
  it('rejects every operation of a batch SQLite rolled back with the real SQLITE_FULL error, and stores none of it', async () => {
    const path = join(tempDir('standby-gc-full-'), 'standby.db');
    const s = new Store(path);
    s.db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    const g = new GroupCommit(s);
    const pages = (s.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    s.db.exec(`PRAGMA max_page_count = ${pages + 2}`);
    const small = () => g.run(() => s.db.prepare("INSERT INTO t (v) VALUES ('x')").run());
    const big = g.run(() => {
      for (let i = 0; i < 50; i++) s.db.prepare('INSERT INTO t (v) VALUES (?)').run('y'.repeat(2000));
    });
    const all = [small(), big, small()];
    const settled = await Promise.allSettled(all);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of settled) expect(String((r as PromiseRejectedResult).reason.message)).toBe(`SQLITE_FULL: the disk holding ${path} is full`);
    expect(s.db.isTransaction).toBe(false);
    expect(count(s)).toBe(0);
    // Room again: the next batch commits.
    s.db.exec('PRAGMA max_page_count = 1000000');
    await Promise.all([small(), small()]);
    expect(count(s)).toBe(2);
    s.close();
  });
});

describe('GroupCommit and temporary files', () => {
  // The savepoint journal of each operation in a batch: spilled to a temporary file (SQLite's default
  // past 64 KiB), every page an operation changed was written a second time, to a file deleted at once.
  it.skipIf(process.platform !== 'linux')('keeps each operation’s savepoint journal in memory, however many pages it changes (reads /proc, Linux only)', async () => {
    const s = new Store(join(tempDir('standby-gc-temp-'), 'standby.db'));
    s.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    s.transaction(() => {
      for (let i = 0; i < 2000; i++) s.db.prepare('INSERT INTO t (v) VALUES (?)').run('a'.repeat(500));
    });
    const openTempFiles = () => readdirSync('/proc/self/fd').map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    }).filter((target) => /etilqs_/.test(target));
    const g = new GroupCommit(s);
    const seen: string[][] = [];
    // Each operation rewrites every row (about 250 pages) inside its savepoint, then looks at its open files.
    await Promise.all([1, 2, 3].map((n) => g.run(() => {
      s.db.prepare('UPDATE t SET v = ?').run(String(n).repeat(500));
      seen.push(openTempFiles());
    })));
    expect(seen).toEqual([[], [], []]);
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM t WHERE v = ?').get('3'.repeat(500))).toEqual({ n: 2000 });
    s.close();
  });
});
