/** DeliveryRepo stores delivery attempts and moves notify jobs between attempts (the SQL behind the delivery stage). */
import type { Store } from '../store/database.ts';
import { CHARGED_TYPES_SQL } from './budget.ts';

/** AttemptOutcome is a stored attempt's outcome. */
export type AttemptOutcome = 'sending' | 'delivered' | 'failed' | 'unknown';

/** AttemptHistory is what a job's earlier attempts say about the next one. */
export interface AttemptHistory {
  count: number;
  firstAt: number | null;
  interrupted: boolean;
  sinceInterruption: { count: number; firstAt: number | null };
}

/** NewAttempt is one attempt about to be made. */
export interface NewAttempt {
  jobId: number | null;
  incidentId: number | null;
  contactMethodId: number;
  contactType: string;
  attempt: number;
  startedAt: number;
  /** late: it started well after it was due (see LATE_START_MS); retries count again from it. */
  late?: boolean;
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
      .prepare("INSERT INTO delivery_attempts (job_id, incident_id, contact_method_id, contact_type, attempt, started_at, outcome, charged, late) VALUES (?, ?, ?, ?, ?, ?, 'sending', 1, ?)")
      .run(a.jobId, a.incidentId, a.contactMethodId, a.contactType, a.attempt, a.startedAt, a.late ? 1 : 0);
    return Number(r.lastInsertRowid);
  }

  /** finish records an attempt's outcome. */
  finish(id: number, outcome: Exclude<AttemptOutcome, 'sending'>, at: number, f: { status?: number | undefined; error?: string | undefined; charged: boolean }): void {
    this.store
      .prepare("UPDATE delivery_attempts SET outcome = ?, finished_at = ?, http_status = ?, error = ?, charged = ? WHERE id = ? AND outcome = 'sending'")
      .run(outcome, at, f.status ?? null, f.error ?? null, f.charged ? 1 : 0, id);
  }

  /**
   * history is how many attempts a job has had and when the first began, and the same since the last
   * attempt a restart interrupted (`interrupted`: one was, so the next send may repeat a page that arrived)
   * or the last that started late. Retries count from there: a page sent again after a restart, or
   * after the computer slept through its retries, gets a fresh retry window.
   */
  history(jobId: number): AttemptHistory {
    const rows = this.store.prepare('SELECT started_at, outcome, late FROM delivery_attempts WHERE job_id = ? ORDER BY id').all(jobId) as Array<{ started_at: number; outcome: AttemptOutcome; late: number }>;
    const last = rows.findLastIndex((r) => r.outcome === 'unknown');
    const since = rows.slice(Math.max(last + 1, rows.findLastIndex((r) => r.late === 1)));
    return { count: rows.length, firstAt: rows[0]?.started_at ?? null, interrupted: last >= 0, sinceInterruption: { count: since.length, firstAt: since[0]?.started_at ?? null } };
  }

  /**
   * unconfirmed tells whether an incident has a page to one of these contact methods that Standby has
   * no delivery for: one still sending, failed, or cut short by a restart. Such a page may still have
   * reached the phone (Telegram took the message and its answer was lost; the process died mid-send).
   */
  unconfirmed(incidentId: number, contactMethodIds: readonly number[]): boolean {
    if (contactMethodIds.length === 0) return false;
    const r = this.store
      .prepare(`SELECT 1 AS found FROM delivery_attempts WHERE incident_id = ? AND contact_method_id IN (${contactMethodIds.map(() => '?').join(', ')}) AND outcome != 'delivered' LIMIT 1`)
      .get(incidentId, ...contactMethodIds);
    return r !== undefined;
  }

  /**
   * failedOn tells whether a page of this contact method on this incident ever failed: only then can a
   * delivery change the incident's page failure (a later success by the same contact method clears it).
   * Index: delivery_attempts_incident (migration 12).
   */
  failedOn(incidentId: number, contactMethodId: number): boolean {
    return this.store.prepare("SELECT 1 AS found FROM delivery_attempts WHERE incident_id = ? AND contact_method_id = ? AND outcome = 'failed' LIMIT 1").get(incidentId, contactMethodId) !== undefined;
  }

  /** abandon marks a job's unfinished attempts unknown (a restart interrupted them); it returns how many there were. */
  abandon(jobId: number, at: number): number {
    const r = this.store.prepare("UPDATE delivery_attempts SET outcome = 'unknown', finished_at = ? WHERE job_id = ? AND outcome = 'sending'").run(at, jobId);
    return Number(r.changes);
  }

  /**
   * charged counts the SMS and voice attempts between two instants that count against the budget
   * (BUDGETED_TYPES). The types are written into the query: its index holds only those
   * (delivery_attempts_charged, migration 17), and SQLite uses a partial index only for a query
   * whose own terms imply the index's.
   */
  charged(since: number, until: number): number {
    const r = this.store
      .prepare(`SELECT COUNT(*) AS n FROM delivery_attempts WHERE contact_type IN ${CHARGED_TYPES_SQL} AND started_at >= ? AND started_at < ? AND charged = 1`)
      .get(since, until) as { n: number };
    return r.n;
  }

  /**
   * release makes due now the pages to one type of contact method that were tried and wait for their
   * next attempt (a device of that type just connected). A page not tried yet keeps its rule's start delay.
   * Index: jobs_due_pages_by_contact (migration 13), with delivery_attempts_job for "tried".
   */
  release(contactType: string, now: number): number {
    const r = this.store
      .prepare(
        `UPDATE jobs SET due_at = ? WHERE state = 'pending' AND kind = 'notify' AND due_at > ?
           AND json_extract(payload_json, '$.contactMethodId') IN (SELECT id FROM contact_methods WHERE type = ?)
           AND EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.job_id = jobs.id)`,
      )
      .run(now, now, contactType);
    return Number(r.changes);
  }

  /** reschedule puts a running notify job back to pending, due at a later time (its next attempt). */
  reschedule(jobId: number, dueAt: number): boolean {
    const r = this.store.prepare("UPDATE jobs SET state = 'pending', due_at = ?, done_at = NULL WHERE id = ? AND state = 'running'").run(dueAt, jobId);
    return Number(r.changes) === 1;
  }
}
