/**
 * The monitors' maintenance, every maintenanceMs (10 minutes): the p95 of each ended bucket from its raw
 * results, then pruning raw results past the retention (and hourly rollups past 92 days). node:sqlite
 * holds the event loop while a statement runs, and both grow with the monitors (a day's close at 2,000
 * monitors reads 17 million results; a prune deletes 120,000), so each goes a slice at a time
 * (closeSliceMs, at least one piece of work) with closePauseMs between slices, for checks and inbound
 * alerts to run.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { errorText } from './monitor-type.ts';
import type { ResultStore } from './results.ts';
import type { RunnerTuning } from './runner-options.ts';

/** MaintenanceDeps are what the maintenance works on. */
export interface MaintenanceDeps {
  clock: Clock;
  results: ResultStore;
  tuning: Pick<RunnerTuning, 'maintenanceMs' | 'closeSliceMs' | 'closePauseMs'>;
  /** retentionMs is how long raw results are kept (the monitoring settings' rawRetentionDays). */
  retentionMs: () => number;
  /** flush writes the buffered results first, so a bucket is closed on all of them. */
  flush: () => void;
  log: (line: string) => void;
}

/** Maintenance runs the slices on the runner's clock while armed. */
export class Maintenance {
  private readonly d: MaintenanceDeps;
  private timer: TimerHandle | undefined;
  /** left is the maintenance still to do (buckets to close, results to prune): the next is a slice of it, soon. */
  private left = { close: false, prune: false };

  constructor(deps: MaintenanceDeps) {
    this.d = deps;
  }

  /** arm sets the timer for the next slice, or for the next maintenance when nothing is left; once. */
  arm(): void {
    if (this.timer) return;
    const slice = this.left.close || this.left.prune;
    this.timer = this.d.clock.setTimer(() => {
      this.timer = undefined;
      try {
        if (!slice) this.left = { close: true, prune: true };
        this.slice();
      } catch (err) {
        this.left = { close: false, prune: false };
        this.d.log(`monitor maintenance failed: ${errorText(err)}`);
      }
      this.arm();
    }, slice ? this.d.tuning.closePauseMs : this.d.tuning.maintenanceMs);
  }

  /** stop clears the timer; the work left is taken up at the next maintenance. */
  stop(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** slice does the next slice of what is left: closing buckets first, then pruning. */
  private slice(): void {
    this.d.flush();
    const now = this.d.clock.now();
    if (this.left.close) {
      const closing = this.d.results.closeSomeBuckets(now, this.d.tuning.closeSliceMs);
      this.left.close = closing.more;
      if (closing.closed > 0) return;
    }
    if (this.left.prune) this.left.prune = this.d.results.pruneSome(now, this.d.retentionMs(), this.d.tuning.closeSliceMs).more;
  }
}
