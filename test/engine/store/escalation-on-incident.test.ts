/**
 * Migration 18: an incident's escalation timer is kept on its own row (`incidents.escalate_at`), so a
 * paging incident writes one job row (its page), not two. An upgraded database moves each pending
 * escalation of an incident still at the level, round and cycle it was planned for onto the incident
 * and ends the rest (stale: they would have done nothing); the schedule's reads go through the
 * incidents' partial index; and the timer escalates when due, after a restart too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { dueEscalationsSql, IncidentRepo, NEXT_DUE, NEXT_DUE_AFTER } from '../../../electron/engine/store/incident-repo.ts';
import { migrations } from '../../../electron/engine/store/migrations/index.ts';
import { databaseAtVersion } from '../../helpers/database-at-version.ts';
import { onCallSetup, testEngine } from '../../helpers/engine.ts';
import { tempDir } from '../../helpers/headless.ts';
import { ONE_SERVICE, storesClosedAfterEach } from '../../helpers/stores.ts';
import { queryPlan } from '../../helpers/query-plan.ts';

const openStore = storesClosedAfterEach();

/**
 * atVersion17 writes a database as the build before migration 18 left it: incident 1 triggered at
 * level 2 of plan cycle 3 with its current timer (due 900) and a stale one of cycle 2 (due 500);
 * incident 2 acknowledged with a timer left pending; incident 3 triggered at low urgency, no timer;
 * and a pending page and an ack timeout, which stay as they are.
 */
function atVersion17(path: string): void {
  const db = databaseAtVersion(path, 17);
  db.exec(ONE_SERVICE);
  const incident = db.prepare(`INSERT INTO incidents (number, title, service_id, urgency, severity, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
      VALUES (?, 't', 1, ?, NULL, ?, ?, 0, ?, 1, ?, 1, '{}', 0)`);
  incident.run(1, 'high', 'triggered', 'a', 2, 3);
  incident.run(2, 'high', 'acknowledged', 'b', 1, 1);
  incident.run(3, 'low', 'triggered', 'c', 1, 1);
  const job = db.prepare("INSERT INTO jobs (incident_id, kind, due_at, key, payload_json, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0)");
  job.run(1, 'escalate', 500, 'i1:c2:r1:l1:escalate', '{"level":1,"round":1,"cycle":2}');
  job.run(1, 'escalate', 900, 'i1:c3:r1:l2:escalate', '{"level":2,"round":1,"cycle":3}');
  job.run(2, 'escalate', 300, 'i2:c1:r1:l1:escalate', '{"level":1,"round":1,"cycle":1}');
  job.run(1, 'notify', 100, 'i1:c3:r1:l2:cm9', '{"contactMethodId":9,"ruleId":null,"level":2,"round":1,"cycle":3}');
  job.run(2, 'ack_timeout', 700, 'i2:c1:ack_timeout:0', '{}');
  db.close();
}

const timers = (store: Store) => store.db.prepare('SELECT id, escalate_at FROM incidents ORDER BY id').all().map((r) => [r.id, r.escalate_at]);
const jobStates = (store: Store) => store.db.prepare('SELECT kind, due_at, state FROM jobs ORDER BY id').all().map((r) => `${r.kind}@${r.due_at}:${r.state}`);

