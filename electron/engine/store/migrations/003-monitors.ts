/**
 * Migration 3: monitors (the checks Standby runs itself), every check's result, hourly and daily
 * rollups of those results, heartbeat state, and the one global "monitoring paused" switch.
 * A heartbeat's ping key is a shared secret: only its SHA-256 is stored, for lookup.
 */
import type { Migration } from './index.ts';

export const m003Monitors: Migration = {
  version: 3,
  name: '003-monitors',
  up(db) {
    db.exec(`
      -- AUTOINCREMENT: a deleted monitor's id is never given to a new one (results and dedup keys use it)
      CREATE TABLE monitors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE RESTRICT,
        -- the type's own settings (validated by the type's schema), without any secret
        config_json TEXT NOT NULL,
        -- interval, timeout, retries, recovery, flapping, severity, resolveOnRecovery
        settings_json TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        -- SHA-256 (hex) of a heartbeat's ping key; NULL for other kinds
        ping_key_sha256 TEXT UNIQUE,
        paused INTEGER NOT NULL DEFAULT 0,
        paused_until INTEGER,
        -- the judgement's state (status, streaks, flapping), so a restart keeps it
        status TEXT NOT NULL DEFAULT 'pending',
        status_since INTEGER,
        judgement_json TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL
      );
      CREATE INDEX monitors_service ON monitors(service_id);

      CREATE TABLE monitor_results (
        id INTEGER PRIMARY KEY,
        monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('up', 'degraded', 'down', 'unknown')),
        latency_ms REAL,
        dns_ms REAL,
        tcp_ms REAL,
        tls_ms REAL,
        first_byte_ms REAL,
        download_ms REAL,
        message TEXT,
        details_json TEXT
      );
      CREATE INDEX monitor_results_monitor_at ON monitor_results(monitor_id, at);

      -- bucket_ms is 3600000 (hourly) or 86400000 (daily, UTC); p95 is filled when the bucket closes.
      CREATE TABLE monitor_rollups (
        monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
        bucket_ms INTEGER NOT NULL,
        start INTEGER NOT NULL,
        checks INTEGER NOT NULL,
        up INTEGER NOT NULL,
        degraded INTEGER NOT NULL,
        down INTEGER NOT NULL,
        unknown INTEGER NOT NULL,
        latency_count INTEGER NOT NULL,
        latency_sum REAL NOT NULL,
        latency_min REAL,
        latency_max REAL,
        latency_p95 REAL,
        PRIMARY KEY (monitor_id, bucket_ms, start)
      );
      -- the buckets whose p95 is still to be computed from raw results
      CREATE INDEX monitor_rollups_open ON monitor_rollups(start) WHERE latency_p95 IS NULL AND latency_count > 0;

      CREATE TABLE monitor_heartbeats (
        monitor_id INTEGER PRIMARY KEY REFERENCES monitors(id) ON DELETE CASCADE,
        last_ping_at INTEGER,
        last_ping_kind TEXT,
        last_exit_status INTEGER,
        started_at INTEGER,
        expected_by INTEGER,
        last_duration_ms INTEGER
      );

      -- one row: the "pause all monitoring" switch and the monitoring settings (reference targets, retention)
      CREATE TABLE monitoring_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        paused INTEGER NOT NULL,
        paused_until INTEGER,
        settings_json TEXT NOT NULL
      );
      INSERT INTO monitoring_state (id, paused, paused_until, settings_json) VALUES (1, 0, NULL, '{}');
    `);
  },
};
