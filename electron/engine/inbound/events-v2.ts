/**
 * PagerDuty's Events API v2 alert events (`POST /v2/enqueue`), as documented at
 * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/: `readEvent` checks a parsed
 * body and lists every problem in PagerDuty's words; `applyEvent` turns a valid event into a trigger
 * (or an acknowledge, or a resolve) of the integration's service. Everything a trigger carries is
 * kept: the summary is the incident's title, the rest goes into its details or, for a trigger that
 * joins an open incident, into that alert's timeline entry.
 */
import { randomUUID } from 'node:crypto';
import { Severity } from '../../shared/schemas.ts';
import type { IncidentEngine } from '../incidents/incident-engine.ts';
import type { IntegrationRow } from './integrations-repo.ts';
import { isRecord, optionalDetails, optionalImages, optionalLinks, optionalString, optionalTimestamp, Problems, requiredString, typeName, type Image, type Link } from './validate.ts';

/** MAX_SUMMARY is PagerDuty's limit on `payload.summary`. */
export const MAX_SUMMARY = 1024;
/** MAX_DEDUP_KEY is PagerDuty's limit on `dedup_key`. */
export const MAX_DEDUP_KEY = 255;

/** EVENT_ACTIONS are the Events API v2's event actions. */
export const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
/** EventAction is one of them. */
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** TriggerPayload is a trigger's `payload` plus the event's context fields. */
export interface TriggerPayload {
  summary: string;
  source: string;
  severity: Severity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: unknown;
  links?: Link[];
  images?: Image[];
  client?: string;
  client_url?: string;
}

/** AlertEvent is a valid alert event. */
export type AlertEvent =
  | { action: 'trigger'; dedupKey: string | undefined; payload: TriggerPayload }
  | { action: 'acknowledge' | 'resolve'; dedupKey: string };

/** readEvent checks a parsed /v2/enqueue body (whose routing key was already accepted). */
export function readEvent(body: Record<string, unknown>): { ok: true; event: AlertEvent } | { ok: false; errors: string[] } {
  const p = new Problems();
  const action = readAction(body, p);
  let dedupKey = optionalString(body, 'dedup_key', 'dedup_key', p, MAX_DEDUP_KEY);
  if (dedupKey !== undefined && dedupKey.trim() === '') dedupKey = undefined;
  if (action === 'trigger') {
    const payload = readPayload(body, p);
    return p.ok && payload ? { ok: true, event: { action, dedupKey, payload } } : { ok: false, errors: p.errors };
  }
  if (action !== undefined && dedupKey === undefined && !p.errors.some((e) => e.startsWith("'dedup_key'"))) {
    p.add(`'dedup_key' is missing or blank (${action === 'acknowledge' ? 'an' : 'a'} ${action} event names the alert by its dedup_key)`);
  }
  return p.ok && action && dedupKey !== undefined ? { ok: true, event: { action, dedupKey } } : { ok: false, errors: p.errors };
}

function readAction(body: Record<string, unknown>, p: Problems): EventAction | undefined {
  const v = body.event_action;
  if (v === undefined || v === null || v === '') {
    p.add("'event_action' is missing or blank (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
    return undefined;
  }
  if (typeof v !== 'string' || !(EVENT_ACTIONS as readonly string[]).includes(v)) {
    p.add(`'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve', got ${typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeName(v)})`);
    return undefined;
  }
  return v as EventAction;
}

function readPayload(body: Record<string, unknown>, p: Problems): TriggerPayload | undefined {
  const payload = body.payload;
  if (payload === undefined || payload === null) {
    p.add("'payload' is missing or blank (a trigger event needs payload.summary, payload.source and payload.severity)");
    return undefined;
  }
  if (!isRecord(payload)) {
    p.add(`'payload' must be an object, not ${typeName(payload)}`);
    return undefined;
  }
  const summary = requiredString(payload, 'summary', 'payload.summary', p, MAX_SUMMARY);
  const source = requiredString(payload, 'source', 'payload.source', p);
  const severity = readSeverity(payload, p);
  const ts = optionalTimestamp(payload, 'timestamp', 'payload.timestamp', p);
  const fields = {
    component: optionalString(payload, 'component', 'payload.component', p),
    group: optionalString(payload, 'group', 'payload.group', p),
    class: optionalString(payload, 'class', 'payload.class', p),
    custom_details: optionalDetails(payload, 'custom_details', 'payload.custom_details', p),
    links: optionalLinks(body, 'links', p),
    images: optionalImages(body, 'images', p),
    client: optionalString(body, 'client', 'client', p),
    client_url: optionalString(body, 'client_url', 'client_url', p),
  };
  if (summary === undefined || source === undefined || severity === undefined || !p.ok) return undefined;
  const out: TriggerPayload = { summary, source, severity };
  if (ts !== undefined) out.timestamp = String(payload.timestamp);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function readSeverity(payload: Record<string, unknown>, p: Problems): Severity | undefined {
  const v = payload.severity;
  if (v === undefined || v === null || v === '') {
    p.add("'payload.severity' is missing or blank (must be one of the following: 'critical', 'warning', 'error' or 'info')");
    return undefined;
  }
  const parsed = Severity.safeParse(v);
  if (!parsed.success) {
    p.add(`'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info', got ${typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeName(v)})`);
    return undefined;
  }
  return parsed.data;
}

/** newDedupKey makes the key of a trigger sent without one: 32 hex characters, unique like PagerDuty's. */
export function newDedupKey(): string {
  return randomUUID().replaceAll('-', '');
}

/**
 * applyEvent carries out a valid event on the integration's service, as the API actor. It runs
 * inside the caller's transaction and returns the dedup key to answer with. Acknowledge and resolve
 * events for a dedup key with no open incident are dropped, as PagerDuty drops them.
 */
export function applyEvent(lifecycle: IncidentEngine, integration: IntegrationRow, event: AlertEvent): string {
  if (event.action === 'trigger') {
    const dedupKey = event.dedupKey ?? newDedupKey();
    const { summary, source, severity, ...rest } = event.payload;
    lifecycle.trigger({ serviceId: integration.serviceId, title: summary.trim(), severity, dedupKey, source, details: { ...rest, integration: { id: integration.id, name: integration.name } } }, 'api', integration.id);
    return dedupKey;
  }
  if (event.action === 'acknowledge') {
    lifecycle.actByDedupKey(integration.serviceId, event.dedupKey, { type: 'acknowledge', actor: 'api' }, integration.id);
  } else {
    lifecycle.actByDedupKey(integration.serviceId, event.dedupKey, { type: 'resolve', actor: 'api', reason: `Resolved through the Events API (integration "${integration.name}")` }, integration.id);
  }
  return event.dedupKey;
}