describe('the escalation timer on the incident (migration 18)', () => {
  it("an upgraded database moves each incident's current timer onto it and ends the stale ones", () => {
    const path = join(tempDir(), 'standby.db');
    atVersion17(path);
    const store = openStore(path);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(timers(store)).toEqual([[1, 900], [2, null], [3, null]]);
    expect(jobStates(store)).toEqual(['escalate@500:cancelled', 'escalate@900:cancelled', 'escalate@300:cancelled', 'notify@100:pending', 'ack_timeout@700:pending']);
    const repo = new IncidentRepo(store);
    expect(repo.state(1).escalateAt).toBe(900);
    expect(repo.nextDue()).toBe(100);
    expect(repo.nextDueAfter(700)).toBe(900);
    expect(repo.dueTimers(1_000).map((t) => `${t.type}@${t.dueAt}`)).toEqual(['job@700', 'escalation@900']);
    expect(repo.dueTimers(800).map((t) => `${t.type}@${t.dueAt}`)).toEqual(['job@700']);
  });

  it('runs again on a database put back to version 17 without moving a timer twice', () => {
    const path = join(tempDir(), 'standby.db');
    atVersion17(path);
    const first = openStore(path);
    first.db.exec('UPDATE incidents SET escalate_at = 1200 WHERE id = 1');
    first.db.exec('DELETE FROM schema_version WHERE version >= 18');
    const jobs = jobStates(first);
    first.close();
    const again = openStore(path);
    expect(again.schemaVersion()).toBe(migrations.length);
    expect(timers(again)).toEqual([[1, 1200], [2, null], [3, null]]);
    expect(jobStates(again)).toEqual(jobs);
  });

  it("the schedule's reads go through the incidents' partial index, which holds only the timers running", () => {
    const store = openStore(':memory:');
    const plan = (sql: string, ...args: number[]) => queryPlan(store.db, sql, ...args);
    const index = (store.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'incidents_escalation_due'").get() as { sql: string }).sql;
    expect(index).toContain('WHERE escalate_at IS NOT NULL');
    // The repository's own statements: each reads both indexes, none the whole incidents or jobs table.
    for (const [sql, args] of [[NEXT_DUE, []], [NEXT_DUE_AFTER, [0]]] as const) {
      const p = plan(sql, ...args);
      expect(p).toContain('incidents_escalation_due');
      expect(p).toContain('jobs_pending');
    }
    const due = plan(dueEscalationsSql(100), 0);
    expect(due).toContain('incidents_escalation_due');
    expect(due).not.toContain('TEMP B-TREE');
  });
});

describe('an escalation timer kept on the incident', () => {
  it('a paging incident writes one job row; acknowledging ends its timer and leaves no entry in the index', async () => {
    const t = await testEngine();
    const { service, desktop } = await onCallSetup(t);
    // One rule at high urgency, so the incident's only job is its page.
    for (const r of await t.engine.invoke('notificationRules.list', {})) if (r.contactMethodId !== desktop.id) await t.engine.invoke('notificationRules.delete', { id: r.id });
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Blog returns 500' });
    if (r.status !== 'created') throw new Error(r.status);
    const db = t.engine.store.db;
    expect(db.prepare('SELECT kind FROM jobs WHERE incident_id = ?').all(r.incident.id).map((j) => j.kind)).toEqual(['notify']);
    expect(t.engine.incidents.state(r.incident.id).escalateAt).toBe(t.start + 15 * 60_000);
    const entries = () => (db.prepare('SELECT COUNT(*) AS n FROM incidents INDEXED BY incidents_escalation_due WHERE escalate_at IS NOT NULL').get() as { n: number }).n;
    expect(entries()).toBe(1);
    await t.settle();
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    expect(t.engine.incidents.state(r.incident.id).escalateAt).toBeNull();
    expect(entries()).toBe(0);
    await t.advance(60);
    expect(t.kinds()).toEqual(['desktop@0']);
  });

  it('a timer that falls due while Standby is stopped escalates at the next start', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const first = await testEngine({ databasePath });
    const { service } = await onCallSetup(first, { level1Delay: 8 });
    const r = await first.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Disk full' });
    if (r.status !== 'created') throw new Error(r.status);
    await first.settle();
    await first.engine.stop();
    // Twenty minutes later: level 1 timed out at minute 8, while nothing ran.
    await first.clock.advanceMinutes(20);
    const second = await testEngine({ databasePath, clock: first.clock });
    await second.settle();
    const inc = await second.engine.invoke('incidents.get', { id: r.incident.id });
    expect(inc.escalationLevel).toBe(2);
    expect(inc.timeline.filter((e) => e.type === 'escalate')).toHaveLength(1);
    expect(second.kinds()).toContain('email@0');
    expect(second.engine.incidents.state(r.incident.id).escalateAt).toBe(first.clock.now() + 15 * 60_000);
    await second.engine.stop();
  });

  it('a timer left on an incident that is not triggered (a row changed by hand) ends when due instead of firing at every look', async () => {
    const t = await testEngine();
    const { service } = await onCallSetup(t);
    const r = await t.engine.invoke('incidents.trigger', { serviceId: service.id, title: 'Queue stuck' });
    if (r.status !== 'created') throw new Error(r.status);
    await t.settle();
    await t.engine.invoke('incidents.acknowledge', { id: r.incident.id });
    t.engine.store.db.prepare('UPDATE incidents SET escalate_at = ? WHERE id = ?').run(t.start + 60_000, r.incident.id);
    t.engine.lifecycle.wake();
    await t.advance(2);
    const inc = await t.engine.invoke('incidents.get', { id: r.incident.id });
    expect([inc.status, inc.escalationLevel]).toEqual(['acknowledged', 1]);
    expect(t.engine.incidents.state(r.incident.id).escalateAt).toBeNull();
  });
});
