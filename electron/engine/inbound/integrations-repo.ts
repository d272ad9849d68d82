/**
 * IntegrationsRepo is the integrations table's one door. It never sees a routing key, only its
 * SHA-256: `findByKeyHash` is the per-request lookup, with its statement prepared once.
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { notFound } from '../../shared/errors.ts';
import type { AlertGrouping, IntegrationType } from '../../shared/integration-schemas.ts';
import type { Store } from '../store/database.ts';

type Row = Record<string, SQLInputValue>;

/** IntegrationRow is an integration as stored (times in epoch milliseconds). */
export interface IntegrationRow {
  id: number;
  serviceId: number;
  type: IntegrationType;
  name: string;
  keySha256: string;
  groupBy: AlertGrouping | null;
  rateLimitPerMinute: number;
  createdAt: number;
  keyRotatedAt: number | null;
}

/** NewIntegration is what creating an integration stores. */
export interface NewIntegration {
  serviceId: number;
  type: IntegrationType;
  name: string;
  keySha256: string;
  groupBy: AlertGrouping | null;
  rateLimitPerMinute: number;
  createdAt: number;
}

/** IntegrationsRepo reads and writes integrations. */
export class IntegrationsRepo {
  private readonly store: Store;
  private byHash: StatementSync | undefined;

  constructor(store: Store) {
    this.store = store;
  }


  /** findByKeyHash finds the integration a key belongs to (the hot path of every inbound request). */
  findByKeyHash(keySha256: string): IntegrationRow | undefined {
    this.byHash ??= this.store.prepare('SELECT * FROM integrations WHERE key_sha256 = ?');
    const r = this.byHash.get(keySha256) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  get(id: number): IntegrationRow {
    const r = this.store.prepare('SELECT * FROM integrations WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('integration', id);
    return fromRow(r);
  }

  /** list returns integrations, of one service or all, oldest first. */
  list(serviceId?: number): IntegrationRow[] {
    const rows = serviceId === undefined
      ? this.store.prepare('SELECT * FROM integrations ORDER BY id').all()
      : this.store.prepare('SELECT * FROM integrations WHERE service_id = ? ORDER BY id').all(serviceId);
    return (rows as Row[]).map(fromRow);
  }

  create(n: NewIntegration): IntegrationRow {
    const res = this.store
      .prepare('INSERT INTO integrations (service_id, type, name, key_sha256, group_by, rate_limit_per_minute, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(n.serviceId, n.type, n.name, n.keySha256, n.groupBy, n.rateLimitPerMinute, n.createdAt);
    return this.get(Number(res.lastInsertRowid));
  }

  update(id: number, v: { name: string; groupBy: AlertGrouping | null; rateLimitPerMinute: number }): IntegrationRow {
    this.store.prepare('UPDATE integrations SET name = ?, group_by = ?, rate_limit_per_minute = ? WHERE id = ?').run(v.name, v.groupBy, v.rateLimitPerMinute, id);
    return this.get(id);
  }

  /** setKeyHash replaces an integration's key (rotation): the old key stops working at once. */
  setKeyHash(id: number, keySha256: string, now: number): IntegrationRow {
    this.store.prepare('UPDATE integrations SET key_sha256 = ?, key_rotated_at = ? WHERE id = ?').run(keySha256, now, id);
    return this.get(id);
  }

  delete(id: number): void {
    this.store.prepare('DELETE FROM integrations WHERE id = ?').run(id);
  }
}

function fromRow(r: Row): IntegrationRow {
  return {
    id: Number(r.id),
    serviceId: Number(r.service_id),
    type: String(r.type) as IntegrationType,
    name: String(r.name),
    keySha256: String(r.key_sha256),
    groupBy: r.group_by === null ? null : (String(r.group_by) as AlertGrouping),
    rateLimitPerMinute: Number(r.rate_limit_per_minute),
    createdAt: Number(r.created_at),
    keyRotatedAt: r.key_rotated_at === null ? null : Number(r.key_rotated_at),
  };
}
