/**
 * GroupCommit runs the writes that arrive together in one database transaction, so one flush of the
 * write-ahead log makes a whole batch durable instead of one per write: the inbound requests (Events
 * API, webhooks), and the delivery stage's claims and records of each page's outcome. Each request's
 * work runs in its own SAVEPOINT: a request that fails rolls back alone, the others still commit. The
 * log is flushed off the event loop after COMMIT (Store.transactionFlushedLater, WalFlusher), and
 * every promise settles only once it is on disk, so an answer (a 202) is never sent, and a page never
 * claimed, for work that is not on disk. Engine events such as incident.changed wait for the disk too
 * (Store.onCommit): a failed operation's, or a failed batch's, are never sent.
 */
import type { Store } from './database.ts';

/** MAX_BATCH bounds one transaction, so a flood cannot hold the event loop for long. */
export const MAX_BATCH = 256;

interface Pending {
  op: () => unknown;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

/** GroupCommit batches synchronous database work from concurrent requests into shared commits. */
export class GroupCommit {
  private readonly store: Store;
  private queue: Pending[] = [];
  private scheduled = false;
  private batches = 0;
  private ops = 0;

  constructor(store: Store) {
    this.store = store;
  }

  /**
   * run queues op (synchronous, touching only the database and in-memory state) for the next batch
   * and resolves with its result once the batch has committed; it rejects with op's own error (its
   * savepoint rolled back) or, if the commit itself failed, with that error.
   */
  run<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the event loop's poll phase: every request read in this turn joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** stats counts batches and operations committed so far (the benchmark reports the mean batch size). */
  stats(): { batches: number; ops: number } {
    return { batches: this.batches, ops: this.ops };
  }

  private flush(): void {
    // While the disk flushes the last batch, what arrives waits and commits together after it.
    if (this.store.afterFlush(() => setImmediate(() => this.flush()))) return;
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const settle = (error?: unknown) => {
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (error !== undefined) p.reject(error);
        else if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    };
    try {
      const savepoint = this.store.prepare('SAVEPOINT grouped_op');
      const release = this.store.prepare('RELEASE grouped_op');
      const rollback = this.store.prepare('ROLLBACK TO grouped_op');
      // COMMIT does not wait for the disk; the batch is answered once the log is flushed (WalFlusher).
      this.store.transactionFlushedLater(() => {
        for (const p of batch) {
          savepoint.run();
          const mark = this.store.commitMark();
          try {
            const value = p.op();
            release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            // A full disk can make SQLite roll back the whole transaction: then nothing of the batch
            // is stored, every request of it fails with this error, and no later op may run outside it.
            if (!this.store.db.isTransaction) throw error;
            rollback.run();
            release.run();
            this.store.dropSince(mark);
            outcomes.push({ ok: false, error: this.store.explain(error) });
          }
        }
      }, { durable: () => settle(), failed: (error) => settle(error) });
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, the store closed), or SQLite rolled the batch back: nothing of it is stored.
      for (const p of batch) p.reject(error);
      return;
    }
    this.batches++;
    this.ops += batch.length;
  }
}
