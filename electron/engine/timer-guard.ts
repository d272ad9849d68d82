/**
 * Work that runs from a timer (the incident scheduler, monitor checks, backups) has nobody to answer
 * to when it fails: an exception there would end the process (Node exits on an unhandled
 * rejection). guardTimers wraps the engine's clock so every timer callback's failure is handed to
 * one handler instead, which logs it (the same line at most once a minute) and reports a storage
 * failure to the health. The failed work is left to its owner's next run, at most once a second:
 * job rows stay due, and buffered results stay buffered.
 */
import type { Clock } from './clock.ts';

/** FAILURE_BACKOFF_MS is the shortest wait for any timer set within this long after a timer's work failed. */
export const FAILURE_BACKOFF_MS = 1000;

/**
 * guardTimers returns a clock whose timers never throw: a failure goes to onError. Work that fails
 * and re-arms itself at once (the incident scheduler finding the same due job on a full disk) is
 * tried once more at once (its re-arm comes before its failure is known), then once per
 * FAILURE_BACKOFF_MS instead of spinning.
 */
export function guardTimers(clock: Clock, onError: (err: unknown) => void): Clock {
  let failedAt = -Infinity;
  return {
    now: () => clock.now(),
    setTimer: (fn, ms) =>
      clock.setTimer(
        async () => {
          try {
            await fn();
          } catch (err) {
            failedAt = clock.now();
            onError(err);
          }
        },
        clock.now() - failedAt <= FAILURE_BACKOFF_MS ? Math.max(ms, FAILURE_BACKOFF_MS) : ms,
      ),
    clearTimer: (handle) => clock.clearTimer(handle),
  };
}

/** REPEAT_LOG_MS is how often the same failure is logged again while it repeats. */
export const REPEAT_LOG_MS = 60_000;

/** throttledLog logs a line, but the same line again only after REPEAT_LOG_MS, with how often it was held back. */
export function throttledLog(log: (line: string) => void, now: () => number): (line: string) => void {
  const seen = new Map<string, { at: number; held: number }>();
  return (line) => {
    const t = now();
    const s = seen.get(line);
    if (s && t - s.at < REPEAT_LOG_MS) {
      s.held++;
      return;
    }
    if (seen.size > 100) seen.clear();
    seen.set(line, { at: t, held: 0 });
    log(s && s.held > 0 ? `${line} (and ${s.held} more time(s) in the last minute)` : line);
  };
}
