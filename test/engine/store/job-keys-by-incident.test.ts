/**
 * Migration 17: a job's key is unique per incident (one index on (incident_id, key), whose new entries
 * go to its end) instead of on its own, and the SMS/voice budget's index holds only the attempts it
 * counts. The jobs table is rebuilt with foreign keys off, so the delivery attempts that point at its
 * jobs are kept: with them on, dropping the old table would delete every attempt by ON DELETE CASCADE.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { BUDGETED_TYPES } from '../../../electron/engine/notify/budget.ts';
import { DeliveryRepo } from '../../../electron/engine/notify/delivery-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { migrations } from '../../../electron/engine/store/migrations/index.ts';
import { IncidentRepo } from '../../../electron/engine/store/incident-repo.ts';
import { databaseAtVersion } from '../../helpers/database-at-version.ts';
import { queryPlan } from '../../helpers/query-plan.ts';
import { tempDir } from '../../helpers/headless.ts';
import { ONE_SERVICE, storesClosedAfterEach } from '../../helpers/stores.ts';

const openStore = storesClosedAfterEach();

/** atVersion16 writes a database as the build before migration 17 left it: two incidents, their jobs in each state, and attempts of the pages. */
function atVersion16(path: string): void {
  const db = databaseAtVersion(path, 16);
  db.exec(ONE_SERVICE);
  const incident = db.prepare(`INSERT INTO incidents (number, title, service_id, urgency, severity, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
      VALUES (?, 't', 1, 'high', NULL, 'triggered', ?, 0, 1, 1, 1, 1, '{}', 0)`);
  incident.run(1, 'a');
  incident.run(2, 'b');
  const job = db.prepare("INSERT INTO jobs (incident_id, kind, due_at, key, payload_json, state, created_at) VALUES (?, ?, ?, ?, '{\"contactMethodId\":1}', ?, 0)");
  for (const [incidentId, kind, due, state] of [[1, 'notify', 10, 'pending'], [1, 'ack_timeout', 20, 'pending'], [1, 'notify', 5, 'running'], [2, 'notify', 1, 'done'], [2, 'notify', 2, 'cancelled']] as const) {
    job.run(incidentId, kind, due, `i${incidentId}:${kind}-${state}`, state);
  }
  const attempt = db.prepare("INSERT INTO delivery_attempts (job_id, incident_id, contact_method_id, contact_type, attempt, started_at, outcome) VALUES (?, ?, 1, ?, 1, ?, ?)");
  attempt.run(3, 1, 'desktop', 100, 'sending');
  attempt.run(4, 2, 'sms', 100, 'delivered');
  attempt.run(5, 2, 'voice', 200, 'failed');
  db.close();
}

const plan = (store: Store, sql: string, ...args: Array<number | string>) => queryPlan(store.db, sql, ...args);

const jobsOf = (store: Store) => store.db.prepare('SELECT id, incident_id, kind, due_at, key, state FROM jobs ORDER BY id').all();

describe("jobs' keys per incident (migration 17)", () => {
  it('an upgraded database keeps every job with its id, and every attempt of a page', () => {
    const path = join(tempDir(), 'standby.db');
    atVersion16(path);
    const before = new DatabaseSync(path);
    const jobs = before.prepare('SELECT id, incident_id, kind, due_at, key, state FROM jobs ORDER BY id').all();
    before.close();
    const store = openStore(path);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(jobsOf(store)).toEqual(jobs);
    expect(store.db.prepare('SELECT job_id FROM delivery_attempts ORDER BY id').all().map((r) => r.job_id)).toEqual([3, 4, 5]);
    // Foreign keys are on again, the attempts point at the rebuilt table, and deleting an incident still cascades.
    expect(store.db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    expect(store.db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    store.db.exec('DELETE FROM incidents WHERE id = 2');
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE incident_id = 2').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT job_id FROM delivery_attempts ORDER BY id').all().map((r) => r.job_id)).toEqual([3]);
    const indexes = (store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toEqual(['jobs_due_pages_by_contact', 'jobs_due_timers', 'jobs_key', 'jobs_pending', 'jobs_running']);
  });

  it("a key is planned once per incident, and an incident's jobs are read through the key's index", () => {
    const path = join(tempDir(), 'standby.db');
    atVersion16(path);
    const store = openStore(path);
    const repo = new IncidentRepo(store);
    const job = { kind: 'ack_timeout' as const, dueAt: 30, key: 'i1:c1:ack_timeout', payload: {} };
    repo.schedule(1, job, 0);
    repo.schedule(1, { ...job, dueAt: 40 }, 0);
    expect(repo.pendingJobs(1).map((j) => `${j.key}@${j.dueAt}`)).toEqual(['i1:notify-pending@10', 'i1:ack_timeout-pending@20', 'i1:c1:ack_timeout@30']);
    expect(plan(store, "SELECT * FROM jobs WHERE incident_id = ? AND state = 'pending' ORDER BY due_at, id", 1)).toContain('jobs_key');
    expect(plan(store, "UPDATE jobs SET state = 'cancelled', done_at = ? WHERE incident_id = ? AND state = 'pending' AND kind IN (?, ?)", 0, 1, 'notify', 'ack_timeout')).toContain('jobs_key');
    // The schedule's own reads are as before (migration 14).
    expect(repo.nextDue()).toBe(10);
    expect(repo.running().map((j) => j.key)).toEqual(['i1:notify-running']);
  });

  it("the budget counts SMS and calls through an index of those alone", () => {
    const path = join(tempDir(), 'standby.db');
    atVersion16(path);
    const store = openStore(path);
    expect([...BUDGETED_TYPES].sort()).toEqual(['sms', 'voice']);
    expect(new DeliveryRepo(store).charged(0, 1_000)).toBe(2);
    expect(new DeliveryRepo(store).charged(150, 1_000)).toBe(1);
    const sql = (store.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'delivery_attempts_charged'").get() as { sql: string }).sql;
    expect(sql).toContain("WHERE contact_type IN ('sms', 'voice')");
    // A desktop page's attempt has no entry in it.
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM delivery_attempts INDEXED BY delivery_attempts_charged WHERE contact_type IN ('sms', 'voice')").get()).toEqual({ n: 2 });
    expect(plan(store, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE contact_type IN ('sms', 'voice') AND started_at >= ? AND started_at < ? AND charged = 1", 0, 1)).toContain('delivery_attempts_charged');
  });

  it('runs again on a database put back to version 16 without changing what it did', () => {
    const path = join(tempDir(), 'standby.db');
    atVersion16(path);
    const first = openStore(path);
    const jobs = jobsOf(first);
    first.db.exec('DELETE FROM schema_version WHERE version >= 17');
    first.close();
    const again = openStore(path);
    expect(again.schemaVersion()).toBe(migrations.length);
    expect(jobsOf(again)).toEqual(jobs);
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM delivery_attempts').get()).toEqual({ n: 3 });
  });
});
