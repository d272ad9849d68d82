/**
 * The SQLite store through the built-in `node:sqlite`: WAL mode, foreign keys on, numbered
 * migrations applied at open in one transaction, and a `transaction()` helper so every
 * multi-row change commits (or rolls back) as one. A database file is checked before it is trusted
 * (open-database.ts), and a failure that is about the disk or the file (full, read-only, failing,
 * damaged) is thrown as a StorageError naming the file and reported to the store's observer.
 */
import { resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { migrations } from './migrations/index.ts';
import { configure, openDatabaseFile } from './open-database.ts';
import { fileSystemError, StorageError, storageError } from './storage-error.ts';
import { WalFlusher, type Settle, type WalSync } from './wal-flusher.ts';

export type { WalSync } from './wal-flusher.ts';

/** StorageObserver hears how the disk is doing: each storage failure, and each commit that worked. */
export interface StorageObserver {
  failed(err: StorageError): void;
  committed(): void;
}

/** Store wraps one SQLite connection; the engine is its only writer. */
export class Store {
  readonly db: DatabaseSync;
  /** path is the database file (or ':memory:'). */
  readonly path: string;
  private depth = 0;
  private readonly statements = new Map<string, StatementSync>();
  private observer: StorageObserver | undefined;
  private lastFailure: StorageError | undefined;
  private afterCommit: Array<() => void> = [];
  /** flusher flushes the log after the group commit's transactions (none for a database in memory, or not in WAL mode). */
  private readonly flusher: WalFlusher | undefined;

  /** walSync replaces the log's flush (tests hold it to see what waits for the disk). */
  constructor(path: string, opts: { walSync?: WalSync } = {}) {
    this.path = path;
    if (path === ':memory:') {
      this.db = new DatabaseSync(path);
      configure(this.db);
    } else {
      this.db = openDatabaseFile(path, applyMigrations);
    }
    try {
      this.migrate();
    } catch (err) {
      this.db.close();
      throw err;
    }
    const mode = (this.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
    if (path !== ':memory:' && mode === 'wal') this.flusher = new WalFlusher({ walPath: `${resolve(path)}-wal`, sync: opts.walSync, failed: (err) => this.flushFailed(err) });
  }

  /** observe sets who hears of storage failures and working commits (the engine's storage health). */
  observe(observer: StorageObserver): void {
    this.observer = observer;
  }

  /**
   * explain turns a SQLite error about the disk or the file into a StorageError naming the file, and
   * reports it; any other error is returned as it is.
   */
  explain(err: unknown): unknown {
    const s = storageError(err, this.path);
    if (!s) return err;
    this.lastFailure = s;
    this.observer?.failed(s);
    return s;
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

  /**
   * onCommit runs fn once the current transaction has committed, and never if it rolls back; outside
   * a transaction it runs fn at once. The engine announces its events this way, so nobody hears of a
   * change the disk refused.
   */
  onCommit(fn: () => void): void {
    if (this.depth > 0) this.afterCommit.push(fn);
    else if (this.flusher?.waiting) this.flusher.after(fn);
    else fn();
  }

  /** commitMark and dropSince let a savepoint that rolls back forget what was queued for after the commit since the mark. */
  commitMark(): number {
    return this.afterCommit.length;
  }

  /** dropSince forgets the callbacks queued since a mark (their savepoint rolled back). */
  dropSince(mark: number): void {
    this.afterCommit.length = Math.min(mark, this.afterCommit.length);
  }

  /** schemaVersion is the number of the newest applied migration. */
  schemaVersion(): number {
    return schemaVersionOf(this.db);
  }

  /**
   * transaction runs fn inside one transaction (BEGIN IMMEDIATE, so writers queue rather than
   * fail later). Nested calls join the outer transaction. fn must be synchronous. When SQLite has
   * already rolled the transaction back (a full disk does that), the error that caused it is thrown,
   * not a second ROLLBACK's "no transaction is active".
   */
  transaction<T>(fn: () => T): T {
    return this.run(fn);
  }

  /**
   * transactionFlushedLater runs fn inside one transaction, as transaction() does, but its COMMIT does
   * not wait for the disk: the write-ahead log is flushed off the event loop afterwards (WalFlusher),
   * and fn's onCommit callbacks, then `settle.durable`, run once the disk has it (`settle.failed` if
   * that flush failed). The group commit uses it. Without a log file (a database in memory) it is
   * transaction() with `settle.durable` called after the callbacks.
   */
  transactionFlushedLater<T>(fn: () => T, settle: Settle): T {
    if (this.depth > 0) throw new Error('transactionFlushedLater cannot be nested in another transaction');
    if (!this.flusher) {
      const result = this.run(fn);
      settle.durable();
      return result;
    }
    this.db.exec('PRAGMA synchronous = NORMAL');
    try {
      return this.run(fn, settle);
    } finally {
      // Every other transaction is on disk when COMMIT returns.
      if (this.db.isOpen) this.db.exec('PRAGMA synchronous = FULL');
    }
  }

  /** afterFlush runs fn once the log flush under way ends and answers true; it answers false when none is (WalFlusher.afterFlush). */
  afterFlush(fn: () => void): boolean {
    return this.flusher?.afterFlush(fn) ?? false;
  }

  private run<T>(fn: () => T, settle?: Settle): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return fn();
      } finally {
        this.depth--;
      }
    }
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw this.explain(err);
    }
    this.depth = 1;
    try {
      const result = fn();
      // fn caught an error after which SQLite rolled everything back (a full disk): nothing of it is stored.
      if (!this.db.isTransaction) throw this.lastFailure ?? new Error('SQLite rolled the transaction back before COMMIT after an error that was caught inside it; nothing of it was stored');
      this.db.exec('COMMIT');
      this.lastFailure = undefined;
      const after = this.afterCommit;
      this.afterCommit = [];
      this.depth = 0;
      const announce = () => {
        for (const run of after) run();
      };
      if (settle) {
        // A commit whose flush fails has not worked: the storage health hears of it only once the disk has it.
        const durable = () => {
          this.observer?.committed();
          try {
            announce();
          } finally {
            settle.durable();
          }
        };
        this.flusher!.hold({ durable, failed: settle.failed });
        return result;
      }
      this.observer?.committed();
      if (this.flusher?.waiting) {
        // On disk already, but announced after the group commits before it, in commit order.
        this.flusher.after(announce);
      } else {
        announce();
      }
      return result;
    } catch (err) {
      if (this.db.isTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // The first error is the one worth reporting.
        }
      }
      this.afterCommit = [];
      this.depth = 0;
      throw this.explain(err);
    } finally {
      this.depth = 0;
    }
  }

  /** flushFailed turns a failed flush of the log into the StorageError its waiters get, and reports it. */
  private flushFailed(err: unknown): StorageError {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const s = fileSystemError(err, this.path) ?? new StorageError('EIO', 'io', this.path, `EIO: the disk holding ${this.path} failed to write its write-ahead log (${code})`, err);
    this.observer?.failed(s);
    return s;
  }

  close(): void {
    // What waits for the disk is flushed and let go first: nothing committed goes unanswered.
    this.flusher?.close();
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private migrate(): void {
    withoutForeignKeys(this.db, () => this.transaction(() => applyMigrations(this.db, false)));
  }
}

