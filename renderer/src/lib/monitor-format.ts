/**
 * Monitors as people read them: status names, milliseconds, uptime percentages, what a monitor
 * watches in a few words, and the labels and hints of the monitor types' settings (their JSON
 * Schemas carry none).
 */
import type { CheckStatus, MonitorStatus, MonitorView } from '../../../electron/shared/monitor-schemas.ts';
import { age, humanDuration } from './format.ts';
import type { FieldText } from './schema-form.ts';

/** MONITOR_STATUS_LABELS names each monitor status (always shown with its word, never colour alone). */
export const MONITOR_STATUS_LABELS: Record<MonitorStatus | CheckStatus, string> = {
  pending: 'Pending',
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'Unknown',
  paused: 'Paused',
};

/** formatMs writes a duration in milliseconds: "84 ms", "1.24 s"; null is "–". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** checkAge says how long ago a check ran, to the second under a minute ("just now", "8 s ago", "3 min ago"). */
export function checkAge(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  return `${age(iso, now)} ago`;
}

/** checkSummary says what a strip of checks shows, for screen readers and the tooltip ("Last 30 checks: 28 up, 2 down"). */
export function checkSummary(checks: ReadonlyArray<{ status: CheckStatus }>): string {
  if (checks.length === 0) return 'No checks yet';
  const counts = new Map<CheckStatus, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const parts = (['up', 'degraded', 'down', 'unknown'] as const).filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return `Last ${checks.length === 1 ? 'check' : `${checks.length} checks`}: ${parts.join(', ')}`;
}

/**
 * formatUptime writes a fraction as a percentage with enough digits to tell 99.9 % from 100 %; null is
 * "–". Only no failure at all reads 100: one failed check in 100,000 is 99.99 %, not a rounded 100.00 %.
 */
export function formatUptime(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return '–';
  const pct = fraction * 100;
  if (pct === 100) return '100 %';
  const text = pct >= 99 ? pct.toFixed(2) : pct.toFixed(1);
  return `${text === '100.00' ? '99.99' : text} %`;
}

/**
 * monitorTarget says in a few words what a monitor watches ("GET https://…", "db:5432", "/ every 1 d").
 * It reads only settings a list row carries (ROW_CONFIG_KEYS, electron/shared/monitor-rows.ts).
 */
export function monitorTarget(m: Pick<MonitorView, 'kind' | 'config'>): string {
  const c = m.config;
  const s = (k: string): string => (typeof c[k] === 'string' ? (c[k] as string) : '');
  switch (m.kind) {
    case 'http':
      return `${s('method') || 'GET'} ${s('url')}`;
    case 'tcp':
    case 'tls':
      return `${s('host')}:${String(c.port ?? 443)}`;
    case 'process':
      return s('name') || s('pidFile');
    case 'disk':
      return s('path');
    case 'dns':
      return `${s('recordType') || 'A'} ${s('name')}`;
    case 'heartbeat':
      return typeof c.periodSeconds === 'number' ? `a ping every ${humanDuration(c.periodSeconds)}` : 'pings';
    default:
      return '';
  }
}

/** HIDDEN_CONFIG_KEYS are type settings the form leaves out: a heartbeat's key is a secret, made by Standby and changed with "Rotate key". */
export const HIDDEN_CONFIG_KEYS = ['pingKey'];

/** CONFIG_TEXTS are the labels and hints of the monitor types' settings, by key ("keyword.text" for nested ones). */
export const CONFIG_TEXTS: Record<string, FieldText> = {
  url: { label: 'URL', hint: 'http or https; no password or token in it (it is stored as written)' },
  method: { label: 'Method' },
  headers: { label: 'Request headers', hint: 'No Authorization or Cookie: settings are stored in the database and the config file' },
  body: { label: 'Request body', hint: 'Not with GET or HEAD' },
  expectedStatus: { label: 'Expected status codes', hint: 'Codes or ranges, such as 200 or 200-299' },
  followRedirects: { label: 'Follow redirects' },
  maxRedirects: { label: 'Maximum redirects' },
  ignoreTlsErrors: { label: 'Ignore TLS errors', hint: 'Accept a bad certificate (watch it with a TLS certificate monitor)' },
  keyword: { label: 'Check for a keyword in the body' },
  'keyword.text': { label: 'Keyword' },
  'keyword.mode': { label: 'The keyword must be' },
  'keyword.caseSensitive': { label: 'Case sensitive' },
  json: { label: 'Check a JSON field in the body' },
  'json.path': { label: 'JSON path', hint: 'Such as data.items[0].state' },
  'json.equals': { label: 'Equals' },
  maxResponseMs: { label: 'Slow above (ms)', hint: 'Slower answers are slow, such as 500 for "loads in under 500 ms"' },
  slowIs: { label: 'A slow answer is', hint: 'degraded pages nobody; down opens an incident' },
  host: { label: 'Host' },
  port: { label: 'Port' },
  pidFile: { label: 'PID file', hint: 'An absolute path; give a process name or a PID file' },
  minCount: { label: 'At least this many processes' },
  path: { label: 'Path', hint: 'Any path on the file system to check' },
  minFreePercent: { label: 'Minimum free (%)', hint: 'Give a percentage, a size or both' },
  minFreeMegabytes: { label: 'Minimum free (MB)' },
  recordType: { label: 'Record type' },
  expected: { label: 'Expected answer' },
  resolver: { label: 'DNS server', hint: 'Such as 1.1.1.1 or 127.0.0.1:5353; empty asks the system’s servers' },
  servername: { label: 'Server name (SNI)', hint: 'When it differs from the host' },
  minDaysRemaining: { label: 'Down when it expires in fewer days than' },
  caFile: { label: 'Extra CA file (PEM)', hint: 'An absolute path, for a private certificate authority' },
  periodSeconds: { label: 'Expected every (seconds)', hint: '86400 for a daily job' },
  graceSeconds: { label: 'Grace time (seconds)', hint: 'How late a ping may be, and how long a started run may take' },
};

/** KIND_CONFIG_TEXTS are labels that depend on the monitor type (a process's name is not a DNS name). */
const KIND_CONFIG_TEXTS: Record<string, Record<string, FieldText>> = {
  process: { name: { label: 'Process name', hint: 'As the system shows it (the first 15 characters count on Linux)' } },
  dns: { name: { label: 'Name to resolve', hint: 'Such as example.com' } },
  tls: { port: { label: 'Port' } },
};

/** configTexts are the labels and hints for one monitor type's settings. */
export function configTexts(kind: string): Record<string, FieldText> {
  return { ...CONFIG_TEXTS, ...KIND_CONFIG_TEXTS[kind] };
}
