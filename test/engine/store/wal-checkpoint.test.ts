/**
 * The write-ahead log's checkpoints (open-database.ts): the log gathers WAL_AUTOCHECKPOINT_PAGES
 * pages before a commit copies them into the database file (not SQLite's default 1,000), starts over
 * after a checkpoint instead of growing, and a log that grew past its mark while a reader held the
 * checkpoint back is cut back to WAL_SIZE_LIMIT_BYTES when it starts over.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { WAL_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES } from '../../../electron/engine/store/open-database.ts';
import { tempDir } from '../../helpers/headless.ts';

/** FRAME_BYTES is one page in the log: SQLite's 4,096-byte page and its 24-byte frame header. */
const FRAME_BYTES = 4096 + 24;

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const c of open.splice(0).reverse()) c.close();
});

function store(): { store: Store; wal: string } {
  const path = join(tempDir('standby-wal-'), 'standby.db');
  const s = new Store(path);
  open.push(s);
  // Checkpoints and the log's restart do not depend on fsync; without it, the ~1,800 commits here take
  // no longer on a slow disk than on a fast one.
  s.db.exec('PRAGMA synchronous = NORMAL');
  s.db.exec('CREATE TABLE filler (v BLOB NOT NULL)');
  return { store: s, wal: `${path}-wal` };
}

/** writePages commits until about `pages` more pages went into the log (each commit a few rows of a page each). */
function writePages(s: Store, pages: number): void {
  const insert = s.db.prepare('INSERT INTO filler (v) VALUES (randomblob(3500))');
  for (let i = 0; i < pages / 10; i++) s.transaction(() => {
    for (let r = 0; r < 10; r++) insert.run();
  });
}

const framesIn = (wal: string) => Math.floor(statSync(wal).size / FRAME_BYTES);

describe('write-ahead log checkpoints', () => {
  it('gather more pages than SQLite\'s 1,000 before a commit copies them, then start the log over', () => {
    const { store: s, wal } = store();
    expect(s.db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: WAL_AUTOCHECKPOINT_PAGES });
    writePages(s, WAL_AUTOCHECKPOINT_PAGES * 0.75);
    // With the default, the log would have started over at about 1,000 pages.
    expect(framesIn(wal)).toBeGreaterThan(WAL_AUTOCHECKPOINT_PAGES * 0.7);
    writePages(s, WAL_AUTOCHECKPOINT_PAGES * 1.5);
    // Past the mark, a checkpoint copied the pages and the log started over: it is not 2.25 marks long.
    expect(framesIn(wal)).toBeLessThan(WAL_AUTOCHECKPOINT_PAGES * 1.1);
    const rows = (s.db.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n;
    expect(rows).toBe(WAL_AUTOCHECKPOINT_PAGES * 0.225 * 10);
  });

  it('cuts a log that grew past its mark (a reader held the checkpoint back) back to its limit when it starts over', () => {
    const { store: s, wal } = store();
    // A reader in the middle of a read: no checkpoint may copy past what it sees, so the log grows.
    const reader = new DatabaseSync(s.path, { readOnly: true });
    open.push(reader);
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM filler').get();
    const pastLimit = Math.ceil(WAL_SIZE_LIMIT_BYTES / FRAME_BYTES) + 500;
    writePages(s, pastLimit);
    expect(statSync(wal).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    reader.exec('COMMIT');
    // The next commit past the mark checkpoints everything; the one after starts the log over and trims it.
    writePages(s, 20);
    expect(statSync(wal).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
  });
});
