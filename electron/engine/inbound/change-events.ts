/**
 * Change events (`POST /v2/change/enqueue`, https://developer.pagerduty.com/docs/events-api-v2/send-change-events/):
 * a deploy, a merged pull request, a configuration change. They are recorded on the service, to give
 * context when something breaks, and never page anyone.
 */
import type { SQLInputValue } from 'node:sqlite';
import type { ChangeEvent } from '../../shared/integration-schemas.ts';
import type { Store } from '../store/database.ts';
import { MAX_SUMMARY } from './events-v2.ts';
import type { IntegrationRow } from './integrations-repo.ts';
import { isRecord, optionalDetails, optionalLinks, optionalString, optionalTimestamp, Problems, requiredString, typeName, type Link } from './validate.ts';

type Row = Record<string, SQLInputValue>;

/** ChangeEventInput is a valid change event. */
export interface ChangeEventInput {
  summary: string;
  source?: string | undefined;
  timestamp?: number | undefined;
  customDetails?: unknown;
  links?: Link[] | undefined;
}

/** readChangeEvent checks a parsed /v2/change/enqueue body (whose routing key was already accepted). */
export function readChangeEvent(body: Record<string, unknown>): { ok: true; event: ChangeEventInput } | { ok: false; errors: string[] } {
  const p = new Problems();
  const payload = body.payload;
  const links = optionalLinks(body, 'links', p);
  if (payload === undefined || payload === null) {
    p.add("'payload' is missing or blank (a change event needs payload.summary)");
    return { ok: false, errors: p.errors };
  }
  if (!isRecord(payload)) {
    p.add(`'payload' must be an object, not ${typeName(payload)}`);
    return { ok: false, errors: p.errors };
  }
  const summary = requiredString(payload, 'summary', 'payload.summary', p, MAX_SUMMARY);
  const source = optionalString(payload, 'source', 'payload.source', p);
  const timestamp = optionalTimestamp(payload, 'timestamp', 'payload.timestamp', p);
  const customDetails = optionalDetails(payload, 'custom_details', 'payload.custom_details', p);
  if (!p.ok || summary === undefined) return { ok: false, errors: p.errors };
  return { ok: true, event: { summary, source, timestamp, customDetails, links } };
}

/** ChangeEventsRepo stores and lists change events. */
export class ChangeEventsRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** record stores a change event received now through an integration. */
  record(integration: IntegrationRow, e: ChangeEventInput, now: number): ChangeEvent {
    const res = this.store.db
      .prepare('INSERT INTO change_events (service_id, integration_id, summary, source, timestamp, received_at, custom_details_json, links_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(integration.serviceId, integration.id, e.summary.trim(), e.source ?? null, e.timestamp ?? null, now, JSON.stringify(e.customDetails ?? null), JSON.stringify(e.links ?? []));
    const r = this.store.prepare('SELECT * FROM change_events WHERE id = ?').get(Number(res.lastInsertRowid)) as Row;
    return fromRow(r);
  }

  /** list returns change events, newest first, with the total that match. */
  list(f: { serviceId?: number | undefined; limit: number; offset: number }): { changeEvents: ChangeEvent[]; total: number } {
    const where = f.serviceId === undefined ? '' : 'WHERE service_id = ?';
    const args: SQLInputValue[] = f.serviceId === undefined ? [] : [f.serviceId];
    const total = this.store.prepare(`SELECT COUNT(*) AS n FROM change_events ${where}`).get(...args) as { n: number };
    const rows = this.store.prepare(`SELECT * FROM change_events ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, f.limit, f.offset) as Row[];
    return { changeEvents: rows.map(fromRow), total: total.n };
  }
}

const iso = (ms: SQLInputValue | undefined): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

function fromRow(r: Row): ChangeEvent {
  return {
    id: Number(r.id),
    serviceId: Number(r.service_id),
    integrationId: r.integration_id === null ? null : Number(r.integration_id),
    summary: String(r.summary),
    source: r.source === null ? null : String(r.source),
    timestamp: iso(r.timestamp),
    receivedAt: iso(r.received_at) as string,
    customDetails: JSON.parse(String(r.custom_details_json)),
    links: JSON.parse(String(r.links_json)),
  };
}
