/**
 * Migration 14: the jobs' indexes hold only the open jobs (pending, running) and the incident index
 * has no state in it, so a page's moves (pending -> running -> done) dirty fewer pages per commit.
 * A database of the version before keeps its jobs, and every query of the schedule still reads an
 * index, not the whole table (which holds every job ever run).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { IncidentRepo } from '../../../electron/engine/store/incident-repo.ts';
import { databaseAtVersion } from '../../helpers/database-at-version.ts';
import { queryPlan } from '../../helpers/query-plan.ts';
import { tempDir } from '../../helpers/headless.ts';
import { ONE_SERVICE, storesClosedAfterEach } from '../../helpers/stores.ts';

const openStore = storesClosedAfterEach();

/** ONE_INCIDENT is a service's triggered incident, for the jobs to belong to. */
const ONE_INCIDENT = `${ONE_SERVICE}
    INSERT INTO incidents (number, title, service_id, urgency, severity, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
      VALUES (1, 't', 1, 'high', NULL, 'triggered', 'k', 0, 1, 1, 1, 1, '{}', 0);`;

/** atVersion13 writes a database as the build before migration 14 left it, with a job in each state. */
function atVersion13(path: string): void {
  const db = databaseAtVersion(path, 13);
  db.exec(ONE_INCIDENT);
  const job = db.prepare("INSERT INTO jobs (incident_id, kind, due_at, key, payload_json, state, created_at) VALUES (1, ?, ?, ?, '{\"contactMethodId\":1}', ?, 0)");
  for (const [kind, due, state] of [['notify', 10, 'pending'], ['ack_timeout', 20, 'pending'], ['notify', 5, 'running'], ['notify', 1, 'done'], ['notify', 2, 'cancelled']] as const) job.run(kind, due, `${kind}-${state}`, state);
  db.close();
}

const plan = (store: Store, sql: string, ...args: Array<number | string>) => queryPlan(store.db, sql, ...args);

describe("the jobs' indexes (migration 14)", () => {
  it('an upgraded database keeps its jobs, and the schedule is read through the open jobs alone', () => {
    const path = join(tempDir(), 'standby.db');
    atVersion13(path);
    const store = openStore(path);
    const indexes = (store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    // jobs_by_incident (migration 14) became the key's index per incident, jobs_key (migration 17).
    expect(indexes).toEqual(['jobs_due_pages_by_contact', 'jobs_due_timers', 'jobs_key', 'jobs_pending', 'jobs_running']);
    const repo = new IncidentRepo(store);
    expect(repo.nextDue()).toBe(10);
    expect(repo.nextDueAfter(10)).toBe(20);
    expect(repo.due(100).map((j) => `${j.kind}@${j.dueAt}`)).toEqual(['notify@10', 'ack_timeout@20']);
    expect(repo.running().map((j) => j.key)).toEqual(['notify-running']);
    expect(repo.pendingJobs(1).map((j) => j.key)).toEqual(['notify-pending', 'ack_timeout-pending']);
    // Each of the schedule's reads goes through an index; none scans every job ever run.
    expect(plan(store, "SELECT MIN(due_at) AS t FROM jobs WHERE state = 'pending'")).toContain('jobs_pending');
    expect(plan(store, "SELECT MIN(due_at) AS t FROM jobs WHERE state = 'pending' AND due_at > ?", 0)).toContain('jobs_pending');
    expect(plan(store, "SELECT * FROM jobs WHERE state = 'running' ORDER BY id")).toContain('jobs_running');
    expect(plan(store, "SELECT * FROM jobs WHERE incident_id = ? AND state = 'pending' ORDER BY due_at, id", 1)).toContain('jobs_key');
    expect(plan(store, "UPDATE jobs SET state = 'cancelled', done_at = ? WHERE incident_id = ? AND state = 'pending' AND kind IN (?, ?)", 0, 1, 'notify', 'ack_timeout')).toContain('jobs_key');
  });

  it('a job that runs and is done leaves no entry in the open jobs\' indexes', () => {
    const store = openStore(':memory:');
    onePendingPage(store);
    const repo = new IncidentRepo(store);
    const [job] = repo.due(100);
    expect(repo.setJobState(job!.id, 'pending', 'running', 1)).toBe(true);
    expect(repo.running().map((j) => j.id)).toEqual([job!.id]);
    expect(repo.setJobState(job!.id, 'running', 'done', 2)).toBe(true);
    const entries = (index: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM jobs INDEXED BY ${index} WHERE state = '${index === 'jobs_pending' ? 'pending' : 'running'}'`).get() as { n: number }).n;
    expect(entries('jobs_pending')).toBe(0);
    expect(entries('jobs_running')).toBe(0);
    expect(repo.running()).toEqual([]);
  });
});

/** onePendingPage adds one pending page to a fresh store. */
function onePendingPage(store: Store): void {
  store.db.exec(ONE_INCIDENT);
  store.db.exec(`INSERT INTO jobs (incident_id, kind, due_at, key, payload_json, state, created_at) VALUES (1, 'notify', 0, 'n', '{"contactMethodId":1}', 'pending', 0)`);
}
