/**
 * Prometheus Alertmanager's webhook (payload version 4, https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Firing alerts open or update incidents and resolved ones resolve them: one incident per alert
 * group (its groupKey) or per alert (its fingerprint), as the integration says. A notification is
 * checked whole before anything is stored, and applied in one transaction.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../shared/schemas.ts';
import type { IncidentEngine } from '../incidents/incident-engine.ts';
import { MAX_DEDUP_KEY, MAX_SUMMARY } from './events-v2.ts';
import type { IntegrationRow } from './integrations-repo.ts';
import { characters, isRecord, optionalString, Problems, requiredString, typeName, type Link } from './validate.ts';

/** AM_DEFAULT_SEVERITY is Alertmanager's own default for PagerDuty events (config/notifiers.go), used when an alert has no severity label. */
export const AM_DEFAULT_SEVERITY: Severity = 'error';

type Labels = Record<string, string>;

/** AmAlert is one alert of a notification. */
export interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  generatorURL?: string | undefined;
  fingerprint: string;
}

/** AmNotification is a valid webhook body. */
export interface AmNotification {
  groupKey: string;
  status: 'firing' | 'resolved';
  receiver?: string | undefined;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL?: string | undefined;
  truncatedAlerts: number;
  alerts: AmAlert[];
}

/** readNotification checks a parsed webhook body and lists every problem. */
export function readNotification(body: Record<string, unknown>): { ok: true; notification: AmNotification } | { ok: false; errors: string[] } {
  const p = new Problems();
  if (body.version !== '4') p.add(`'version' must be "4" (Alertmanager's webhook payload version), got ${typeof body.version === 'string' ? `"${body.version.slice(0, 20)}"` : typeName(body.version)}`);
  const groupKey = requiredString(body, 'groupKey', 'groupKey', p);
  const status = readStatus(body, 'status', p);
  const receiver = optionalString(body, 'receiver', 'receiver', p);
  const externalURL = optionalString(body, 'externalURL', 'externalURL', p);
  const groupLabels = readLabels(body, 'groupLabels', p);
  const commonLabels = readLabels(body, 'commonLabels', p);
  const commonAnnotations = readLabels(body, 'commonAnnotations', p);
  const truncated = body.truncatedAlerts ?? 0;
  if (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0) p.add(`'truncatedAlerts' must be a whole number 0 or more, not ${typeName(truncated)}`);
  const alerts: AmAlert[] = [];
  if (!Array.isArray(body.alerts)) p.add(`'alerts' must be an array, not ${typeName(body.alerts)}`);
  else if (body.alerts.length === 0) p.add("'alerts' must not be empty");
  else body.alerts.forEach((a, i) => {
    const alert = readAlert(a, `alerts[${i}]`, p);
    if (alert) alerts.push(alert);
  });
  if (!p.ok || groupKey === undefined || status === undefined) return { ok: false, errors: p.errors };
  return { ok: true, notification: { groupKey, status, receiver, externalURL, groupLabels: groupLabels ?? {}, commonLabels: commonLabels ?? {}, commonAnnotations: commonAnnotations ?? {}, truncatedAlerts: truncated as number, alerts } };
}

function readStatus(obj: Record<string, unknown>, path: string, p: Problems, key = 'status'): 'firing' | 'resolved' | undefined {
  const v = obj[key];
  if (v === 'firing' || v === 'resolved') return v;
  p.add(`'${path}' must be "firing" or "resolved", got ${typeof v === 'string' ? `"${v.slice(0, 20)}"` : typeName(v)}`);
  return undefined;
}

function readLabels(obj: Record<string, unknown>, path: string, p: Problems, key = path): Labels | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) {
    p.add(`'${path}' must be an object of strings, not ${typeName(v)}`);
    return undefined;
  }
  const bad = Object.entries(v).find(([, value]) => typeof value !== 'string');
  if (bad) {
    p.add(`'${path}.${bad[0].slice(0, 40)}' must be a string, not ${typeName(bad[1])}`);
    return undefined;
  }
  return v as Labels;
}

