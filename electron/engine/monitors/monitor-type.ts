/**
 * What a monitor type is: a `kind`, a zod schema for its settings (which also drives validation
 * errors and the UI's form), and one async `check`. Retries, confirmation, flapping, "is it me?",
 * scheduling and storage live around the check, never inside it (see runner.ts).
 */
import { isIP } from 'node:net';
import type { z } from 'zod';
import type { CheckPhases } from '../../shared/monitor-schemas.ts';
import { ApiError } from '../../shared/errors.ts';

/** Verdict is what a check itself can say: up, degraded (up but slow), or down. */
export type Verdict = 'up' | 'degraded' | 'down';

/** CheckOutcome is one check's result as the type reports it. */
export interface CheckOutcome {
  status: Verdict;
  /** message says what was seen, for people: "HTTP 200 in 42 ms", "connection refused". */
  message: string;
  latencyMs?: number | undefined;
  phases?: CheckPhases | undefined;
  /** details go into the incident's timeline when the check fails (status code, days left, ...). */
  details?: Record<string, unknown> | undefined;
  /** nextCheckAt asks for the next check at this time if it is sooner than the interval (a heartbeat's deadline). */
  nextCheckAt?: number | undefined;
  /** pending: there is nothing to judge yet (a heartbeat never pinged); nothing is stored. */
  pending?: boolean | undefined;
}

/** HeartbeatState is what Standby knows of a heartbeat's pings (heartbeat monitors only). */
export interface HeartbeatState {
  lastPingAt: number | null;
  lastPingKind: 'success' | 'start' | 'fail' | null;
  lastExitStatus: number | null;
  startedAt: number | null;
  /** expectedBy is when the next success ping must have arrived (null before the first ping). */
  expectedBy: number | null;
  lastDurationMs: number | null;
}

/** CheckContext is what a check may use besides its settings. */
export interface CheckContext {
  /** signal aborts when the monitor's timeout passes or Standby stops. */
  signal: AbortSignal;
  timeoutMs: number;
  now(): number;
  /** heartbeat reads the monitor's ping state (heartbeat monitors only). */
  heartbeat(): HeartbeatState | undefined;
}

/** MonitorType is one kind of check. */
export interface MonitorType<S extends z.ZodType = z.ZodType> {
  kind: string;
  label: string;
  description: string;
  schema: S;
  /**
   * needsNetwork tells whether a failure could be Standby's own connectivity: if so, a failure
   * counts only after "is it me?" says this computer is online. Local things (loopback, processes,
   * disks, heartbeats) never wait for it.
   */
  needsNetwork(config: z.output<S>): boolean;
  /** confirmsFailures is false for types whose failure is already certain (a heartbeat): retries do not apply. */
  confirmsFailures: boolean;
  /**
   * startsEarly: a check may start a few milliseconds before it is due, with others due then (the
   * scheduler's coalescing), because it only looks at something now (a probe). Not a heartbeat,
   * whose check judges a deadline. Left out: never early.
   */
  startsEarly?: boolean;
  check(config: z.output<S>, ctx: CheckContext): Promise<CheckOutcome>;
}

/** defineMonitorType gives a type literal its precise config type. */
export function defineMonitorType<S extends z.ZodType>(t: MonitorType<S>): MonitorType<S> {
  return t;
}

/** isLoopbackHost tells whether a host name or address is this computer (so no network is involved). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || h.startsWith('::ffff:127.');
  return false;
}

/** errorText is an error's message, with its code when Node gives one ("ECONNREFUSED: connect ... refused"). */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // An ApiError's code is the API's (internal, conflict), not the system's; its message says it all.
  if (err instanceof ApiError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

/** round rounds a duration to 0.01 ms for storage and display. */
export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
