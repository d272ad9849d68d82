/**
 * CheckFeed carries every check result to those watching live (an open monitor list or monitor page)
 * as `monitor.checks` events, throttled: the checks of all monitors are gathered and sent together,
 * at most one event every CHECK_FEED_GAP_MS, so a monitor appears in at most one event a second
 * however often it is checked (retries, heartbeat pings). The first check after a quiet second goes
 * out at once. With nobody watching, a check costs one comparison: nothing is kept, no timer is set.
 */
import type { ApiEvents } from '../../shared/api.ts';
import type { CheckResult } from '../../shared/monitor-schemas.ts';
import type { Clock, TimerHandle } from '../clock.ts';

/** CHECK_FEED_GAP_MS is the least time between two `monitor.checks` events. */
export const CHECK_FEED_GAP_MS = 1000;
/** MAX_CHECKS_PER_EVENT bounds what one monitor carries in one event (a storm of pings keeps its newest). */
export const MAX_CHECKS_PER_EVENT = 20;

/** ChecksListener hears each `monitor.checks` event. */
export type ChecksListener = (data: ApiEvents['monitor.checks']) => void;

/** CheckFeed gathers check results and sends them to its watchers, throttled. */
export class CheckFeed {
  private readonly clock: Clock;
  private readonly gapMs: number;
  private readonly log: (line: string) => void;
  private readonly listeners = new Set<ChecksListener>();
  private readonly pending = new Map<number, CheckResult[]>();
  private timer: TimerHandle | undefined;
  private lastSentAt = -Infinity;

  constructor(clock: Clock, log: (line: string) => void, gapMs = CHECK_FEED_GAP_MS) {
    this.clock = clock;
    this.log = log;
    this.gapMs = gapMs;
  }

  /** watching tells whether anyone listens (the runner's hot path asks before anything else). */
  get watching(): boolean {
    return this.listeners.size > 0;
  }

  /** watch hears every event until the returned function is called; the last one to stop drops what is gathered. */
  watch(listener: ChecksListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.reset();
    };
  }

  /** push adds a monitor's check: sent at once after a quiet gap, otherwise with the next event. */
  push(monitorId: number, check: CheckResult): void {
    if (this.listeners.size === 0) return;
    const checks = this.pending.get(monitorId);
    if (checks) {
      checks.push(check);
      if (checks.length > MAX_CHECKS_PER_EVENT) checks.shift();
    } else {
      this.pending.set(monitorId, [check]);
    }
    if (this.timer) return;
    const wait = this.lastSentAt + this.gapMs - this.clock.now();
    if (wait <= 0) this.send();
    else this.timer = this.clock.setTimer(() => this.send(), wait);
  }

  /** forget drops what is gathered for a monitor (it was deleted). */
  forget(monitorId: number): void {
    this.pending.delete(monitorId);
  }

  /** stop drops what is gathered and the pending send (the engine stops). */
  stop(): void {
    this.reset();
  }

  private send(): void {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    this.lastSentAt = this.clock.now();
    const data = { monitors: [...this.pending].map(([monitorId, checks]) => ({ monitorId, checks })) };
    this.pending.clear();
    for (const l of this.listeners) {
      try {
        l(data);
      } catch (err) {
        this.log(`a monitor.checks listener failed: ${(err as Error).message}`);
      }
    }
  }

  private reset(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
