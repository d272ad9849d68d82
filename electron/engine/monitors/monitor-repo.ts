/**
 * MonitorRepo is the monitor tables' one door: monitors and their judgement state, heartbeat ping
 * state, and the global pause and settings row. Inputs arrive validated (the type's config too);
 * references and unique names are checked here so errors name the field.
 */
import type { SQLInputValue } from 'node:sqlite';
import { ApiError, notFound } from '../../shared/errors.ts';
import { MonitoringSettings, type Monitor, type MonitorInput } from '../../shared/monitor-schemas.ts';
import type { Store } from '../store/database.ts';
import { initialJudgement, type JudgementState } from './judgement.ts';
import type { HeartbeatState } from './monitor-type.ts';

type Row = Record<string, SQLInputValue>;

/** MonitorRecord is a stored monitor with its runtime state. */
export interface MonitorRecord extends Monitor {
  paused: boolean;
  pausedUntil: number | null;
  judgement: JudgementState;
  hasPingKey: boolean;
}

/** MonitorSettingsFields are the MonitorInput fields kept in settings_json. */
type MonitorSettingsFields = Omit<MonitorInput, 'name' | 'kind' | 'serviceId' | 'config' | 'enabled'>;

function settingsOf(v: MonitorInput): MonitorSettingsFields {
  const { name: _n, kind: _k, serviceId: _s, config: _c, enabled: _e, ...rest } = v;
  return rest;
}

function fromRow(r: Row): MonitorRecord {
  const settings = JSON.parse(String(r.settings_json)) as MonitorSettingsFields;
  return {
    id: Number(r.id),
    name: String(r.name),
    kind: String(r.kind),
    serviceId: Number(r.service_id),
    config: JSON.parse(String(r.config_json)) as Record<string, unknown>,
    ...settings,
    enabled: r.enabled === 1,
    paused: r.paused === 1,
    pausedUntil: r.paused_until === null ? null : Number(r.paused_until),
    judgement: { ...initialJudgement(), ...(JSON.parse(String(r.judgement_json)) as Partial<JudgementState>) },
    hasPingKey: r.ping_key_sha256 !== null,
  };
}

