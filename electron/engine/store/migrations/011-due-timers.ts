/**
 * Migration 11: an index of the pending timers (escalations, timeouts, auto-resolve) alone. The job
 * runner looks for due timers on every pass; with the `jobs_due` index that look read every pending
 * page due too, so a backlog of pages (a burst of alerts paging the desktop) made each look slower.
 * A partial index holds only what the look wants, whatever the backlog (bench/ingest.bench.ts).
 */
import type { Migration } from './index.ts';

export const m011DueTimers: Migration = {
  version: 11,
  name: '011-due-timers',
  up(db) {
    db.exec("CREATE INDEX IF NOT EXISTS jobs_due_timers ON jobs (due_at, id) WHERE state = 'pending' AND kind != 'notify'");
  },
};
