/**
 * JobRunner runs the durable jobs when they fall due. Timers (escalations, timeouts, auto-resolve)
 * run at once, each in its own commit. Notify jobs go through the delivery stage with at most
 * MAX_SENDS_PER_CHANNEL sends in flight per channel (MAX_DESKTOP_SENDS for the desktop), and each is claimed only right before its own
 * send: a crash can interrupt at most the sends in flight, and those are sent again at the next start
 * (at-least-once). A vendor that hangs holds up only its own channel's pages.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import type { ClaimedDelivery, DeliveryStage } from '../notify/delivery.ts';
import type { DueTimer, IncidentRepo, JobRow } from '../store/incident-repo.ts';
import { throttledLog } from '../timer-guard.ts';
import type { NotifyPayload } from './lifecycle.ts';

/** MAX_SLEEP_MS caps how long the scheduler trusts a timer: Node's timers stop while a laptop sleeps, the wall clock does not. */
export const MAX_SLEEP_MS = 15_000;

/**
 * MAX_SENDS_PER_CHANNEL bounds the sends in flight to one channel that leaves this machine (SMS,
 * webhook, ...). It is also the bound on duplicates: a crash can leave at most this many sends per
 * channel without a recorded outcome, and only those are sent again.
 */
export const MAX_SENDS_PER_CHANNEL = 8;

/** MAX_DESKTOP_SENDS bounds the desktop channel, which stays on this machine (a repeat is a second banner, not a second SMS). */
export const MAX_DESKTOP_SENDS = 32;

/** slotsOf is how many sends a channel may have in flight. */
export function slotsOf(channel: string): number {
  return channel === 'desktop' ? MAX_DESKTOP_SENDS : MAX_SENDS_PER_CHANNEL;
}

/** DUE_BATCH is how many due pages one look at the schedule reads. */
const DUE_BATCH = 100;

/** RETRY_AFTER_ERROR_MS is how long the scheduler waits after a run failed (the disk is full, say) before it tries again. */
export const RETRY_AFTER_ERROR_MS = 5_000;

/** STOP_GRACE_MS is how long stopping waits for sends in flight before it cuts them short (they are sent again at the next start). */
export const STOP_GRACE_MS = 2_000;

/**
 * WakeHint is what a change planned, for a run that waits for its sends to decide whether the change
 * gives it anything to start before its wait ends: the earliest of its timers (null: none) and its pages.
 */
export interface WakeHint {
  timerAt: number | null;
  pages: Array<{ dueAt: number; contactMethodId: number }>;
}

/** JobRunnerDeps are the runner's collaborators; runTimer carries out one due timer in its own commit. */
export interface JobRunnerDeps {
  clock: Clock;
  incidents: IncidentRepo;
  delivery: DeliveryStage;
  runTimer: (timer: DueTimer, now: number) => void;
  /** contactTypes maps each contact method to its type, the channel its pages go through (ConfigRepo.contactTypes, kept between changes). */
  contactTypes: () => ReadonlyMap<number, string>;
  log: (line: string) => void;
  /** stopGraceMs overrides STOP_GRACE_MS (tests). */
  stopGraceMs?: number;
}

interface InFlight {
  channel: string;
  done: Promise<void>;
  /** sending: the channel has not answered yet. Its slot is free once it has, while the outcome is being stored. */
  sending: boolean;
}

/** JobRunner is the scheduler loop of the incident engine. */
export class JobRunner {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  /** poke ends a wait early, so work that arrives meanwhile is looked at now. */
  private poke: (() => void) | undefined;
  /** waitingUntil is when the wait under way ends by itself (its timer), while a run waits for its sends. */
  private waitingUntil: number | undefined;
  private again = false;
  private stopped = false;
  /** notBefore holds the next run back after a failed one, so a full disk is not retried in a tight loop. */
  private notBefore = 0;
  /** orphans says a send's outcome could not be recorded: its job is left running and must be sent again. */
  private orphans = false;
  private readonly inflight = new Map<number, InFlight>();
  /** sending counts the entries of `inflight` still sending, per channel: a look asks it per due page. */
  private readonly sending = new Map<string, number>();
  private readonly d: JobRunnerDeps;
  /** errorLog says a repeated failure (a full disk, every 5 s) once a minute, with a count. */
  private readonly errorLog: (line: string) => void;

  constructor(deps: JobRunnerDeps) {
    this.d = deps;
    this.errorLog = throttledLog(deps.log, () => deps.clock.now());
  }

  /**
   * start marks for sending again what a crash interrupted, then starts running what is due and keeps
   * the schedule. It does not wait for the sends (a slow vendor must not hold up the HTTP listener);
   * `idle()` does.
   */
  start(): void {
    this.d.delivery.recoverInterrupted();
    void this.runDue();
  }

