/**
 * ClockState is "now" for relative times ("5 min ago", a monitor's "8 s ago"): it ticks every few
 * seconds so ages stay fresh without every row running its own timer.
 */

/** CLOCK_TICK_MS is how often ages are recomputed. */
const CLOCK_TICK_MS = 5_000;

/** ClockState holds the current time in milliseconds. */
export class ClockState {
  now = $state(Date.now());

  /** start ticks until the returned function is called. */
  start(): () => void {
    const timer = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }
}

/** clock is the window's shared clock. */
export const clock = new ClockState();
