/**
 * Migration 8: answers from the phone. `page_receipts` records what a two-way channel answered when
 * it delivered a page (a Telegram message id, a Pushover receipt, an SMS sid), so an answer can be
 * matched to its incident and the page closed (edited, cancelled) when the incident is acknowledged
 * anywhere. `responder_state` keeps where each responder's polling stands (Telegram's update offset, the
 * last SMS seen), written in the same transaction as the answers it applied, so a restart resumes
 * there and no answer is applied twice.
 */
import type { Migration } from './index.ts';

export const m008Responders: Migration = {
  version: 8,
  name: '008-responders',
  up(db) {
    db.exec(`
      CREATE TABLE page_receipts (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        contact_method_id INTEGER,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        receipt TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        closed_at INTEGER
      );
      CREATE INDEX page_receipts_incident ON page_receipts (incident_id);
      CREATE INDEX page_receipts_receipt ON page_receipts (channel, receipt);
      CREATE INDEX page_receipts_address ON page_receipts (channel, address, created_at);

      CREATE TABLE responder_state (
        name TEXT PRIMARY KEY,
        cursor TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
  },
};
