/**
 * The responders: one long-running loop per two-way channel that learns the person's answers by
 * reaching out (Telegram's getUpdates long poll, Pushover's receipts, Twilio's message list), so a phone
 * can acknowledge a page with no inbound port and no public URL. The engine owns them: started with it,
 * stopped with it (an in-flight poll is aborted). A failing poll backs off (1 s doubling to 5 minutes);
 * a responder that is not set up waits and asks again. When an incident is acknowledged or resolved
 * anywhere, each open page of it is closed on its channel (the Telegram message edited, the Pushover
 * emergency cancelled), so the phone stops ringing; a close that fails is tried again at the next change
 * and at the next start.
 */
import type { Incident } from '../../shared/schemas.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { throttledLog } from '../timer-guard.ts';
import type { PageReceipt, ReceiptRepo } from './receipts.ts';

/** Responder is one two-way channel's answer loop. */
export interface Responder {
  /** name is the channel (`telegram`), also the key of its cursor and receipts. */
  readonly name: string;
  /** active tells whether it should poll now: set up, with answers on. */
  active(): boolean;
  /** poll runs one round (a long poll, or one look) and answers how long to wait before the next; it throws on failure. */
  poll(signal: AbortSignal): Promise<number>;
  /** close closes one page of an incident that was acknowledged or resolved (edit the message, cancel the receipt). */
  close?(receipt: PageReceipt, incident: Incident, signal: AbortSignal): Promise<void>;
}

/** IDLE_MS is how long a responder that is not set up waits before asking again. */
export const IDLE_MS = 30_000;
/** OFFLINE_RETRY_MS is how often a responder tries while this computer is offline (and at once when it is back). */
export const OFFLINE_RETRY_MS = 60_000;
/** MAX_BACKOFF_MS caps the wait after failures. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/** backoffMs is the wait after n failures in a row: 1 s, 2 s, 4 s … 5 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failures - 1));
}

/** RespondersDeps are what the loops need. */
export interface RespondersDeps {
  clock: Clock;
  receipts: ReceiptRepo;
  log: (line: string) => void;
  /** incident reads an incident as stored now (for closing pages at start). */
  incident: (id: number) => Incident | undefined;
  /** closable lists incidents acknowledged or resolved with pages still open (closed at start). */
  closable: () => number[];
  /**
   * offline tells whether this computer is known to be offline (the monitors' "is it me?" probe): a
   * failing poll then pauses quietly instead of backing off, and wake() resumes it when the network is back.
   */
  offline?: () => boolean;
}

type ResponderState = 'off' | 'listening' | 'failing' | 'offline';

/** Responders runs every responder's loop and closes pages. */
export class Responders {
  private readonly d: RespondersDeps;
  private readonly list: Responder[];
  private readonly controller = new AbortController();
  private readonly sleeping = new Map<TimerHandle, () => void>();
  private readonly loops: Promise<void>[] = [];
  private readonly log: (line: string) => void;
  private closing: Promise<void> = Promise.resolve();
  private readonly states = new Map<string, { state: ResponderState; error: string | null; lastOkAt: number | null }>();
  private readonly failures = new Map<string, number>();
  private running = false;

  constructor(d: RespondersDeps, responders: Responder[]) {
    this.d = d;
    this.list = responders;
    this.log = throttledLog(d.log, () => d.clock.now());
  }

  /** get finds a responder by channel name. */
  get(name: string): Responder | undefined {
    return this.list.find((r) => r.name === name);
  }

  /** status says, per responder, whether it is off, listening, or failing and why (`responders.status`). */
  status(): Array<{ channel: string; state: ResponderState; error: string | null; lastOkAt: string | null }> {
    return this.list.map((r) => {
      const s = this.states.get(r.name) ?? { state: 'off' as const, error: null, lastOkAt: null };
      return { channel: r.name, state: s.state, error: s.error, lastOkAt: s.lastOkAt === null ? null : new Date(s.lastOkAt).toISOString() };
    });
  }

  /** answerable tells whether a channel's answers are heard now (its responder is set up): its test sends then ask for one. */
  answerable(channel: string): boolean {
    const r = this.get(channel);
    return this.running && r !== undefined && this.isActive(r);
  }

