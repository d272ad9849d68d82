/**
 * Migration 16: an incident opened by an integration remembers which one, and dedup keys are scoped to
 * it, as PagerDuty scopes them: "if two events with the same dedup_key are sent to two different
 * integrations on the same service, they will not be deduplicated" (PagerDuty, Event Management). Before,
 * a key was the service's: a staging Alertmanager's resolve could resolve production's incident when
 * both sent the same group key to one service through two integrations. Incidents opened by monitors or
 * by hand have no integration and share the service's own scope (integration_id NULL). The integration
 * of the incidents already stored is read from their details (`details.integration.id`, written with
 * every inbound trigger, when that integration is one of the incident's service: an `incidents.trigger`
 * caller may have put anything in its details), so an open one is still answered by its integration
 * after the upgrade.
 * The open incidents no integration opened are indexed by key: a monitor's recovery looks its key up
 * on every service.
 */
import type { Migration } from './index.ts';

export const m016DedupPerIntegration: Migration = {
  version: 16,
  name: '016-dedup-per-integration',
  up(db) {
    // Idempotent, as the others are (a database put back to an older schema version runs it again).
    const columns = db.prepare('PRAGMA table_info(incidents)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'integration_id')) db.exec('ALTER TABLE incidents ADD COLUMN integration_id INTEGER');
    db.exec(`
      UPDATE incidents SET integration_id = json_extract(details_json, '$.integration.id')
        WHERE integration_id IS NULL AND json_valid(details_json) AND json_type(details_json, '$.integration.id') = 'integer'
          AND EXISTS (SELECT 1 FROM integrations g WHERE g.id = json_extract(incidents.details_json, '$.integration.id') AND g.service_id = incidents.service_id);
      DROP INDEX IF EXISTS incidents_open_dedup;
      CREATE UNIQUE INDEX IF NOT EXISTS incidents_open_dedup_scoped ON incidents(service_id, COALESCE(integration_id, 0), dedup_key) WHERE status != 'resolved';
      -- A monitor's recovery resolves its key on any service (it may have moved): without this, every
      -- recovery read the whole incidents table.
      CREATE INDEX IF NOT EXISTS incidents_open_own_key ON incidents(dedup_key) WHERE status != 'resolved' AND integration_id IS NULL;
    `);
  },
};
