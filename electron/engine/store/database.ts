/**
 * The SQLite store through the built-in `node:sqlite`: WAL mode, foreign keys on, numbered
 * migrations applied at open in one transaction, and a `transaction()` helper so every
 * multi-row change commits (or rolls back) as one.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { migrations } from './migrations/index.ts';

/** Store wraps one SQLite connection; the engine is its only writer. */
export class Store {
  readonly db: DatabaseSync;
  private depth = 0;
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    // FULL: a transaction is on disk when COMMIT returns, so an answered request survives a power cut too.
    this.db.exec('PRAGMA synchronous = FULL');
    this.db.exec('PRAGMA foreign_keys = ON');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.migrate();
  }

  /**
   * prepare returns a prepared statement for sql, compiled once per connection and reused:
   * compiling is most of the cost of a small query. Callers must not change a cached statement's
   * settings (setReturnArrays and the like); use `db.prepare` for that.
   */
  prepare(sql: string): StatementSync {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      // SQL built with a varying IN (...) list makes a few variants; bound the cache all the same.
      if (this.statements.size >= 1000) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** schemaVersion is the number of the newest applied migration. */
  schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    return row.v ?? 0;
  }

  /**
   * transaction runs fn inside one transaction (BEGIN IMMEDIATE, so writers queue rather than
   * fail later). Nested calls join the outer transaction. fn must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return fn();
      } finally {
        this.depth--;
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    this.depth = 1;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.depth = 0;
    }
  }

  close(): void {
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const current = this.schemaVersion();
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new Error(`The database was written by a newer Standby (schema ${current}; this build knows up to ${newest}). Update Standby.`);
    }
    const pending = migrations.filter((m) => m.version > current);
    if (pending.length === 0) return;
    this.transaction(() => {
      for (const m of pending) {
        m.up(this.db);
        this.db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }
    });
  }
}
