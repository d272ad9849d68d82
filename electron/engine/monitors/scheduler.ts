/**
 * The monitor scheduler: each monitor has one due time; a min-heap orders them; one clock timer
 * wakes the scheduler at the next due time (and at least every `maxTickMs`, to notice sleep). Runs
 * are limited to `concurrency` at once and a monitor never runs twice at the same time. A timer
 * that fires far later than asked means the computer slept: `onWake` hears how long.
 *
 * Runs due close together share one wake: a tick also starts the runs due within `coalesceMs` whose
 * monitor may start early (`startsEarly`: a probe, not a heartbeat's deadline). At 2,000 monitors
 * every 10 s, checks are due every 5 ms; woken for each one alone, the process paid for the wake
 * (timers, the event loop, cold caches) each time, about as much CPU as the check's own code.
 */
import type { Clock, TimerHandle } from '../clock.ts';

/** SchedulerDeps are the scheduler's collaborators and limits. */
export interface SchedulerDeps {
  clock: Clock;
  concurrency: number;
  /** maxTickMs is the longest the scheduler sleeps without looking at the wall clock. */
  maxTickMs: number;
  /** coalesceMs: a tick also starts the runs due within this long after it whose monitor startsEarly (none when left out). */
  coalesceMs?: number;
  /** startsEarly tells whether a monitor's run may start up to coalesceMs before it is due (never when left out). */
  startsEarly?(id: number): boolean;
  /** sleepGapMs: a tick this much later than asked is a sleep (or a suspended process), not a busy loop. */
  sleepGapMs: number;
  /** run checks one monitor and returns its next due time, or null to leave it unscheduled. */
  run(id: number, dueAt: number): Promise<number | null>;
  onWake(gapMs: number): void;
  /** onError hears a run that threw (a write on a full disk); the monitor is tried again after maxTickMs. */
  onError(id: number, err: unknown): void;
}

interface Entry {
  id: number;
  at: number;
  seq: number;
}

/** DueHeap is a binary min-heap of due entries, ordered by time. */
class DueHeap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= e.at) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]!.at < a[l]!.at ? r : l;
        if (a[c]!.at >= last.at) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** LATENESS_SAMPLES bounds the lateness samples kept for statistics. */
export const LATENESS_SAMPLES = 20_000;

/** Scheduler runs monitors when they are due. */
export class Scheduler {
  private readonly d: SchedulerDeps;
  private readonly heap = new DueHeap();
  /** slots hold each scheduled monitor's current due time (null while it runs) and a sequence number that invalidates older heap entries. */
  private readonly slots = new Map<number, { due: number | null; seq: number }>();
  private readonly running = new Map<number, Promise<void>>();
  private waiting: Entry[] = [];
  private timer: TimerHandle | undefined;
  private expectedAt: number | null = null;
  private stopped = true;
  private seq = 0;
  private lateness: number[] = [];

  constructor(deps: SchedulerDeps) {
    this.d = deps;
  }

  /** setConcurrency changes how many checks may run at once. */
  setConcurrency(n: number): void {
    this.d.concurrency = n;
  }

  /** start begins dispatching. */
  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** stop ends dispatching and waits for runs in progress (the caller aborts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
    await Promise.all(this.running.values());
  }

  /** schedule sets a monitor's next due time, replacing any other; while it runs, it applies after the run. */
  schedule(id: number, at: number): void {
    const slot = { due: at, seq: ++this.seq };
    this.slots.set(id, slot);
    if (!this.running.has(id)) this.heap.push({ id, at, seq: slot.seq });
    if (this.expectedAt === null || at < this.expectedAt) this.arm();
  }

  /** unschedule removes a monitor; a run in progress finishes but is not rescheduled. */
  unschedule(id: number): void {
    this.slots.delete(id);
  }

  /** clear removes every monitor. */
  clear(): void {
    this.slots.clear();
    this.heap.clear();
    this.waiting = [];
  }

  /** dueAt is a monitor's next due time (undefined when unscheduled, null while running). */
  dueAt(id: number): number | null | undefined {
    return this.slots.get(id)?.due;
  }

