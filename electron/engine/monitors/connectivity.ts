/**
 * "Is it me?": before a network check's failure counts, Standby tries to reach a few reference
 * targets by TCP. If none answers, this computer is offline: the failure says nothing about the
 * monitored thing. The defaults are anycast IP addresses, so the probe works without DNS.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import type { Verdict } from './monitor-type.ts';
import { tcpConnect } from './types/tcp.ts';

/** ReferenceTarget is a host and port that answers TCP connections when the internet is reachable. */
export interface ReferenceTarget {
  host: string;
  port: number;
}

/**
 * DEFAULT_REFERENCE_TARGETS are public anycast resolvers reachable by IP address alone:
 * Cloudflare 1.1.1.1 (https://developers.cloudflare.com/1.1.1.1/ip-addresses/), Google Public DNS
 * 8.8.8.8 (https://developers.google.com/speed/public-dns/docs/using) and Quad9 9.9.9.9
 * (https://www.quad9.net/service/service-addresses-and-features/). Port 443 (DNS over HTTPS) and
 * 53 (DNS over TCP) are the ports these services document.
 */
export const DEFAULT_REFERENCE_TARGETS: readonly ReferenceTarget[] = [
  { host: '1.1.1.1', port: 443 },
  { host: '8.8.8.8', port: 53 },
  { host: '9.9.9.9', port: 443 },
];

/** ConnectivityOptions tune the probe. */
export interface ConnectivityOptions {
  targets?: readonly ReferenceTarget[];
  /** timeoutMs bounds each probe. */
  timeoutMs?: number;
  /** cacheMs: a probe's answer is reused this long, so a hundred failing checks probe once. */
  cacheMs?: number;
  /** recheckMs: while offline, the targets are tried again this often, so coming back online is noticed. */
  recheckMs?: number;
}

/** ConnectivityState is the last probe's answer. */
export interface ConnectivityState {
  online: boolean | null;
  checkedAt: number | null;
  offlineSince: number | null;
}

/** Connectivity answers "is this computer online?" with a shared, cached probe. */
export class Connectivity {
  private readonly clock: Clock;
  private targets: readonly ReferenceTarget[];
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly recheckMs: number;
  private recheck: TimerHandle | undefined;
  private stopped = false;
  private probing: Promise<boolean> | undefined;
  private readonly onChange: (s: ConnectivityState) => void;
  readonly state: ConnectivityState = { online: null, checkedAt: null, offlineSince: null };

  constructor(clock: Clock, opts: ConnectivityOptions, onChange: (s: ConnectivityState) => void) {
    this.clock = clock;
    this.targets = opts.targets ?? DEFAULT_REFERENCE_TARGETS;
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.cacheMs = opts.cacheMs ?? 15_000;
    this.recheckMs = opts.recheckMs ?? 30_000;
    this.onChange = onChange;
  }

  /** isOnline probes the reference targets, or reuses an answer younger than cacheMs. */
  isOnline(): Promise<boolean> {
    const s = this.state;
    if (s.online !== null && s.checkedAt !== null && this.clock.now() - s.checkedAt < this.cacheMs) return Promise.resolve(s.online);
    return this.probe();
  }

  /** probe tries every reference target at once; online as soon as one connects. */
  probe(): Promise<boolean> {
    this.probing ??= (async () => {
      try {
        const online = await this.reachAny();
        this.record(online);
        return online;
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing;
  }

  /**
   * gate is "is it me?" for a network check's verdict: a failure counts only while a reference target
   * answers (a probe, or one younger than cacheMs), otherwise it becomes unknown.
   */
  async gate(verdict: Verdict, message: string): Promise<{ verdict: Verdict | 'unknown'; message: string }> {
    if (verdict !== 'down') {
      this.sawNetwork();
      return { verdict, message };
    }
    if (await this.isOnline()) return { verdict, message };
    return { verdict: 'unknown', message: `Standby is offline (no reference target answered), so this does not count: ${message}` };
  }

  /**
   * sawNetwork is told that a network check just succeeded. That proves a network, not the internet: a
   * NAS on the LAN answers through an uplink outage, and taking its answers for the reference targets'
   * kept every internet monitor's failures counting. So it never stands in for a probe; while offline
   * it only makes Standby look again at once, so coming back is noticed without waiting for the recheck.
   */
  sawNetwork(): void {
    if (this.state.online === false) void this.probe();
  }

  /** setTargets changes the reference targets (absent: the defaults) and forgets the cached answer. */
  setTargets(targets: readonly ReferenceTarget[] | undefined): void {
    this.targets = targets ?? DEFAULT_REFERENCE_TARGETS;
    this.forget();
  }

  /** forget drops the cached answer (after a wake, the network may have changed). */
  forget(): void {
    this.state.checkedAt = null;
  }

  /** stop ends the offline re-checks for good (Standby is stopping). */
  stop(): void {
    this.stopped = true;
    this.clearRecheck();
  }

  private clearRecheck(): void {
    if (this.recheck) this.clock.clearTimer(this.recheck);
    this.recheck = undefined;
  }

  private record(online: boolean): void {
    const now = this.clock.now();
    const changed = this.state.online !== online;
    this.state.online = online;
    this.state.checkedAt = now;
    if (online) this.state.offlineSince = null;
    else this.state.offlineSince ??= now;
    if (changed) this.onChange({ ...this.state });
    this.clearRecheck();
    if (!online && !this.stopped) this.recheck = this.clock.setTimer(() => void this.probe(), this.recheckMs);
  }

  private async reachAny(): Promise<boolean> {
    if (this.targets.length === 0) return true;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      await Promise.any(this.targets.map((t) => tcpConnect(t.host, t.port, controller.signal)));
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}
