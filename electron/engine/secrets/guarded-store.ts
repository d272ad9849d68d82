/**
 * GuardedSecretStore puts a deadline on every secret-store call, so nothing in Standby waits forever
 * on the keychain. A locked gnome-keyring on a desktop shows an unlock prompt and keeps the call
 * waiting until someone answers it, possibly never; keytar runs that call on one of libuv's four
 * threadpool threads, which `dns.lookup` and `fs` share. So the guard:
 *
 * - answers every call within `timeoutMs` (5 s): a call that takes longer fails with a
 *   SecretStoreError (reason `timeout`) that says what to do;
 * - sends one call at a time to the store (the others queue, each within its own deadline), so a
 *   hung call holds at most one threadpool thread;
 * - while a call is hung, fails every new call at once with the same advice, without asking the
 *   store again, until the hung call returns (someone unlocked the keychain);
 * - tells `onProblem` when the store fails or hangs, and when it answers again (Health's `keychain`).
 *
 * `busy` tells the shutdown code that a call still occupies a thread: `process.exit()` would wait
 * for it, forever if it hangs (see shutdown.ts).
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { SecretStoreError, type SecretStore } from './secret-store.ts';

/** SECRET_TIMEOUT_MS is how long one secret-store call may take before it fails as "did not answer". */
export const SECRET_TIMEOUT_MS = 5_000;

/** GuardOptions configure a GuardedSecretStore. */
export interface GuardOptions {
  /** clock runs the deadlines (a FakeClock in tests). */
  clock: Clock;
  /** timeoutMs is each call's deadline (default SECRET_TIMEOUT_MS). */
  timeoutMs?: number | undefined;
  /** onProblem hears a stable message while the store fails or hangs, and null when a call succeeded again. */
  onProblem?: (message: string | null) => void;
}

interface Waiter {
  fn: (store: SecretStore) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: SecretStoreError) => void;
  timer: TimerHandle | undefined;
  settled: boolean;
}

interface Running {
  waiter: Waiter;
  since: number;
  hung: boolean;
}

/** seconds formats a duration for a person: "5 s", "0.2 s". */
function seconds(ms: number): string {
  return `${Number.isInteger(ms / 1000) ? ms / 1000 : (ms / 1000).toFixed(1)} s`;
}

/** asStoreError keeps a SecretStoreError and wraps anything else a store threw as `unavailable`. */
function asStoreError(err: unknown): SecretStoreError {
  if (err instanceof SecretStoreError) return err;
  return new SecretStoreError(`the secret store failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** GuardedSecretStore wraps a store with a deadline per call, one call at a time, and fail-fast while a call hangs. */
export class GuardedSecretStore implements SecretStore {
  readonly kind: string;
  readonly perProcess: boolean;
  /** timeoutMs is each call's deadline. */
  readonly timeoutMs: number;
  private readonly inner: SecretStore;
  private readonly clock: Clock;
  private readonly onProblem: (message: string | null) => void;
  private readonly queue: Waiter[] = [];
  private running: Running | undefined;

  constructor(inner: SecretStore, opts: GuardOptions) {
    this.inner = inner;
    this.kind = inner.kind;
    this.perProcess = inner.perProcess ?? false;
    this.clock = opts.clock;
    this.timeoutMs = opts.timeoutMs ?? SECRET_TIMEOUT_MS;
    this.onProblem = opts.onProblem ?? (() => {});
  }

  async get(ref: string): Promise<string | null> {
    return (await this.call((s) => s.get(ref))) as string | null;
  }

  async set(ref: string, value: string): Promise<void> {
    await this.call((s) => s.set(ref, value));
  }

  async delete(ref: string): Promise<void> {
    await this.call((s) => s.delete(ref));
  }

  /** hung tells whether a call outlived its deadline and has still not returned (a keychain waiting on an unlock prompt). */
  get hung(): boolean {
    return this.running?.hung ?? false;
  }

  /**
   * busy tells whether a call is in the store right now, hung or not: on keytar it occupies a worker
   * thread, which `process.exit()` would wait for (maybe forever), so the shutdown code asks this.
   */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** advice is what a person can do when the store does not answer. */
  private advice(): string {
    const env = this.inner.kind === 'OS keychain' ? ', or set STANDBY_SECRETS_FROM_ENV=1 to read secrets from environment variables instead' : '';
    return `is it locked? Unlock it (an unlock prompt may be waiting on this computer's screen) and try again${env}`;
  }

  /** timeoutError is the error of a call that waited its whole deadline. */
  private timeoutError(): SecretStoreError {
    return new SecretStoreError(`the ${this.kind} did not answer in ${seconds(this.timeoutMs)}: ${this.advice()}`, 'timeout');
  }

  /** stuckError is the error of a call refused at once because an earlier call still hangs. */
  private stuckError(): SecretStoreError {
    const waited = this.running ? Math.max(0, this.clock.now() - this.running.since) : 0;
    return new SecretStoreError(
      `the ${this.kind} did not answer in ${seconds(this.timeoutMs)}: ${this.advice()} (a request to it has waited ${seconds(Math.round(waited / 1000) * 1000)}; Standby asks it nothing more until that one returns)`,
      'timeout',
    );
  }

  /** hungProblem is the stable message Health shows while a call hangs (it must not change with every call). */
  private hungProblem(): string {
    return `the ${this.kind} does not answer: ${this.advice()}. Until it does, channels that need a token or password fail, ack links are left out of pages, and integration keys and ping URLs cannot be shown.`;
  }

  private call(fn: (store: SecretStore) => Promise<unknown>): Promise<unknown> {
    if (this.running?.hung) return Promise.reject(this.stuckError());
    return new Promise((resolve, reject) => {
      const w: Waiter = { fn, resolve, reject, timer: undefined, settled: false };
      w.timer = this.clock.setTimer(() => this.expire(w), this.timeoutMs);
      this.queue.push(w);
      this.next();
    });
  }

  private settle(w: Waiter, outcome: { ok: true; value: unknown } | { ok: false; error: SecretStoreError }): void {
    if (w.settled) return;
    w.settled = true;
    if (w.timer) this.clock.clearTimer(w.timer);
    if (outcome.ok) w.resolve(outcome.value);
    else w.reject(outcome.error);
  }

  /** expire ends a call at its deadline: queued, it never reaches the store; running, the store is hung and the queue fails at once. */
  private expire(w: Waiter): void {
    if (w.settled) return;
    w.timer = undefined;
    this.settle(w, { ok: false, error: this.timeoutError() });
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
    if (this.running?.waiter !== w) return;
    this.running.hung = true;
    for (const q of this.queue.splice(0)) this.settle(q, { ok: false, error: this.stuckError() });
    this.onProblem(this.hungProblem());
  }

  private next(): void {
    if (this.running || this.queue.length === 0) return;
    const w = this.queue.shift()!;
    const run: Running = { waiter: w, since: this.clock.now(), hung: false };
    this.running = run;
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(w.fn(this.inner));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (value) => this.finish(run, { ok: true, value }),
      (err: unknown) => this.finish(run, { ok: false, error: asStoreError(err) }),
    );
  }

  /** finish records a call's answer (also a late one, after its deadline) and lets the next call through. */
  private finish(run: Running, outcome: { ok: true; value: unknown } | { ok: false; error: SecretStoreError }): void {
    if (this.running === run) this.running = undefined;
    if (outcome.ok) this.onProblem(null);
    else if (outcome.error.reason !== 'refused') this.onProblem(outcome.error.message);
    this.settle(run.waiter, outcome);
    this.next();
  }
}
