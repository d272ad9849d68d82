/** DeliveryRepo stores delivery attempts and moves notify jobs between attempts (the SQL behind the delivery stage). */
import type { Store } from '../store/database.ts';

/** AttemptOutcome is a stored attempt's outcome. */
export type AttemptOutcome = 'sending' | 'delivered' | 'failed' | 'unknown';

/** NewAttempt is one attempt about to be made. */
export interface NewAttempt {
  jobId: number | null;
  incidentId: number | null;
  contactMethodId: number;
  contactType: string;
  attempt: number;
  startedAt: number;
}

/** DeliveryRepo is the delivery_attempts table's one door. */
export class DeliveryRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }


  /** start records an attempt as "sending" and returns its id; it counts against the budget until finished otherwise. */
  start(a: NewAttempt): number {
    const r = this.store
      .prepare("INSERT INTO delivery_attempts (job_id, incident_id, contact_method_id, contact_type, attempt, started_at, outcome, charged) VALUES (?, ?, ?, ?, ?, ?, 'sending', 1)")
      .run(a.jobId, a.incidentId, a.contactMethodId, a.contactType, a.attempt, a.startedAt);
    return Number(r.lastInsertRowid);
  }

  /** finish records an attempt's outcome. */
  finish(id: number, outcome: Exclude<AttemptOutcome, 'sending'>, at: number, f: { status?: number | undefined; error?: string | undefined; charged: boolean }): void {
    this.store
      .prepare("UPDATE delivery_attempts SET outcome = ?, finished_at = ?, http_status = ?, error = ?, charged = ? WHERE id = ? AND outcome = 'sending'")
      .run(outcome, at, f.status ?? null, f.error ?? null, f.charged ? 1 : 0, id);
  }

  /** history is how many attempts a job has had and when the first began. */
  history(jobId: number): { count: number; firstAt: number | null } {
    const r = this.store.prepare('SELECT COUNT(*) AS n, MIN(started_at) AS first FROM delivery_attempts WHERE job_id = ?').get(jobId) as { n: number; first: number | null };
    return { count: r.n, firstAt: r.first };
  }

  /** abandon marks a job's unfinished attempts unknown (a restart interrupted them). */
  abandon(jobId: number, at: number): void {
    this.store.prepare("UPDATE delivery_attempts SET outcome = 'unknown', finished_at = ? WHERE job_id = ? AND outcome = 'sending'").run(at, jobId);
  }

  /** charged counts attempts to these types since an instant that count against the budget. */
  charged(types: readonly string[], since: number, until: number): number {
    const r = this.store
      .prepare(`SELECT COUNT(*) AS n FROM delivery_attempts WHERE contact_type IN (${types.map(() => '?').join(', ')}) AND started_at >= ? AND started_at < ? AND charged = 1`)
      .get(...types, since, until) as { n: number };
    return r.n;
  }

  /** reschedule puts a running notify job back to pending, due at a later time (its next attempt). */
  reschedule(jobId: number, dueAt: number): boolean {
    const r = this.store.prepare("UPDATE jobs SET state = 'pending', due_at = ?, done_at = NULL WHERE id = ? AND state = 'running'").run(dueAt, jobId);
    return Number(r.changes) === 1;
  }
}