/** MonitorRepo reads and writes monitors. */
export class MonitorRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  private get db() {
    return this.store.db;
  }

  list(): MonitorRecord[] {
    return (this.db.prepare('SELECT * FROM monitors ORDER BY name').all() as Row[]).map(fromRow);
  }

  get(id: number): MonitorRecord {
    const r = this.db.prepare('SELECT * FROM monitors WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('monitor', id);
    return fromRow(r);
  }

  /** create stores a monitor; `pingKeySha256` is a heartbeat's hashed key. */
  create(v: MonitorInput, pingKeySha256: string | null, now: number): MonitorRecord {
    this.check(v, null, '');
    const res = this.db
      .prepare('INSERT INTO monitors (name, kind, service_id, config_json, settings_json, enabled, ping_key_sha256, judgement_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(v.name, v.kind, v.serviceId, JSON.stringify(v.config), JSON.stringify(settingsOf(v)), v.enabled ? 1 : 0, pingKeySha256, JSON.stringify(initialJudgement()), now);
    return this.get(Number(res.lastInsertRowid));
  }

  /** update replaces a monitor's settings; the ping key hash changes only when one is given. A new kind starts judgement afresh. */
  update(id: number, v: MonitorInput, pingKeySha256: string | null | undefined, pathPrefix = 'value.'): MonitorRecord {
    const before = this.get(id);
    this.check(v, id, pathPrefix);
    this.db
      .prepare('UPDATE monitors SET name = ?, kind = ?, service_id = ?, config_json = ?, settings_json = ?, enabled = ? WHERE id = ?')
      .run(v.name, v.kind, v.serviceId, JSON.stringify(v.config), JSON.stringify(settingsOf(v)), v.enabled ? 1 : 0, id);
    if (pingKeySha256 !== undefined) this.db.prepare('UPDATE monitors SET ping_key_sha256 = ? WHERE id = ?').run(pingKeySha256, id);
    if (before.kind !== v.kind) {
      this.saveJudgement(id, initialJudgement());
      this.db.prepare('DELETE FROM monitor_heartbeats WHERE monitor_id = ?').run(id);
    }
    return this.get(id);
  }

  delete(id: number): void {
    this.get(id);
    this.db.prepare('DELETE FROM monitors WHERE id = ?').run(id);
  }

  setPaused(id: number, paused: boolean, until: number | null): void {
    this.db.prepare('UPDATE monitors SET paused = ?, paused_until = ? WHERE id = ?').run(paused ? 1 : 0, paused ? until : null, id);
  }

  saveJudgement(id: number, s: JudgementState): void {
    this.db.prepare('UPDATE monitors SET status = ?, status_since = ?, judgement_json = ? WHERE id = ?').run(s.status, s.since, JSON.stringify(s), id);
  }

  /** namesUsingService lists the monitors of a service (a service with monitors cannot be deleted). */
  namesUsingService(serviceId: number): string[] {
    return (this.db.prepare('SELECT name FROM monitors WHERE service_id = ? ORDER BY name').all(serviceId) as Row[]).map((r) => String(r.name));
  }

  /** setPingKeyHash stores a heartbeat's new key, hashed. */
  setPingKeyHash(id: number, hash: string): void {
    this.db.prepare('UPDATE monitors SET ping_key_sha256 = ? WHERE id = ?').run(hash, id);
  }

  /** idByPingKeyHash finds the heartbeat monitor whose key has this SHA-256. */
  idByPingKeyHash(hash: string): number | undefined {
    const r = this.db.prepare('SELECT id FROM monitors WHERE ping_key_sha256 = ?').get(hash) as Row | undefined;
    return r ? Number(r.id) : undefined;
  }

  heartbeat(id: number): HeartbeatState {
    const r = this.db.prepare('SELECT * FROM monitor_heartbeats WHERE monitor_id = ?').get(id) as Row | undefined;
    const n = (v: SQLInputValue | undefined) => (v === null || v === undefined ? null : Number(v));
    return {
      lastPingAt: n(r?.last_ping_at),
      lastPingKind: (r?.last_ping_kind ?? null) as HeartbeatState['lastPingKind'],
      lastExitStatus: n(r?.last_exit_status),
      startedAt: n(r?.started_at),
      expectedBy: n(r?.expected_by),
      lastDurationMs: n(r?.last_duration_ms),
    };
  }

  saveHeartbeat(id: number, h: HeartbeatState): void {
    this.db
      .prepare(`INSERT INTO monitor_heartbeats (monitor_id, last_ping_at, last_ping_kind, last_exit_status, started_at, expected_by, last_duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(monitor_id) DO UPDATE SET last_ping_at = excluded.last_ping_at, last_ping_kind = excluded.last_ping_kind, last_exit_status = excluded.last_exit_status,
          started_at = excluded.started_at, expected_by = excluded.expected_by, last_duration_ms = excluded.last_duration_ms`)
      .run(id, h.lastPingAt, h.lastPingKind, h.lastExitStatus, h.startedAt, h.expectedBy, h.lastDurationMs);
  }

  /** shiftHeartbeatDeadlines moves the heartbeat deadlines (all, or those after `after`) later by ms (time asleep or not running does not count). */
  shiftHeartbeatDeadlines(ms: number, after = Number.MIN_SAFE_INTEGER): void {
    this.db.prepare('UPDATE monitor_heartbeats SET expected_by = expected_by + ? WHERE expected_by IS NOT NULL AND expected_by > ?').run(Math.round(ms), after);
  }

  globalPause(): { paused: boolean; until: number | null } {
    const r = this.db.prepare('SELECT paused, paused_until FROM monitoring_state WHERE id = 1').get() as Row;
    return { paused: r.paused === 1, until: r.paused_until === null ? null : Number(r.paused_until) };
  }

  setGlobalPause(paused: boolean, until: number | null): void {
    this.db.prepare('UPDATE monitoring_state SET paused = ?, paused_until = ? WHERE id = 1').run(paused ? 1 : 0, paused ? until : null);
  }

  settings(): MonitoringSettings {
    const r = this.db.prepare('SELECT settings_json FROM monitoring_state WHERE id = 1').get() as Row;
    return MonitoringSettings.parse(JSON.parse(String(r.settings_json)));
  }

  setSettings(s: MonitoringSettings): MonitoringSettings {
    this.db.prepare('UPDATE monitoring_state SET settings_json = ? WHERE id = 1').run(JSON.stringify(s));
    return this.settings();
  }

  private check(v: MonitorInput, id: number | null, prefix: string): void {
    const service = this.db.prepare('SELECT id FROM services WHERE id = ?').get(v.serviceId);
    if (!service) throw new ApiError('invalid_input', `${prefix}serviceId: service ${v.serviceId} does not exist`, [{ path: `${prefix}serviceId`, message: `service ${v.serviceId} does not exist` }]);
    const clash = this.db.prepare('SELECT id FROM monitors WHERE name = ? AND id IS NOT ?').get(v.name, id);
    if (clash) throw new ApiError('invalid_input', `${prefix}name: a monitor named "${v.name}" already exists`, [{ path: `${prefix}name`, message: 'must be unique' }]);
  }
}
