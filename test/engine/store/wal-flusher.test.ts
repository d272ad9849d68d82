/**
 * The group commit's transactions commit without waiting for the disk, and what waits for them (an
 * answer, an engine event) is let go only once the write-ahead log is flushed (WalFlusher): each test
 * holds the flush (an injected WalSync) to see what happens before it.
 */
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/headless.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { GroupCommit } from '../../../electron/engine/store/group-commit.ts';
import { StorageError } from '../../../electron/engine/store/storage-error.ts';
import { heldSync } from '../../helpers/held-sync.ts';

/** turns lets the event loop run n turns (the group commit flushes on setImmediate). */
const turns = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

const count = (s: Store) => (s.db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
const insert = (s: Store, v: number) => s.db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

/** setup makes a store on a file with a held flush, its group commit, and `store(v, said)`: an operation inserting v that announces `said` after its commit. */
function setup() {
  const held = heldSync();
  const path = join(tempDir('standby-walflush-'), 'standby.db');
  const s = new Store(path, { walSync: held.sync });
  s.db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  const g = new GroupCommit(s);
  const heard: string[] = [];
  const store = <T>(v: number, said: string, answer?: T) =>
    g.run(() => {
      insert(s, v);
      s.onCommit(() => heard.push(said));
      return answer;
    });
  return { held, path, s, g, heard, store };
}

describe('the group commit and the write-ahead log flush', () => {
  it('answers an operation, and announces its events, only once its transaction is on disk', async () => {
    const { held, path, s, heard, store } = setup();
    let answered = false;
    const p = store(1, 'stored 1', 'ok').then((v) => ((answered = true), v));
    await turns();
    // Committed (a read sees it), but the log is not flushed yet: no answer, no event.
    expect(count(s)).toBe(1);
    expect(held.waiting).toHaveLength(1);
    expect(answered).toBe(false);
    expect(heard).toEqual([]);
    // What is flushed is the database's own write-ahead log.
    if (process.platform === 'linux') expect(readlinkSync(`/proc/self/fd/${held.waiting[0]!.fd}`)).toBe(`${path}-wal`);
    held.release();
    await expect(p).resolves.toBe('ok');
    expect(heard).toEqual(['stored 1']);
    s.close();
  });

  it('gathers what arrives during a flush into one batch, committed after it', async () => {
    const { held, s, g } = setup();
    const first = g.run(() => insert(s, 1));
    await turns();
    expect(held.waiting).toHaveLength(1);
    // Five more arrive while the disk flushes the first: they wait, uncommitted, and then commit together.
    const more = [2, 3, 4, 5, 6].map((v) => g.run(() => insert(s, v)));
    await turns();
    expect(count(s)).toBe(1);
    expect(g.stats()).toEqual({ batches: 1, ops: 1 });
    held.release();
    await first;
    await turns();
    expect(count(s)).toBe(6);
    expect(g.stats()).toEqual({ batches: 2, ops: 6 });
    expect(held.waiting).toHaveLength(1);
    held.release();
    await Promise.all(more);
    s.close();
  });

  it('a transaction committed meanwhile is on disk when it returns, and its events follow the waiting batch’s', async () => {
    const { held, s, heard, store } = setup();
    const p = store(1, 'group commit');
    await turns();
    // The incident the group commit opened is acknowledged by a plain transaction (synchronous = FULL).
    s.transaction(() => {
      insert(s, 2);
      s.onCommit(() => heard.push('plain transaction'));
    });
    s.onCommit(() => heard.push('outside a transaction'));
    expect(count(s)).toBe(2);
    expect(heard).toEqual([]);
    held.release();
    await p;
    expect(heard).toEqual(['group commit', 'plain transaction', 'outside a transaction']);
    // Nothing waiting: announced at once, as before.
    s.transaction(() => s.onCommit(() => heard.push('later')));
    expect(heard.at(-1)).toBe('later');
    s.close();
  });

  it('a failed flush fails its batch with an error naming the file, reports it, and the next batch is answered', async () => {
    const { held, path, s, g, heard, store } = setup();
    const failures: StorageError[] = [];
    s.observe({ failed: (err) => failures.push(err), committed: () => {} });
    const p = store(1, 'stored');
    await turns();
    held.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(p).rejects.toThrow(`EIO: the disk holding ${path} failed to read or write`);
    expect(failures.map((f) => [f.kind, f.path])).toEqual([['io', path]]);
    // Nobody heard of it: whether the disk has it is unknown, and the sender is told to try again.
    expect(heard).toEqual([]);
    held.passThrough();
    await expect(g.run(() => (insert(s, 2), 'stored'))).resolves.toBe('stored');
    s.close();
  });

  it('closing the store flushes the log and answers what waited for it', async () => {
    const { held, s, heard, store } = setup();
    const failures: StorageError[] = [];
    s.observe({ failed: (err) => failures.push(err), committed: () => {} });
    const p = store(1, 'stored', 1);
    await turns();
    expect(held.waiting).toHaveLength(1);
    s.close();
    expect(heard).toEqual(['stored']);
    await expect(p).resolves.toBe(1);
    // The held flush ending after the close (failing: its descriptor is closed) changes nothing, and is no storage failure.
    held.fail(Object.assign(new Error('EBADF: bad file descriptor, fdatasync'), { code: 'EBADF' }));
    await turns();
    expect(failures).toEqual([]);
  });

  it('closing the store while a batch waits for the flush refuses that batch instead of leaving it unanswered', async () => {
    const { s, g } = setup();
    const first = g.run(() => insert(s, 1));
    await turns();
    const waiting = g.run(() => insert(s, 2)).then(() => 'answered', (err: Error) => err.message);
    await turns();
    s.close();
    await expect(first).resolves.toMatchObject({ changes: 1 });
    expect(await waiting).toMatch(/not open/);
  });
});
