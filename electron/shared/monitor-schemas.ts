/** Monitors: the checks Standby runs itself, their results, uptime and the "is it me?" settings. */
import { z } from 'zod';
import { Id, Label, Severity } from './schemas.ts';

/** MonitorStatus is what a monitor shows: pending (never checked), up, degraded (up but slow), down, unknown (Standby itself was offline), or paused. */
export const MonitorStatus = z.enum(['pending', 'up', 'degraded', 'down', 'unknown', 'paused']);
export type MonitorStatus = z.infer<typeof MonitorStatus>;

/** CheckStatus is one check's verdict; unknown means Standby could not tell (it was offline). */
export const CheckStatus = z.enum(['up', 'degraded', 'down', 'unknown']);
export type CheckStatus = z.infer<typeof CheckStatus>;

const seconds = (min: number, max: number, what: string) =>
  z.number({ error: 'must be a number' }).int('must be whole seconds').min(min, `must be ${min} to ${max} seconds${what}`).max(max, `must be ${min} to ${max} seconds${what}`);

/**
 * MonitorFields are a monitor's settings without cross-field rules (the configuration file reuses
 * them). `config` holds the monitor type's own settings; the engine checks it against the type's
 * schema (see `monitors.types`), so its errors name fields such as `config.url`.
 */
export const MonitorFields = z.strictObject({
  name: Label,
  kind: z.string({ error: 'must be a monitor type such as "http"' }).regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a monitor type such as "http"'),
  serviceId: Id,
  config: z.record(z.string(), z.unknown(), { error: 'must be an object of the monitor type\'s settings' }).default({}),
  intervalSeconds: seconds(10, 86_400, ' (10 s to 1 day)').default(60),
  timeoutSeconds: seconds(1, 120, '').default(10),
  /** retries: failed checks re-checked before the monitor is down (0: the first failure is down). */
  retries: z.number().int('must be a whole number').min(0, 'must be 0 to 10').max(10, 'must be 0 to 10').default(2),
  retryIntervalSeconds: seconds(5, 3600, '').default(20),
  /** recoveryChecks: good checks in a row before a down monitor is up again. */
  recoveryChecks: z.number().int('must be a whole number').min(1, 'must be 1 to 20').max(20, 'must be 1 to 20').default(1),
  /** flapping: this many up/down changes within windowMinutes mark the monitor flapping; it then pages once. */
  flapping: z
    .strictObject({
      changes: z.number().int('must be a whole number').min(2, 'must be 2 to 100').max(100, 'must be 2 to 100').default(4),
      windowMinutes: z.number().int('must be whole minutes').min(1, 'must be 1 to 1440 minutes').max(1440, 'must be 1 to 1440 minutes').default(60),
    })
    .default({ changes: 4, windowMinutes: 60 }),
  severity: Severity.default('critical'),
  /** resolveOnRecovery: resolve the monitor's incident when it recovers (otherwise the person resolves it). */
  resolveOnRecovery: z.boolean().default(true),
  enabled: z.boolean().default(true),
});

/** monitorRules checks what spans several monitor fields: a check must time out before the next one is due. */
export function monitorRules(v: { intervalSeconds: number; timeoutSeconds: number }, ctx: z.RefinementCtx): void {
  if (v.timeoutSeconds > v.intervalSeconds) ctx.addIssue({ code: 'custom', path: ['timeoutSeconds'], message: `must be at most the check interval (${v.intervalSeconds} s)` });
}

/** MonitorInput creates or replaces a monitor: a check Standby runs on a schedule; when it fails, an incident opens on its service. */
export const MonitorInput = MonitorFields.superRefine(monitorRules);
export type MonitorInput = z.infer<typeof MonitorInput>;
export type Monitor = MonitorInput & { id: number };

/** CheckPhases are an HTTP check's timing phases in milliseconds (got's `timings.phases`); null when not measured. */
export interface CheckPhases {
  dns: number | null;
  tcp: number | null;
  tls: number | null;
  firstByte: number | null;
  download: number | null;
  total: number | null;
}

/** CheckResult is one stored check. */
export interface CheckResult {
  at: string;
  status: CheckStatus;
  latencyMs: number | null;
  phases: CheckPhases | null;
  message: string | null;
  details: Record<string, unknown> | null;
}

