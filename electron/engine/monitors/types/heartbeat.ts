/**
 * Heartbeat (cron jobs, as healthchecks.io): the job calls a unique URL when it runs. Down when no
 * success ping arrives within the period plus the grace time, when a started run does not finish
 * within the grace time, or when the job reports failure (`/fail` or a non-zero exit status).
 * The pings themselves arrive through heartbeat-routes.ts; this check judges their timing.
 */
import { z } from 'zod';
import { defineMonitorType } from '../monitor-type.ts';

/** PERIOD_LIMITS are healthchecks.io's bounds for a check's timeout and grace, in seconds (https://healthchecks.io/docs/api/). */
export const PERIOD_LIMITS = { min: 60, max: 31_536_000 } as const;

const period = (what: string) =>
  z
    .number({ error: 'must be a number' })
    .int('must be whole seconds')
    .min(PERIOD_LIMITS.min, `must be ${PERIOD_LIMITS.min} to ${PERIOD_LIMITS.max} seconds${what}`)
    .max(PERIOD_LIMITS.max, `must be ${PERIOD_LIMITS.min} to ${PERIOD_LIMITS.max} seconds${what}`);

/** HeartbeatConfig is a heartbeat monitor's settings. `pingKey` is input only: it is stored hashed, never shown again. */
export const HeartbeatConfig = z.strictObject({
  /** periodSeconds: how often the job runs (a ping is expected every period). */
  periodSeconds: period(' (1 minute to 1 year)'),
  /** graceSeconds: how late a ping may be, and how long a started run may take, before the monitor is down. */
  graceSeconds: period(' (1 minute to 1 year)').default(300),
  /** pingKey: the secret part of the ping URL (a UUID); a new one is made when absent. */
  pingKey: z.uuid({ error: 'must be a UUID such as "5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278"' }).optional(),
});
export type HeartbeatConfig = z.infer<typeof HeartbeatConfig>;

const iso = (ms: number) => new Date(ms).toISOString();

/** heartbeatMonitor judges a heartbeat's pings against its period and grace time. */
export const heartbeatMonitor = defineMonitorType({
  kind: 'heartbeat',
  label: 'Heartbeat (cron job)',
  description: 'Gives a URL for a cron job to call when it runs; down when a ping is late, a run does not finish, or the job reports a failure.',
  schema: HeartbeatConfig,
  confirmsFailures: false,
  needsNetwork: () => false,
  async check(_c, ctx) {
    const hb = ctx.heartbeat();
    const now = ctx.now();
    if (!hb || hb.lastPingAt === null) return { status: 'up', pending: true, message: 'waiting for the first ping' };
    const details = { lastPingAt: iso(hb.lastPingAt), lastPingKind: hb.lastPingKind, ...(hb.expectedBy !== null ? { expectedBy: iso(hb.expectedBy) } : {}) };
    if (hb.lastPingKind === 'fail') {
      const how = hb.lastExitStatus !== null ? `exit status ${hb.lastExitStatus}` : 'a /fail ping';
      return { status: 'down', message: `the job reported a failure (${how}) at ${iso(hb.lastPingAt)}`, details: { ...details, exitStatus: hb.lastExitStatus } };
    }
    if (hb.expectedBy !== null && now > hb.expectedBy) {
      const message = hb.lastPingKind === 'start' && hb.startedAt !== null
        ? `the job started at ${iso(hb.startedAt)} and did not finish by ${iso(hb.expectedBy)}`
        : `no ping since ${iso(hb.lastPingAt)}; one was expected by ${iso(hb.expectedBy)}`;
      return { status: 'down', message, details };
    }
    const next = hb.expectedBy !== null ? `; next expected by ${iso(hb.expectedBy)}` : '';
    const took = hb.lastDurationMs !== null && hb.lastPingKind === 'success' ? ` (the run took ${Math.round(hb.lastDurationMs / 1000)} s)` : '';
    return { status: 'up', message: `last ${hb.lastPingKind === 'start' ? 'start' : 'ping'} at ${iso(hb.lastPingAt)}${took}${next}`, ...(hb.expectedBy !== null ? { nextCheckAt: hb.expectedBy + 1 } : {}) };
  },
});
