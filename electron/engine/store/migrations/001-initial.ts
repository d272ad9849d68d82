/** Migration 1: profile, contact methods, rules, policies, services, incidents, their timeline and durable jobs. */
import type { Migration } from './index.ts';

export const m001Initial: Migration = {
  version: 1,
  name: '001-initial',
  up(db) {
    db.exec(`
      CREATE TABLE profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        phone TEXT NOT NULL,
        time_zone TEXT NOT NULL
      );

      CREATE TABLE contact_methods (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        label TEXT NOT NULL,
        address TEXT NOT NULL,
        secret_ref TEXT
      );

      CREATE TABLE notification_rules (
        id INTEGER PRIMARY KEY,
        urgency TEXT NOT NULL CHECK (urgency IN ('high', 'low')),
        start_delay_minutes INTEGER NOT NULL CHECK (start_delay_minutes >= 0),
        contact_method_id INTEGER NOT NULL REFERENCES contact_methods(id) ON DELETE RESTRICT
      );

      CREATE TABLE escalation_policies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL,
        levels_json TEXT NOT NULL,
        repeat_count INTEGER NOT NULL CHECK (repeat_count BETWEEN 0 AND 9)
      );

      CREATE TABLE services (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL,
        escalation_policy_id INTEGER NOT NULL REFERENCES escalation_policies(id) ON DELETE RESTRICT,
        urgency_rule_json TEXT NOT NULL,
        ack_timeout_minutes INTEGER NOT NULL,
        auto_resolve_minutes INTEGER NOT NULL,
        maintenance_json TEXT NOT NULL,
        enabled INTEGER NOT NULL
      );

      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        title TEXT NOT NULL,
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE RESTRICT,
        urgency TEXT NOT NULL CHECK (urgency IN ('high', 'low')),
        severity TEXT,
        status TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
        dedup_key TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        resolved_at INTEGER,
        resolved_by TEXT,
        snoozed_until INTEGER,
        escalation_level INTEGER NOT NULL,
        escalation_round INTEGER NOT NULL,
        cycle INTEGER NOT NULL,
        alert_count INTEGER NOT NULL,
        details_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- Events API v2 dedup: at most one open incident per service and dedup key.
      CREATE UNIQUE INDEX incidents_open_dedup ON incidents(service_id, dedup_key) WHERE status != 'resolved';
      CREATE INDEX incidents_created ON incidents(created_at);
      CREATE INDEX incidents_status ON incidents(status);

      CREATE TABLE log_entries (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        actor TEXT NOT NULL,
        message TEXT NOT NULL,
        data_json TEXT NOT NULL
      );
      CREATE INDEX log_entries_incident ON log_entries(incident_id, id);

      -- Durable timers: every planned notification, escalation and timeout is a row with its due time,
      -- so a restart or a laptop's sleep delays it but never loses it. key is the idempotency key.
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        key TEXT NOT NULL UNIQUE,
        payload_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'cancelled')),
        created_at INTEGER NOT NULL,
        done_at INTEGER
      );
      CREATE INDEX jobs_due ON jobs(state, due_at);
      CREATE INDEX jobs_incident ON jobs(incident_id, state);

      -- Settings of each notification channel (never secrets: those live in the OS keychain).
      CREATE TABLE channel_settings (
        kind TEXT PRIMARY KEY,
        config_json TEXT NOT NULL
      );
    `);
  },
};
