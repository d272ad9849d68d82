/**
 * Kept reads: rows that every page reads again (its contact method, the profile's time zone, its
 * channel's settings) are kept per connection and table, and forgotten whenever a row of that table
 * changes on that connection, whoever changes it: a temporary trigger on the table calls back (a
 * config import, say, writes with SQL of its own). A read inside a transaction is never kept: the row
 * may be one the transaction wrote and a rollback takes back. A trigger hears only its own
 * connection: keep only tables no other process writes while Standby runs (the one that does,
 * `standby pair`, writes pairing codes; config imports and restores go through the running engine or
 * need it stopped, the instance lock).
 */
import type { Store } from './database.ts';

/** kept holds, per connection and table, what was read by key. */
const kept = new WeakMap<Store, Map<string, Map<string | number, unknown>>>();

/** TABLE is the shape of a table name this module builds SQL from. */
const TABLE = /^[a-z_]+$/;

/** rowsOf answers the kept rows of one table, watching the table on first use. */
function rowsOf(store: Store, table: string): Map<string | number, unknown> {
  let tables = kept.get(store);
  if (!tables) kept.set(store, (tables = new Map()));
  const rows = tables.get(table);
  if (rows) return rows;
  if (!TABLE.test(table)) throw new Error(`keptRead: "${table}" is not a table name`);
  const fresh = new Map<string | number, unknown>();
  const changed = `standby_${table}_changed`;
  store.db.function(changed, () => {
    fresh.clear();
    return null;
  });
  for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
    store.db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS kept_${table}_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN SELECT ${changed}(); END`);
  }
  tables.set(table, fresh);
  return fresh;
}

/**
 * keptRead answers read()'s value for `key` of `table`, from what was kept when it can. The value is
 * shared between callers: read() should answer something they do not change (a row, a JSON text).
 */
export function keptRead<T>(store: Store, table: string, key: string | number, read: () => T): T {
  const rows = rowsOf(store, table);
  if (rows.has(key)) return rows.get(key) as T;
  const value = read();
  if (!store.db.isTransaction) rows.set(key, value);
  return value;
}