  /** isRunning tells whether a monitor's check is in progress. */
  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** idle resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** takeLateness returns (and forgets) how late each run started, in ms, since the last call. */
  takeLateness(): number[] {
    const l = this.lateness;
    this.lateness = [];
    return l;
  }

  /** rearm forgets the planned tick and plans a new one from now (after a wake, so the stale tick is not taken for another sleep). */
  rearm(): void {
    this.arm();
  }

  /** dispatch starts every due run now (a wake, a ping) and resolves when those runs end. */
  dispatch(): Promise<void> {
    // The planned tick is replaced by this one, which still checks it for a sleep as the timer would.
    if (this.timer) this.d.clock.clearTimer(this.timer);
    return this.tick();
  }

  private arm(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.expectedAt = null;
    if (this.stopped || this.slots.size === 0) return;
    const now = this.d.clock.now();
    const next = this.heap.peek()?.at ?? Infinity;
    const delay = Math.max(0, Math.min(next - now, this.d.maxTickMs));
    this.expectedAt = now + delay;
    this.timer = this.d.clock.setTimer(() => this.tick(), delay);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const expected = this.expectedAt;
    this.timer = undefined;
    this.expectedAt = null;
    if (expected !== null) {
      const late = this.d.clock.now() - expected;
      if (late > this.d.sleepGapMs) this.d.onWake(late);
    }
    const now = this.d.clock.now();
    const started: Array<Promise<void>> = [];
    this.drainWaiting(started);
    const early = now + (this.d.coalesceMs ?? 0);
    for (let top = this.heap.peek(); top && (top.at <= now || (top.at <= early && this.d.startsEarly?.(top.id) === true)); top = this.heap.peek()) {
      this.heap.pop();
      const slot = this.slots.get(top.id);
      if (!slot || slot.seq !== top.seq || this.running.has(top.id)) continue;
      if (this.running.size >= this.d.concurrency) this.waiting.push(top);
      else started.push(this.begin(top, now));
    }
    this.arm();
    await Promise.all(started);
  }

  private drainWaiting(started: Array<Promise<void>>): void {
    while (this.waiting.length > 0 && this.running.size < this.d.concurrency && !this.stopped) {
      const e = this.waiting.shift()!;
      const slot = this.slots.get(e.id);
      if (!slot || slot.seq !== e.seq || this.running.has(e.id)) continue;
      started.push(this.begin(e, this.d.clock.now()));
    }
  }

  private begin(e: Entry, now: number): Promise<void> {
    const slot = this.slots.get(e.id)!;
    slot.due = null;
    // A run started early (coalesced) is not late.
    if (this.lateness.length < LATENESS_SAMPLES) this.lateness.push(Math.max(0, now - e.at));
    const p = this.runOne(e, slot.seq);
    this.running.set(e.id, p);
    return p;
  }

  private async runOne(e: Entry, seq: number): Promise<void> {
    let next: number | null = null;
    try {
      next = await this.d.run(e.id, e.at);
    } catch (err) {
      // A run that failed must neither end the process nor drop the monitor from the schedule.
      next = this.d.clock.now() + this.d.maxTickMs;
      this.d.onError(e.id, err);
    } finally {
      this.running.delete(e.id);
      const slot = this.slots.get(e.id);
      if (slot && !this.stopped) {
        // A schedule() during the run (a ping, an edit) wins when it is sooner.
        const asked = slot.seq !== seq ? slot.due : null;
        const due = asked !== null && (next === null || asked < next) ? asked : next;
        if (due === null) {
          this.slots.delete(e.id);
        } else {
          slot.due = due;
          slot.seq = ++this.seq;
          this.heap.push({ id: e.id, at: due, seq: slot.seq });
        }
      }
      const more: Array<Promise<void>> = [];
      this.drainWaiting(more);
      const next0 = this.heap.peek()?.at;
      if (!this.stopped && (this.expectedAt === null || (next0 !== undefined && next0 < this.expectedAt))) this.arm();
      // Runs started here finish on their own; tick() awaits only its own.
      void Promise.all(more);
    }
  }
}
