/**
 * Time comes from a Clock so that "escalate after 5 minutes" is tested in milliseconds.
 * SystemClock reads the wall clock; FakeClock is moved by the test.
 */

/** TimerHandle identifies a scheduled callback. */
export type TimerHandle = { readonly id: number };

/** Clock is the engine's only source of time. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void | Promise<void>, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/**
 * SystemClock uses Date.now and setTimeout. Node's timers count monotonic time, which stops while a
 * laptop sleeps; the engine therefore never waits more than a short slice before looking at the wall
 * clock again (see Scheduler), so a wake catches up within seconds.
 */
export class SystemClock implements Clock {
  private next = 1;
  private timers = new Map<number, NodeJS.Timeout>();
  private readonly offsetMs: number;
  /** offsetMs shifts the wall clock; only tests of a real child process use it (STANDBY_CLOCK_OFFSET_MS). */
  constructor(offsetMs = 0) {
    this.offsetMs = offsetMs;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(fn: () => void | Promise<void>, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      void fn();
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }
}

/** FakeClock is a clock a test moves by hand; `advance` fires due timers in order and awaits them. */
export class FakeClock implements Clock {
  private current: number;
  private next = 1;
  private timers = new Map<number, { at: number; fn: () => void | Promise<void> }>();

  constructor(start: number | string = '2026-01-05T12:00:00Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void | Promise<void>, ms: number): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** advance moves time forward by ms, firing each timer at its own due time, oldest first. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void | Promise<void> }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!first || entry[1].at < first[1].at)) first = entry;
      if (!first) break;
      this.timers.delete(first[0]);
      this.current = Math.max(this.current, first[1].at);
      await first[1].fn();
    }
    this.current = target;
  }

  /** advanceMinutes is advance in minutes. */
  advanceMinutes(minutes: number): Promise<void> {
    return this.advance(minutes * 60_000);
  }

  /** jump moves time without firing timers, as a sleeping laptop does; the engine must catch up. */
  jump(ms: number): void {
    this.current += ms;
  }
}