function readAlert(a: unknown, path: string, p: Problems): AmAlert | undefined {
  if (!isRecord(a)) {
    p.add(`'${path}' must be an object, not ${typeName(a)}`);
    return undefined;
  }
  const status = readStatus(a, `${path}.status`, p);
  const labels = readLabels(a, `${path}.labels`, p, 'labels');
  const annotations = readLabels(a, `${path}.annotations`, p, 'annotations');
  const startsAt = optionalString(a, 'startsAt', `${path}.startsAt`, p);
  const endsAt = optionalString(a, 'endsAt', `${path}.endsAt`, p);
  const generatorURL = optionalString(a, 'generatorURL', `${path}.generatorURL`, p);
  const fingerprint = optionalString(a, 'fingerprint', `${path}.fingerprint`, p, MAX_DEDUP_KEY);
  if (status === undefined || (labels === undefined && a.labels !== undefined && a.labels !== null)) return undefined;
  const ls = labels ?? {};
  // Alertmanager always sends a fingerprint; a hand-written payload without one is keyed by its labels.
  const fp = fingerprint && fingerprint.trim() !== '' ? fingerprint : `labels:${sha256(JSON.stringify(Object.entries(ls).sort(([x], [y]) => (x < y ? -1 : 1))))}`;
  return { status, labels: ls, annotations: annotations ?? {}, startsAt, endsAt, generatorURL, fingerprint: fp };
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/** severityOf reads a `severity` label in PagerDuty's terms (any case); anything else is AM_DEFAULT_SEVERITY. */
export function severityOf(labels: Labels): Severity {
  const v = labels.severity?.toLowerCase();
  return v !== undefined && v in SEVERITY_RANK ? (v as Severity) : AM_DEFAULT_SEVERITY;
}

/** groupDedupKey is the dedup key of an alert group: its groupKey, or a hash of it when longer than a dedup key may be. */
export function groupDedupKey(groupKey: string): string {
  return groupKey.length <= MAX_DEDUP_KEY ? groupKey : `groupKey-sha256:${sha256(groupKey)}`;
}

/**
 * applyNotification carries out a notification on the integration's service and returns the dedup
 * keys it touched. It runs inside the caller's transaction.
 */
export function applyNotification(lifecycle: IncidentEngine, integration: IntegrationRow, n: AmNotification): string[] {
  const via = { id: integration.id, name: integration.name };
  const context = { receiver: n.receiver ?? null, groupKey: n.groupKey, groupLabels: n.groupLabels, externalURL: n.externalURL ?? null };
  const resolveReason = `Resolved by Alertmanager (integration "${integration.name}")`;
  if (integration.groupBy === 'alert') {
    for (const a of n.alerts) {
      if (a.status === 'resolved') {
        lifecycle.actByDedupKey(integration.serviceId, a.fingerprint, { type: 'resolve', actor: 'api', reason: resolveReason }, integration.id);
        continue;
      }
      const name = a.labels.alertname ?? 'Alert';
      const summary = a.annotations.summary ?? a.annotations.description;
      lifecycle.trigger({
        serviceId: integration.serviceId,
        title: clip(summary ? `${name}: ${summary}` : `${name}${labelText(a.labels, ['alertname'])}`),
        severity: severityOf(a.labels),
        dedupKey: a.fingerprint,
        source: a.labels.instance ?? a.labels.job ?? n.receiver ?? 'alertmanager',
        details: { alertmanager: context, alert: a, links: linksOf(n, [a]), integration: via },
      }, 'api', integration.id);
    }
    return n.alerts.map((a) => a.fingerprint);
  }
  const dedupKey = groupDedupKey(n.groupKey);
  if (n.status === 'resolved') {
    lifecycle.actByDedupKey(integration.serviceId, dedupKey, { type: 'resolve', actor: 'api', reason: resolveReason }, integration.id);
    return [dedupKey];
  }
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const name = n.commonLabels.alertname ?? n.groupLabels.alertname ?? 'Alertmanager alerts';
  const summary = n.commonAnnotations.summary ?? n.commonAnnotations.description;
  const severity = firing.map((a) => severityOf(a.labels)).reduce<Severity>((top, s) => (SEVERITY_RANK[s] > SEVERITY_RANK[top] ? s : top), 'info');
  lifecycle.trigger({
    serviceId: integration.serviceId,
    title: clip(summary ? `${name}: ${summary}` : `${name}${labelText(n.groupLabels, ['alertname'])}`),
    severity: firing.length > 0 ? severity : AM_DEFAULT_SEVERITY,
    dedupKey,
    source: n.commonLabels.instance ?? n.commonLabels.job ?? n.receiver ?? 'alertmanager',
    details: {
      alertmanager: { ...context, commonLabels: n.commonLabels, commonAnnotations: n.commonAnnotations, truncatedAlerts: n.truncatedAlerts },
      num_firing: firing.length,
      num_resolved: n.alerts.length - firing.length,
      alerts: n.alerts,
      links: linksOf(n, firing),
      integration: via,
    },
  }, 'api', integration.id);
  return [dedupKey];
}

function linksOf(n: AmNotification, alerts: AmAlert[]): Link[] {
  const links: Link[] = [];
  if (n.externalURL) links.push({ href: n.externalURL, text: 'Alertmanager' });
  for (const a of alerts.slice(0, 10)) if (a.generatorURL) links.push({ href: a.generatorURL, text: `Source of ${a.labels.alertname ?? 'the alert'}` });
  return links;
}

function labelText(labels: Labels, skip: string[]): string {
  const parts = Object.entries(labels).filter(([k]) => !skip.includes(k)).map(([k, v]) => `${k}=${v}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** clip keeps a title within MAX_SUMMARY characters (code points: a pair of surrogates is never cut in two). */
function clip(s: string): string {
  const t = s.trim() || 'Alertmanager alert';
  return characters(t) > MAX_SUMMARY ? `${Array.from(t).slice(0, MAX_SUMMARY - 3).join('')}...` : t;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
