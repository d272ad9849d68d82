/** MonitorRunnerOptions tune the monitor runner; the defaults suit a laptop, tests and the benchmark change them. */
import type { MonitorTypeRegistry } from './registry.ts';

/** MonitorRunnerOptions tune the runner (tests and the benchmark change them; the defaults suit a laptop). */
export interface MonitorRunnerOptions {
  types?: MonitorTypeRegistry;
  /** maxTickMs: the scheduler looks at the wall clock at least this often (5 s). */
  maxTickMs?: number;
  /** sleepGapMs: a tick this much later than planned means the computer slept (30 s). */
  sleepGapMs?: number;
  /** wakeSettleMs: after a wake, checks wait this long for the network to come back (5 s). */
  wakeSettleMs?: number;
  /** flushMs: results are written in one transaction at most this often (1 s). */
  flushMs?: number;
  /** coalesceMs: a probe's check may start this much before it is due, with the checks due then (25 ms; see scheduler.ts). */
  coalesceMs?: number;
  /** maintenanceMs: how often p95s are computed for closed buckets and old results pruned (10 min). */
  maintenanceMs?: number;
  /**
   * closeSliceMs: the maintenance (closing buckets, a p95 from each one's raw results; then pruning raw
   * results) stops after this long and goes on closePauseMs later, so the close of a day at 2,000
   * monitors (over a minute of queries) or pruning 120,000 results never holds the checks and inbound
   * alerts up for longer than a slice (50 ms and 50 ms).
   */
  closeSliceMs?: number;
  closePauseMs?: number;
  /** offlineRecheckMs: while offline, the reference targets are tried this often (30 s). */
  offlineRecheckMs?: number;
  connectivityTimeoutMs?: number;
  connectivityCacheMs?: number;
}

/** RunnerTuning is the options with every default filled in. */
export type RunnerTuning = Required<Omit<MonitorRunnerOptions, 'types'>>;

/** withDefaults fills in the defaults. */
export function withDefaults(o: MonitorRunnerOptions): RunnerTuning {
  return {
    maxTickMs: o.maxTickMs ?? 5000,
    sleepGapMs: o.sleepGapMs ?? 30_000,
    wakeSettleMs: o.wakeSettleMs ?? 5000,
    flushMs: o.flushMs ?? 1000,
    coalesceMs: o.coalesceMs ?? 25,
    maintenanceMs: o.maintenanceMs ?? 10 * 60_000,
    closeSliceMs: o.closeSliceMs ?? 50,
    closePauseMs: o.closePauseMs ?? 50,
    offlineRecheckMs: o.offlineRecheckMs ?? 30_000,
    connectivityTimeoutMs: o.connectivityTimeoutMs ?? 3000,
    connectivityCacheMs: o.connectivityCacheMs ?? 15_000,
  };
}