/** CheckMark is one check as the monitor list's up/down strip and the per-check latency line show it. */
export type CheckMark = Pick<CheckResult, 'at' | 'status' | 'latencyMs' | 'message'>;

/** MonitorChecks are checks of one monitor, oldest first: its last ones (`monitors.lastChecks`), or those since the last `monitor.checks` event. */
export interface MonitorChecks<C extends CheckMark = CheckMark> {
  monitorId: number;
  checks: C[];
}

/** MonitorView is a monitor with its live state. `pingPath` is a heartbeat's URL path, which holds its key (null when the secret store does not have it). */
export interface MonitorView extends Monitor {
  status: MonitorStatus;
  statusSince: string | null;
  /** confirming: a failure (or a recovery) is being re-checked before it counts. */
  confirming: boolean;
  /** isFlapping: the monitor changed between up and down too often lately; its incident stays open until it is stable. */
  isFlapping: boolean;
  paused: boolean;
  pausedUntil: string | null;
  lastCheck: CheckResult | null;
  pingPath: string | null;
  /** pingKeyError says why a heartbeat's ping URL cannot be shown (the keychain is locked or did not answer) or was not kept; absent when all is well. */
  pingKeyError?: string;
}

/** ReferenceTarget is a host (an IP address works without DNS) and TCP port that answers when the internet is reachable. */
export const ReferenceTarget = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').max(253, 'must be at most 253 characters'),
  port: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535'),
});
export type ReferenceTarget = z.infer<typeof ReferenceTarget>;

/** MonitoringSettings apply to every monitor: the "is it me?" reference targets, how long raw results are kept, how many checks run at once. */
export const MonitoringSettings = z.strictObject({
  /** referenceTargets: absent means the built-in ones (1.1.1.1:443, 8.8.8.8:53, 9.9.9.9:443); an empty list never considers Standby offline. */
  referenceTargets: z.array(ReferenceTarget).max(10, 'must list at most 10 targets').optional(),
  rawRetentionDays: z.number().int('must be whole days').min(2, 'must be 2 to 365 days').max(365, 'must be 2 to 365 days').default(7),
  concurrency: z.number().int('must be a whole number').min(1, 'must be 1 to 1000').max(1000, 'must be 1 to 1000').default(100),
});
export type MonitoringSettings = z.infer<typeof MonitoringSettings>;

/** MonitoringStatus is Standby's own state as a monitor: online or offline ("is it me?"), paused, asleep. */
export interface MonitoringStatus {
  /** online is null until a reference target has been tried. */
  online: boolean | null;
  offlineSince: string | null;
  checkedAt: string | null;
  paused: boolean;
  pausedUntil: string | null;
  monitors: number;
  /** lastWakeAt is when Standby last noticed the computer waking from sleep. */
  lastWakeAt: string | null;
}

/** UptimeWindowName is a period uptime is reported for. */
export const UptimeWindowName = z.enum(['24h', '7d', '30d', '90d']);
export type UptimeWindowName = z.infer<typeof UptimeWindowName>;

/**
 * UptimeFractions are every monitor's uptime per window, no more (what the monitor list shows;
 * `monitors.uptimeFractions`): `uptime[i]` is the monitor's UptimeWindow `uptime` over `windows[i]`,
 * null when no check counted.
 */
export interface UptimeFractions {
  windows: UptimeWindowName[];
  monitors: Array<{ id: number; uptime: Array<number | null> }>;
}

/** LatencySummary is the response time over a period, in milliseconds (p95 is null until the period's bucket closes). */
export interface LatencySummary {
  min: number;
  mean: number;
  p95: number | null;
  max: number;
}

/** UptimeWindow is uptime over one period: up (and degraded) checks over checks that were not unknown. */
export interface UptimeWindow {
  window: UptimeWindowName;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  /** uptime is a fraction from 0 to 1, null when no check counted. */
  uptime: number | null;
  latency: LatencySummary | null;
}

/** SeriesPoint is one hourly or daily bucket of a monitor's history. */
export interface SeriesPoint {
  start: string;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  uptime: number | null;
  latency: LatencySummary | null;
}

/** MonitorTypeInfo describes a monitor type for forms: its kind, what it checks, and its settings as JSON Schema. */
export interface MonitorTypeInfo {
  kind: string;
  label: string;
  description: string;
  configSchema: Record<string, unknown>;
}