  /**
   * stop disarms the scheduler and lets the sends in flight finish for up to STOP_GRACE_MS; the rest
   * are cut short and stay unrecorded, so the next start sends them again. Call before closing the store.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.inflight.size > 0) {
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.allSettled(), new Promise<void>((r) => (grace = setTimeout(r, this.d.stopGraceMs ?? STOP_GRACE_MS)))]);
      clearTimeout(grace);
    }
    this.d.delivery.abortAll();
    this.poke?.();
    await this.allSettled();
    await this.running;
  }

  /** inFlight is how many sends are in flight now (their channel has not answered), per channel: what the slots count (tests read it). */
  inFlight(): Map<string, number> {
    return new Map([...this.sending].filter(([, n]) => n > 0));
  }

  /** runDue runs every job that is due, oldest first; a call while a run is in progress makes that run look again. */
  runDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      this.poke?.();
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.runDueOnce();
        } while (this.again && !this.stopped);
      } catch (err) {
        // A run never throws to its caller (a timer): the jobs stay in the database and are tried again.
        this.notBefore = this.d.clock.now() + RETRY_AFTER_ERROR_MS;
        this.orphans = true;
        this.errorLog(`running due jobs failed: ${(err as Error).message}; trying again in ${RETRY_AFTER_ERROR_MS / 1000} s`);
      } finally {
        this.running = undefined;
        this.wake();
      }
    })();
    return this.running;
  }

  /** idle resolves when no run is in progress (tests use it after moving a fake clock). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * wake arms one timer for the earliest pending job, never longer than MAX_SLEEP_MS (or pokes a run that
   * is waiting). Given what the change planned (`hint`), a run waiting for its sends is left to wait when
   * nothing of it could start before the wait ends: pages of channels whose slots are all taken (the send
   * that frees one looks again) and timers due after it. In a storm, with the desktop's slots taken, that
   * is every new incident: without the hint each commit of new events made a look that found nothing.
   */
  wake(hint?: WakeHint): void {
    if (this.stopped) return;
    if (this.running) {
      if (hint && this.waitingUntil !== undefined && !this.startsBefore(hint, this.waitingUntil)) return;
      this.again = true;
      this.poke?.();
      return;
    }
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
    let next: number | undefined;
    try {
      next = this.d.incidents.nextDue();
    } catch (err) {
      this.d.log(`reading the schedule failed: ${(err as Error).message}`);
      next = this.d.clock.now() + RETRY_AFTER_ERROR_MS;
    }
    // Orphans (sends whose outcome could not be recorded) are looked at again after RETRY_AFTER_ERROR_MS;
    // after a failed run, nothing runs before then.
    let target = this.orphans ? Math.min(next ?? this.notBefore, this.notBefore) : next;
    if (target === undefined) return;
    target = Math.max(target, this.notBefore);
    const wait = Math.min(Math.max(0, target - this.d.clock.now()), MAX_SLEEP_MS);
    this.timer = this.d.clock.setTimer(() => {
      this.timer = undefined;
      return this.runDue();
    }, wait);
  }

  /**
   * runDueOnce runs due timers and starts due sends while their channel has a free slot, in due order
   * (at one instant, timers first: a level that timed out is not paged). It waits for a send to finish,
   * the next job to fall due or new work, and looks again, until nothing is due and nothing is in flight.
   */
  private async runDueOnce(): Promise<void> {
    if (this.orphans) {
      this.d.delivery.recoverInterrupted(new Set(this.inflight.keys()), 'a failure to record its outcome');
      this.orphans = false;
    }
    for (let guard = 0; guard < 1_000_000 && !this.stopped; guard++) {
      const now = this.d.clock.now();
      const timers = this.d.incidents.dueTimers(now);
      // Only pages whose channel has a free slot: the others wait, pending, and cost nothing to look past.
      const full = new Set<string>();
      for (const [channel, n] of this.sending) if (n >= slotsOf(channel)) full.add(channel);
      // With a channel full, only pages of the contact methods whose channel has a free slot: the
      // backlog waiting for the full one is not read (a look per new event would read it all, as it
      // grows). A page of a contact method deleted meanwhile waits for a look with no channel full,
      // when it fails at once.
      const notifies = this.d.incidents.dueNotifies(now, this.lookLimit(), full.size ? this.contactsOutside(full) : undefined);
      let progressed = timers.length > 0;
      let ti = 0;
      let ni = 0;
      // Pages to claim, in due order: claimed together in one commit before a timer runs or the look ends.
      const toClaim: Array<{ job: JobRow; channel: string }> = [];
      const claiming = new Map<string, number>();
      const claimPending = async () => {
        if (toClaim.length === 0) return;
        const batch = toClaim.splice(0);
        claiming.clear();
        // Through the group commit: the claims share an fsync with the events and outcomes of this turn, and are on disk before any send.
        const claimed = await this.d.delivery.claimAll(batch.map((t) => t.job), this.d.clock.now());
        // Stopped meanwhile: not sent now; left running, so the next start sends them (at-least-once).
        if (this.stopped) return;
        claimed.forEach((c, i) => c && this.track(c, batch[i]!.channel));
      };
      while (!this.stopped && (ti < timers.length || ni < notifies.length)) {
        const timerFirst = ni >= notifies.length || (ti < timers.length && timers[ti]!.dueAt <= notifies[ni]!.dueAt);
        if (timerFirst) {
          await claimPending();
          this.d.runTimer(timers[ti++]!, now);
          continue;
        }
        const job = notifies[ni++]!;
        const channel = this.channelOf((job.payload as unknown as NotifyPayload).contactMethodId);
        const waiting = claiming.get(channel) ?? 0;
        if (this.busy(channel) + waiting >= slotsOf(channel)) continue; // it waits, pending, for a free slot
        progressed = true;
        claiming.set(channel, waiting + 1);
        toClaim.push({ job, channel });
      }
      if (this.stopped) return;
      await claimPending();
      if (progressed) continue; // what ran may have planned more work that is due now
      if (this.inflight.size === 0) return;
      await this.waitForWork();
    }
  }

  /**
   * lookLimit is how many due pages a look reads: no more than the free slots of the channels in use
   * (and of "unknown", a deleted contact method's), rounded down to a power of two (one compiled
   * statement per size), at most DUE_BATCH. When sends end together and free a few slots, the look
   * reads about that many rows, not a hundred of which it can start a few. Rounded down, not up: the
   * desktop's 32 free slots and 8 for "unknown" read 32 rows, not 64 of which half were read for
   * nothing. A look that starts sends is followed at once by another, with the channels it filled left
   * out, so rounding down leaves no free slot unused.
   */
  private lookLimit(): number {
    let free = 0;
    for (const channel of [...new Set(this.d.contactTypes().values()), 'unknown']) free += Math.max(0, slotsOf(channel) - this.busy(channel));
    let limit = 1;
    while (limit * 2 <= free && limit < DUE_BATCH) limit *= 2;
    return Math.min(limit, DUE_BATCH);
  }

  /** startsBefore tells whether a look before `until` could start something of what a change planned (see wake). */
  private startsBefore(hint: WakeHint, until: number): boolean {
    if (hint.timerAt !== null && hint.timerAt < until) return true;
    for (const page of hint.pages) {
      if (page.dueAt >= until) continue;
      const channel = this.channelOf(page.contactMethodId);
      if (this.busy(channel) < slotsOf(channel)) return true;
    }
    return false;
  }

  /** channelOf names the channel a contact method's pages go through (its type, "unknown" once it is deleted), for per-channel slots. */
  private channelOf(contactMethodId: number): string {
    return this.d.contactTypes().get(contactMethodId) ?? 'unknown';
  }

  /** contactsOutside lists the ids of the contact methods whose pages do not go through these channels. */
  private contactsOutside(channels: ReadonlySet<string>): number[] {
    const ids: number[] = [];
    for (const [id, type] of this.d.contactTypes()) if (!channels.has(type)) ids.push(id);
    return ids;
  }

  private busy(channel: string): number {
    return this.sending.get(channel) ?? 0;
  }

  /**
   * track follows a claimed page until its outcome is stored. Its slot is free as soon as the channel
   * has answered: the next pages are then claimed in the turn the outcomes are recorded in, and share
   * their commit (the look runs before the group commit's flush, both after this turn). The page stays
   * in `inflight` until its outcome is on disk, for a stop to wait for and for a failed record to be sent again.
   */
  private track(claimed: ClaimedDelivery, channel: string): void {
    const id = claimed.job.id;
    const entry: InFlight = { channel, done: Promise.resolve(), sending: true };
    this.sending.set(channel, this.busy(channel) + 1);
    const answered = () => {
      if (!entry.sending) return;
      entry.sending = false;
      this.sending.set(channel, this.busy(channel) - 1);
    };
    const sent = () => {
      answered();
      this.poke?.();
    };
    entry.done = this.d.delivery
      .deliver(claimed, sent)
      .catch((err: unknown) => {
        // The send's outcome could not be recorded (the disk is full, say): the job stays running and is sent again.
        this.orphans = true;
        this.notBefore = this.d.clock.now() + RETRY_AFTER_ERROR_MS;
        this.errorLog(`recording a delivery failed: ${(err as Error).message}; the page will be sent again`);
      })
      .finally(() => {
        answered();
        this.inflight.delete(id);
        this.poke?.();
      });
    this.inflight.set(id, entry);
  }

  private async allSettled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()].map((f) => f.done));
  }

  /** waitForWork resolves when a send finishes, the next job falls due (never later than MAX_SLEEP_MS), or wake() pokes. */
  private async waitForWork(): Promise<void> {
    let timer: TimerHandle | undefined;
    const interrupted = new Promise<void>((resolve) => {
      // After the current turn: sends whose outcomes were committed together all free their slots before the next look.
      this.poke = () => setImmediate(resolve);
      const now = this.d.clock.now();
      // Strictly after now: jobs due already but waiting for a slot are looked at when a send finishes.
      const next = this.d.incidents.nextDueAfter(now);
      const wait = Math.min(next === undefined ? MAX_SLEEP_MS : Math.max(0, next - now), MAX_SLEEP_MS);
      this.waitingUntil = now + wait;
      timer = this.d.clock.setTimer(resolve, wait);
    });
    try {
      await interrupted;
    } finally {
      this.poke = undefined;
      this.waitingUntil = undefined;
      this.d.clock.clearTimer(timer!);
    }
  }
}
