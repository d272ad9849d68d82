/**
 * The desktop app's side of an always-on box, in plain Node (no Electron): with it, the app runs no
 * engine of its own (one pager per person) and becomes the box's tray.
 *
 * - `call` forwards an API method to the box over the same contract, with the device's own token, over
 *   HTTPS that trusts the pinned certificate only (pin.ts).
 * - The event stream (`/api/events`) feeds the tray and desktop notifications. It reconnects with
 *   backoff (1 s doubling to 30 s) and sends `Last-Event-ID`, so events during a cut arrive after it;
 *   when the box cannot say what was missed (it restarted), `onResync` asks the app to load everything
 *   again. A stream silent for longer than three of the box's 15 s keepalives counts as cut.
 * - Disconnected is a state, not a silence: `state()` says since when, and why.
 * - A desktop notification the app showed is confirmed to the box (`notifications.confirmMany`), which
 *   is what makes the box count the desktop page as delivered; not connected, it fails on the box and
 *   the box pages the next rule. Pages shown while a confirmation is on its way share the next request
 *   (a burst of alerts costs a few requests, and a few commits on the box, not one each).
 * - A revoked device is told so and stops: the app returns to its connect screen.
 */
import got, { type Response } from 'got';
import { MAX_CONFIRMATIONS, type ApiArgs, type ApiEvent, type ApiEvents, type ApiMethod, type ApiOutputs } from '../../shared/api.ts';
import { ApiError } from '../../shared/errors.ts';
import { SystemClock, type Clock, type TimerHandle } from '../clock.ts';
import { CertificateMismatchError, mismatch, pinnedTls, type BoxPin } from './pin.ts';

/** RemoteState is whether the device hears the box now, and since when. */
export type RemoteState = { connected: true; since: number } | { connected: false; since: number; reason: string; revoked: boolean };

/** RemoteClientOptions are the box, the device's token, and what to do with what the box says. */
export interface RemoteClientOptions {
  pin: BoxPin;
  token: string;
  clock?: Clock;
  onEvent?: (e: ApiEvent) => void;
  onState?: (s: RemoteState) => void;
  onResync?: () => void;
  /** onNotify shows a desktop notification; true when it was shown (then the box is told it was delivered). */
  onNotify?: (n: ApiEvents['notification.desktop']) => boolean | Promise<boolean>;
  log?: (line: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** silenceMs: a stream that says nothing this long (keepalives included) is taken for cut. */
  silenceMs?: number;
  /** liveChecks asks the box for every check result too (`monitor.checks`: the window shows monitors live). */
  liveChecks?: boolean;
  /** callTimeoutMs bounds each forwarded call (default 30 s). */
  callTimeoutMs?: number;
}

/** RemoteClient talks to one box. */
export class RemoteClient {
  private readonly o: Required<Pick<RemoteClientOptions, 'minBackoffMs' | 'maxBackoffMs' | 'silenceMs'>> & RemoteClientOptions;
  private readonly clock: Clock;
  private current: RemoteState;
  private lastEventId: string | undefined;
  private running = false;
  private controller = new AbortController();
  private sleeper: { handle: TimerHandle; wake: () => void } | undefined;
  private loop: Promise<void> | undefined;
  /** toConfirm are shown pages whose confirmation waits for the one on its way (`confirming`). */
  private toConfirm: string[] = [];
  private confirming: Promise<void> | undefined;

  constructor(o: RemoteClientOptions) {
    this.o = { minBackoffMs: 1000, maxBackoffMs: 30_000, silenceMs: 45_000, ...o };
    this.clock = o.clock ?? new SystemClock();
    this.current = { connected: false, since: this.clock.now(), reason: 'not connected yet', revoked: false };
  }

  /** state is whether the box is heard now, since when, and why not. */
  state(): RemoteState {
    return this.current;
  }

  /** call forwards one API method to the box; the box's refusals are ApiErrors with its message. */
  async call<M extends ApiMethod>(method: M, input: ApiArgs<M> | Record<string, never> = {}): Promise<ApiOutputs[M]> {
    let res: Response<string>;
    try {
      res = await got.post(`${this.o.pin.url}/api/${method}`, {
        json: input,
        headers: { authorization: `Bearer ${this.o.token}` },
        https: pinnedTls(this.o.pin),
        timeout: { request: this.o.callTimeoutMs ?? 30_000 },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
      });
    } catch (err) {
      throw new ApiError('unavailable', this.explain(err));
    }
    const body = parse(res.body);
    if (res.statusCode === 200) return body as ApiOutputs[M];
    const e = (body as { error?: { code?: ApiError['code']; message?: string } } | undefined)?.error;
    if (res.statusCode === 401) this.refused(e?.message ?? 'the box refused this device');
    throw new ApiError(e?.code ?? 'internal', e?.message ?? `the box answered HTTP ${res.statusCode}`);
  }

  /** start opens the event stream and keeps it open until stop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** stop closes the stream and ends the loop. */
  async stop(): Promise<void> {
    this.running = false;
    this.controller.abort();
    if (this.sleeper) {
      this.clock.clearTimer(this.sleeper.handle);
      this.sleeper.wake();
    }
    await this.loop;
  }

