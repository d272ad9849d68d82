/** Ways to damage a database file on purpose, as a disk or a careless copy would: a bad page, a cut, nothing at all. */
import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

/** Damage names one way a file rots. */
export type Damage = 'corrupted page' | 'truncated' | 'zero bytes';

/** pageOf answers the root page of a table and the page size, read from the (closed, checkpointed) file. */
export function pageOf(path: string, table: string): { page: number; pageSize: number } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { rootpage: number };
    const { page_size } = db.prepare('PRAGMA page_size').get() as { page_size: number };
    return { page: rootpage, pageSize: page_size };
  } finally {
    db.close();
  }
}

/** damage harms a database file that no process has open (and whose write-ahead log is checkpointed away). */
export function damage(path: string, how: Damage, table = 'incidents'): void {
  if (how === 'zero bytes') {
    truncateSync(path, 0);
    return;
  }
  if (how === 'truncated') {
    truncateSync(path, Math.floor(statSync(path).size / 2));
    return;
  }
  // A table's root page overwritten with garbage, as a bad sector or a torn write would leave it.
  const { page, pageSize } = pageOf(path, table);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}
