/**
 * Migration 4: delivery attempts (each try of each notification, and test sends), which make retries
 * durable and count the daily SMS/voice budget; and the used ack links (single use).
 */
import type { Migration } from './index.ts';

export const m004Delivery: Migration = {
  version: 4,
  name: '004-delivery',
  up(db) {
    db.exec(`
      -- One row per attempt, written (outcome 'sending') in the same commit that claims the job, and
      -- finished in the commit that records the outcome. job_id is null for test sends.
      CREATE TABLE delivery_attempts (
        id INTEGER PRIMARY KEY,
        job_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
        incident_id INTEGER REFERENCES incidents(id) ON DELETE CASCADE,
        contact_method_id INTEGER NOT NULL,
        contact_type TEXT NOT NULL,
        attempt INTEGER NOT NULL CHECK (attempt >= 1),
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        outcome TEXT NOT NULL CHECK (outcome IN ('sending', 'delivered', 'failed', 'unknown')),
        http_status INTEGER,
        error TEXT,
        -- charged: counts against the SMS/voice budget (delivered, or it may have reached the vendor).
        charged INTEGER NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX delivery_attempts_job ON delivery_attempts(job_id, attempt) WHERE job_id IS NOT NULL;
      CREATE INDEX delivery_attempts_budget ON delivery_attempts(contact_type, started_at);

      -- An ack link is signed and expires on its own; this table makes it single use.
      CREATE TABLE ack_link_uses (
        nonce TEXT PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        action TEXT NOT NULL CHECK (action IN ('acknowledge', 'resolve')),
        used_at INTEGER NOT NULL
      );
    `);
  },
};