  /** wake ends a wait between attempts, so the stream is tried again now (the computer woke, or the network came back). */
  wake(): void {
    if (!this.sleeper) return;
    this.clock.clearTimer(this.sleeper.handle);
    const wake = this.sleeper.wake;
    this.sleeper = undefined;
    wake();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.controller = new AbortController();
      let heard = false;
      try {
        await this.stream(this.controller.signal, () => {
          heard = true;
          failures = 0;
        });
        if (this.running) this.disconnected('the box ended the event stream');
      } catch (err) {
        if (!this.running) return;
        this.disconnected(this.explain(err));
      }
      if (this.current.connected === false && this.current.revoked) return;
      if (!this.running) return;
      failures = heard ? 1 : failures + 1;
      await this.sleep(Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** (failures - 1)));
    }
  }

  /** stream reads the event stream until it ends, fails or goes silent. */
  private async stream(signal: AbortSignal, heard: () => void): Promise<void> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.o.token}`, accept: 'text/event-stream' };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    const s = got.stream(`${this.o.pin.url}/api/events${this.o.liveChecks ? '?checks=1' : ''}`, { headers, https: pinnedTls(this.o.pin), timeout: { connect: 10_000, secureConnect: 10_000 }, retry: { limit: 0 }, throwHttpErrors: false, signal });
    let watchdog: TimerHandle | undefined;
    const arm = () => {
      if (watchdog) this.clock.clearTimer(watchdog);
      watchdog = this.clock.setTimer(() => void s.destroy(new Error(`the box said nothing for ${this.o.silenceMs / 1000} s`)), this.o.silenceMs);
    };
    try {
      const status = await new Promise<number>((resolve, reject) => {
        s.once('response', (r: { statusCode: number }) => resolve(r.statusCode));
        s.once('error', reject);
      });
      arm();
      let buffered = '';
      let event = 'message';
      let data = '';
      let id: string | undefined;
      for await (const chunk of s as AsyncIterable<Buffer>) {
        arm();
        buffered += chunk.toString('utf8');
        if (status !== 200) continue;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).replace(/\r$/, '');
          buffered = buffered.slice(nl + 1);
          if (line === '') {
            if (data !== '' || event !== 'message') await this.dispatch(event, data, id, heard);
            event = 'message';
            data = '';
            id = undefined;
          } else if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trimStart();
          else if (line.startsWith('id:')) id = line.slice(3).trim();
        }
      }
      if (status === 401) this.refused((parse(buffered) as { error?: { message?: string } } | undefined)?.error?.message ?? 'the box refused this device');
      if (status !== 200) throw new Error(`the box answered HTTP ${status} to the event stream`);
    } finally {
      if (watchdog) this.clock.clearTimer(watchdog);
    }
  }

  private async dispatch(event: string, data: string, id: string | undefined, heard: () => void): Promise<void> {
    if (event === 'ready') {
      heard();
      this.setState({ connected: true, since: this.clock.now() });
      return;
    }
    if (id) this.lastEventId = id;
    if (event === 'revoked') {
      this.refused((parse(data) as { message?: string } | undefined)?.message ?? 'this device was unpaired on the box');
      return;
    }
    if (event === 'resync') {
      this.o.onResync?.();
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      this.o.log?.(`remote: the box sent an event that is not JSON (${event})`);
      return;
    }
    const e = { type: event, data: payload } as ApiEvent;
    this.o.onEvent?.(e);
    if (e.type === 'notification.desktop' && this.o.onNotify) {
      const shown = await this.o.onNotify(e.data);
      if (shown && e.data.deliveryId) this.confirm(e.data.deliveryId);
    }
  }

  /** confirm tells the box a page was shown: now, or with the others shown meanwhile once the request on its way has ended. */
  private confirm(deliveryId: string): void {
    this.toConfirm.push(deliveryId);
    this.confirming ??= (async () => {
      while (this.toConfirm.length > 0) {
        const deliveryIds = this.toConfirm.splice(0, MAX_CONFIRMATIONS);
        // Not confirmed (the link is cut): the box fails those pages after their deadline and pages the next rule.
        await this.call('notifications.confirmMany', { deliveryIds }).catch((err: Error) => this.o.log?.(`remote: could not confirm ${deliveryIds.length} notification(s) to the box: ${err.message}`));
      }
      this.confirming = undefined;
    })();
  }

  private refused(message: string): void {
    const revoked = /unpaired on the box/.test(message);
    this.setState({ connected: false, since: this.clock.now(), reason: message, revoked });
    if (revoked) {
      this.running = false;
      this.controller.abort();
    }
  }

  private disconnected(reason: string): void {
    if (this.current.connected === false && this.current.revoked) return;
    const since = this.current.connected ? this.clock.now() : this.current.since;
    this.setState({ connected: false, since, reason, revoked: false });
  }

  private setState(s: RemoteState): void {
    const before = this.current;
    this.current = s;
    if (before.connected !== s.connected || (!s.connected && !before.connected && before.reason !== s.reason)) this.o.onState?.(s);
  }

  private explain(err: unknown): string {
    if (err instanceof CertificateMismatchError) return err.message;
    const e = err as { code?: string; message?: string };
    // A certificate the pinned CA does not vouch for: the box has another certificate (or someone else answers).
    if (e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || e.code === 'SELF_SIGNED_CERT_IN_CHAIN' || e.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return mismatch(this.o.pin.url, this.o.pin.fingerprint256, undefined).message;
    }
    return `${this.o.pin.url} cannot be reached (${e.code ?? e.message ?? 'unknown error'})`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.clock.setTimer(() => {
        this.sleeper = undefined;
        resolve();
      }, ms);
      this.sleeper = { handle, wake: resolve };
    });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
