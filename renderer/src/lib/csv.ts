/**
 * CSV for spreadsheets (RFC 4180): a header row, then one row per record, every field quoted when it
 * holds a comma, a quote or a line break, lines ending in CRLF. A field that starts with = + - @ (or a
 * tab or carriage return) gets a leading apostrophe, so a spreadsheet shows an incident's title as text
 * instead of running it as a formula (OWASP, "CSV Injection").
 */
import type { AnalyticsSummary } from '../../../electron/shared/api.ts';
import type { Incident } from '../../../electron/shared/schemas.ts';

/** csvField writes one value as a CSV field. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** toCsv writes a header and rows. */
export function toCsv(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** INCIDENT_COLUMNS are the incident export's columns, times in ISO 8601 (UTC). */
export const INCIDENT_COLUMNS = ['number', 'title', 'service', 'status', 'urgency', 'severity', 'dedup_key', 'created_at', 'acknowledged_at', 'resolved_at', 'resolved_by', 'alerts'];

/** incidentsCsv writes incidents, one a row. */
export function incidentsCsv(incidents: Incident[]): string {
  return toCsv(
    INCIDENT_COLUMNS,
    incidents.map((i) => [i.number, i.title, i.serviceName, i.status, i.urgency, i.severity, i.dedupKey, i.createdAt, i.acknowledgedAt, i.resolvedAt, i.resolvedBy, i.alertCount]),
  );
}

/** METRICS_COLUMNS are the MTA/MTR export's columns, durations in seconds. */
export const METRICS_COLUMNS = ['service', 'incidents', 'acknowledged', 'mta_mean_s', 'mta_median_s', 'mta_p90_s', 'resolved', 'mtr_mean_s', 'mtr_median_s', 'mtr_p90_s'];

/** metricsCsv writes the MTA/MTR table: the overall row, then one per service. */
export function metricsCsv(s: AnalyticsSummary, overallLabel: string): string {
  const row = (name: string, x: AnalyticsSummary['overall']) => [name, x.incidents, x.mta.count, x.mta.meanSeconds, x.mta.medianSeconds, x.mta.p90Seconds, x.mtr.count, x.mtr.meanSeconds, x.mtr.medianSeconds, x.mtr.p90Seconds];
  return toCsv(METRICS_COLUMNS, [row(overallLabel, s.overall), ...s.services.map((x) => row(x.serviceName, x))]);
}

/** downloadText saves text as a file through a Blob URL (allowed by the CSP: nothing leaves the page). */
export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
