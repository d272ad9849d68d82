/**
 * GroupCommit runs the writes that arrive together in one database transaction, so one fsync makes a
 * whole batch durable instead of one fsync per write (the store commits with synchronous=FULL): the
 * inbound requests (Events API, webhooks), and the delivery stage's records of each page's outcome. Each request's work runs in its own SAVEPOINT: a request that fails rolls back
 * alone, the others still commit. Every promise settles only after COMMIT has returned, so an
 * answer (a 202) is never sent for work that is not on disk. Engine events such as incident.changed
 * wait for the COMMIT too (Store.onCommit): a failed operation's, or a failed batch's, are never sent.
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
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const savepoint = this.store.prepare('SAVEPOINT grouped_op');
    const release = this.store.prepare('RELEASE grouped_op');
    const rollback = this.store.prepare('ROLLBACK TO grouped_op');
    try {
      this.store.transaction(() => {
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
      });
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, database closed), or SQLite rolled the batch back: nothing of it is stored.
      for (const p of batch) p.reject(error);
      return;
    }
    this.batches++;
    this.ops += batch.length;
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
