/**
 * Migration 17: fewer and tighter indexes on the rows every page writes.
 *
 * A job's idempotency key (`i<incident>:c<cycle>:r<round>:l<level>:rule<id>`) was unique on its own,
 * through the index SQLite makes for a column's UNIQUE. Its keys sort as text, so a new incident's
 * keys land among old ones ("i12345:" between "i1234:" and "i1235:"): each new job dirtied a
 * different page of that index, and every commit writes each page it dirtied to the write-ahead log
 * (0.43 pages per paged event, counted in the log after a paging run of bench/ingest.bench.ts:
 * more than the jobs table itself). A key
 * always names its incident, so it is unique per incident: one index on (incident_id, key), whose new
 * entries go to its end, replaces both that one and `jobs_by_incident` (migration 14). SQLite cannot
 * drop a column's UNIQUE in place, so the table is rebuilt the way SQLite documents
 * (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys are off while migrations run
 * (database.ts), or dropping the old table would delete every delivery attempt that points at a job.
 *
 * The SMS/voice budget's index held every attempt, desktop pages included; it now holds only the
 * attempts it counts.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Migration } from './index.ts';

/** violations counts the rows of a table whose foreign keys point at nothing. */
function violations(db: DatabaseSync, table: string): number {
  return db.prepare(`PRAGMA foreign_key_check(${table})`).all().length;
}

/** rebuildJobs makes the jobs table again without the key's own UNIQUE, keeping every row and id. */
function rebuildJobs(db: DatabaseSync): void {
  // With foreign keys on, DROP TABLE jobs would delete every delivery attempt (ON DELETE CASCADE).
  if ((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys !== 0) throw new Error('migration 17 rebuilds the jobs table and must run with foreign keys off');
  const before = { jobs: violations(db, 'jobs'), attempts: violations(db, 'delivery_attempts') };
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const rows = count('jobs');
  db.exec(`
    CREATE TABLE jobs_rebuilt (
      id INTEGER PRIMARY KEY,
      incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      key TEXT NOT NULL,
      payload_json TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'cancelled')),
      created_at INTEGER NOT NULL,
      done_at INTEGER
    );
    INSERT INTO jobs_rebuilt (id, incident_id, kind, due_at, key, payload_json, state, created_at, done_at)
      SELECT id, incident_id, kind, due_at, key, payload_json, state, created_at, done_at FROM jobs;
    DROP TABLE jobs;
    ALTER TABLE jobs_rebuilt RENAME TO jobs;
  `);
  // Nothing lost: every job is there, and every attempt still points at its job.
  if (count('jobs') !== rows) throw new Error(`migration 17 copied ${count('jobs')} of ${rows} jobs`);
  if (violations(db, 'jobs') > before.jobs || violations(db, 'delivery_attempts') > before.attempts) {
    throw new Error('migration 17 left delivery attempts or jobs pointing at rows that are gone');
  }
}

export const m017JobKeysByIncident: Migration = {
  version: 17,
  name: '017-job-keys-by-incident',
  up(db) {
    // Idempotent, as the others are (a database put back to an older schema version runs it again).
    const keyIndex = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' AND name LIKE 'sqlite_autoindex_jobs_%'").get();
    if (keyIndex) rebuildJobs(db);
    // The table's indexes went with it; those that are there already stay as they are.
    db.exec(`
      DROP INDEX IF EXISTS jobs_by_incident;
      CREATE UNIQUE INDEX IF NOT EXISTS jobs_key ON jobs (incident_id, key);
      CREATE INDEX IF NOT EXISTS jobs_due_timers ON jobs (due_at, id) WHERE state = 'pending' AND kind != 'notify';
      CREATE INDEX IF NOT EXISTS jobs_due_pages_by_contact ON jobs (json_extract(payload_json, '$.contactMethodId'), due_at, id) WHERE state = 'pending' AND kind = 'notify';
      CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (due_at, id) WHERE state = 'pending';
      CREATE INDEX IF NOT EXISTS jobs_running ON jobs (id) WHERE state = 'running';
      DROP INDEX IF EXISTS delivery_attempts_budget;
      CREATE INDEX IF NOT EXISTS delivery_attempts_charged ON delivery_attempts (contact_type, started_at) WHERE contact_type IN ('sms', 'voice');
    `);
  },
};