  /**
   * wake ends every responder's wait (backoff included) so each polls at once: the network is back, or
   * the computer woke from sleep. An hour offline is caught up within seconds, not after a 5-minute backoff.
   */
  wake(): void {
    if (!this.running) return;
    this.failures.clear();
    for (const [handle, resume] of this.sleeping) {
      this.d.clock.clearTimer(handle);
      resume();
    }
    this.sleeping.clear();
  }

  private setState(name: string, state: ResponderState, error: string | null = null): void {
    const before = this.states.get(name);
    this.states.set(name, { state, error, lastOkAt: state === 'listening' ? this.d.clock.now() : (before?.lastOkAt ?? null) });
  }

  /** start runs each loop, and closes the pages of incidents answered while Standby was not running. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const r of this.list) this.loops.push(this.run(r));
    for (const id of this.d.closable()) {
      const incident = this.d.incident(id);
      if (incident) this.incidentChanged(incident);
    }
  }

  /** stop aborts every poll in flight, ends every loop and waits for them and for closes under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.controller.abort();
    for (const [handle, wake] of this.sleeping) {
      this.d.clock.clearTimer(handle);
      wake();
    }
    this.sleeping.clear();
    await Promise.allSettled(this.loops);
    await this.closing;
  }

  /** incidentChanged closes the open pages of an incident that is no longer triggered (one close after another). */
  incidentChanged(incident: Incident): void {
    if (!this.running || incident.status === 'triggered') return;
    this.closing = this.closing.then(() => this.closePages(incident));
  }

  private async closePages(changed: Incident): Promise<void> {
    for (const receipt of this.d.receipts.open(changed.id)) {
      const r = this.get(receipt.channel);
      if (!this.running) return;
      // Closes run one after another, and one may wait 30 s on a vendor: the incident as it is now. Re-triggered
      // since this close was queued, its pages (the new ones among them) must go on ringing.
      const incident = this.d.incident(changed.id) ?? changed;
      if (incident.status === 'triggered') return;
      try {
        if (r?.close) await r.close(receipt, incident, this.controller.signal);
        this.d.receipts.close(receipt.id, this.d.clock.now());
      } catch (err) {
        this.log(`${receipt.channel}: the page of incident #${incident.number} was not closed on the phone (tried again at the next change or start): ${(err as Error).message}`);
      }
    }
  }

  private async run(r: Responder): Promise<void> {
    while (this.running) {
      let wait: number;
      if (!this.isActive(r)) {
        this.setState(r.name, 'off');
        wait = IDLE_MS;
      } else {
        const before = this.states.get(r.name)?.state;
        try {
          if (before !== 'failing' && before !== 'offline') this.setState(r.name, 'listening');
          wait = await r.poll(this.controller.signal);
          this.setState(r.name, 'listening');
          if (before === 'failing' || before === 'offline') this.d.log(`${r.name}: answers are read again`);
          this.failures.delete(r.name);
        } catch (err) {
          if (!this.running) return;
          if (this.isOffline()) {
            // Offline is a state, not a failure: no backoff growing for an hour, one log line, and wake() at the network's return.
            wait = OFFLINE_RETRY_MS;
            if (before !== 'offline') this.d.log(`${r.name}: paused while this computer is offline; answers sent meanwhile are read when it is back`);
            this.setState(r.name, 'offline', (err as Error).message);
          } else {
            const failures = (this.failures.get(r.name) ?? 0) + 1;
            this.failures.set(r.name, failures);
            wait = backoffMs(failures);
            this.setState(r.name, 'failing', (err as Error).message);
            this.log(`${r.name}: reading answers failed (trying again with backoff): ${(err as Error).message}`);
          }
        }
      }
      if (wait > 0 && this.running) await this.sleep(wait);
    }
  }

  private isOffline(): boolean {
    try {
      return this.d.offline?.() === true;
    } catch {
      return false;
    }
  }

  /** isActive asks a responder whether to poll; one that cannot tell (its database is closing) waits. */
  private isActive(r: Responder): boolean {
    try {
      return r.active();
    } catch (err) {
      this.log(`${r.name}: cannot tell whether answers are on: ${(err as Error).message}`);
      return false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.d.clock.setTimer(() => {
        this.sleeping.delete(handle);
        resolve();
      }, ms);
      this.sleeping.set(handle, resolve);
    });
  }
}
