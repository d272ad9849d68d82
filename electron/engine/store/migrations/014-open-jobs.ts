/**
 * Migration 14: the job indexes hold only what is looked up. `jobs_due` (state, due_at) indexed every
 * job ever run, and each page moved its entry twice (pending -> running -> done); `jobs_incident`
 * (incident_id, state) moved an entry on every change of state too. Every index entry that moves
 * dirties a page that the commit writes to the WAL (and a checkpoint writes again): with paging under
 * load, the jobs' indexes were over a third of all the pages written (bench/ingest.bench.ts). Now the
 * pending jobs and the running ones each have a partial index (an entry is added when a job enters
 * the state and dropped when it leaves), and the incident index has no state in it, so a change of
 * state does not touch it.
 */
import type { Migration } from './index.ts';

export const m014OpenJobs: Migration = {
  version: 14,
  name: '014-open-jobs',
  up(db) {
    db.exec(`
      DROP INDEX IF EXISTS jobs_due;
      DROP INDEX IF EXISTS jobs_incident;
      CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (due_at, id) WHERE state = 'pending';
      CREATE INDEX IF NOT EXISTS jobs_running ON jobs (id) WHERE state = 'running';
      CREATE INDEX IF NOT EXISTS jobs_by_incident ON jobs (incident_id);
    `);
  },
};