function schemaVersionOf(db: DatabaseSync): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * applyMigrations brings a database's schema up to this build's newest migration (in a transaction
 * of its own unless `ownTransaction` is false) and refuses a database from a newer Standby.
 */
export function applyMigrations(db: DatabaseSync, ownTransaction = true): void {
  const run = () => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const current = schemaVersionOf(db);
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new Error(`The database was written by a newer Standby (schema ${current}; this build knows up to ${newest}). Update Standby.`);
    }
    for (const m of migrations.filter((x) => x.version > current)) {
      m.up(db, current);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }
  };
  if (!ownTransaction) return run();
  withoutForeignKeys(db, () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      run();
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  });
}

/**
 * withoutForeignKeys runs the migrations' transaction with foreign keys off, as SQLite's procedure for
 * rebuilding a table asks (https://www.sqlite.org/lang_altertable.html#otheralter): with them on,
 * dropping the old table would delete, by ON DELETE CASCADE, every row that points at it. The pragma
 * is a no-op inside a transaction, so it is set around it; a migration that rebuilds a table checks
 * its foreign keys itself before the COMMIT (migration 17).
 */
function withoutForeignKeys(db: DatabaseSync, fn: () => void): void {
  const on = (db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys === 1;
  if (on) db.exec('PRAGMA foreign_keys = OFF');
  try {
    fn();
  } finally {
    if (on) db.exec('PRAGMA foreign_keys = ON');
  }
}

