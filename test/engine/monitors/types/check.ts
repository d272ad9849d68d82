/** runCheck runs one monitor type's check directly, with its config validated as the engine would. */
import type { CheckOutcome, HeartbeatState, MonitorType } from '../../../../electron/engine/monitors/monitor-type.ts';

/** runCheck validates `config` with the type's schema and runs its check with a timeout. */
export async function runCheck(type: MonitorType, config: unknown, opts: { timeoutMs?: number; now?: number; heartbeat?: HeartbeatState } = {}): Promise<CheckOutcome> {
  const parsed = type.schema.parse(config);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const signal = AbortSignal.timeout(timeoutMs);
  return type.check(parsed, { signal, timeoutMs, now: () => opts.now ?? Date.now(), heartbeat: () => opts.heartbeat });
}
