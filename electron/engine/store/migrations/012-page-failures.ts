/**
 * Migration 12: an index of delivery attempts by incident and contact method. The incident list shows
 * each incident's newest failed page that was not delivered since (IncidentRepo's PAGE_FAILURE); without
 * it each row of the list would read every attempt ever made.
 */
import type { Migration } from './index.ts';

export const m012PageFailures: Migration = {
  version: 12,
  name: '012-page-failures',
  up(db) {
    db.exec('CREATE INDEX IF NOT EXISTS delivery_attempts_incident ON delivery_attempts (incident_id, contact_method_id, id)');
  },
};
