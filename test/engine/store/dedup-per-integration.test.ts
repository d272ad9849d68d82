/**
 * Migration 16: dedup keys are scoped to the integration whose event opened the incident (as PagerDuty
 * scopes them). A database of the version before keeps its open incidents answerable by the
 * integration that opened them: the integration is read from the incident's details.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { IncidentRepo } from '../../../electron/engine/store/incident-repo.ts';
import { databaseAtVersion } from '../../helpers/database-at-version.ts';
import { queryPlan } from '../../helpers/query-plan.ts';
import { tempDir } from '../../helpers/headless.ts';
import { ONE_SERVICE, storesClosedAfterEach } from '../../helpers/stores.ts';

const openStore = storesClosedAfterEach();

/** atVersion15 writes a database as the build before migration 16 left it: one service, two integrations, and open incidents from an integration and from a monitor. */
function atVersion15(path: string): void {
  const db = databaseAtVersion(path, 15);
  db.exec(`${ONE_SERVICE}
    INSERT INTO integrations (service_id, type, name, key_sha256, group_by, rate_limit_per_minute, created_at) VALUES (1, 'events_v2', 'prod', 'a', NULL, 0, 0), (1, 'alertmanager', 'staging', 'b', 'group', 0, 0);`);
  const incident = db.prepare(`INSERT INTO incidents (number, title, service_id, urgency, severity, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
      VALUES (?, 't', 1, 'high', NULL, 'triggered', ?, 0, 1, 1, 1, 1, ?, 0)`);
  incident.run(1, 'disk-full', JSON.stringify({ source: 'db-1', integration: { id: 1, name: 'prod' } }));
  incident.run(2, 'monitor:3', '{}');
  // Opened by hand (incidents.trigger) with details that only look like an integration's: no integration of this service has id 9.
  incident.run(3, 'by-hand', JSON.stringify({ integration: { id: 9, name: 'not one' } }));
  db.close();
}

describe('dedup keys per integration (migration 16)', () => {
  it("an upgraded database's open incidents stay in the scope of the integration that opened them", () => {
    const path = join(tempDir(), 'standby.db');
    atVersion15(path);
    const store = openStore(path);
    const repo = new IncidentRepo(store);
    expect(repo.findOpen(1, 'disk-full', 1)?.number).toBe(1);
    // The other integration of the service, and the service's own scope, do not see it.
    expect(repo.findOpen(1, 'disk-full', 2)).toBeUndefined();
    expect(repo.findOpen(1, 'disk-full')).toBeUndefined();
    // A monitor's incident (no integration) is in the service's own scope, and its key is found on any service.
    expect(repo.findOpen(1, 'monitor:3')?.number).toBe(2);
    expect(repo.openWithKey('monitor:3')).toEqual([2]);
    expect(repo.findOpen(1, 'by-hand')?.number).toBe(3);
    // One open incident per key in each scope: the same key from the other integration opens its own.
    const open = (key: string, integrationId: number | null) => repo.create({ title: 't', serviceId: 1, urgency: 'high', severity: null, dedupKey: key, createdAt: 1, details: {}, integrationId });
    expect(open('disk-full', 2).number).toBe(4);
    expect(() => open('disk-full', 1)).toThrow(/UNIQUE/);
    expect(() => open('monitor:3', null)).toThrow(/UNIQUE/);
    // Both looks read an index: an inbound event's, and a monitor's recovery (which before read every incident).
    const plan = (sql: string, ...args: Array<number | string>) => queryPlan(store.db, sql, ...args);
    expect(plan("SELECT * FROM incidents WHERE service_id = ? AND COALESCE(integration_id, 0) = ? AND dedup_key = ? AND status != 'resolved'", 1, 1, 'k')).toContain('incidents_open_dedup_scoped');
    expect(plan("SELECT id FROM incidents WHERE dedup_key = ? AND status != 'resolved' AND integration_id IS NULL ORDER BY id", 'k')).toContain('incidents_open_own_key');
  });

  it('runs again on a database put back to version 15 without changing what it did', () => {
    const path = join(tempDir(), 'standby.db');
    atVersion15(path);
    new Store(path).close();
    const db = new DatabaseSync(path);
    db.exec('DELETE FROM schema_version WHERE version >= 16');
    db.close();
    const store = openStore(path);
    expect(store.db.prepare('SELECT number, integration_id FROM incidents ORDER BY number').all().map((r) => ({ ...r }))).toEqual([{ number: 1, integration_id: 1 }, { number: 2, integration_id: null }, { number: 3, integration_id: null }]);
  });
});
