/**
 * AuthThrottle slows down guessing: after AUTH_FAILURE_LIMIT different wrong secrets from one client
 * address within AUTH_WINDOW_MS, that address gets 429 with Retry-After for AUTH_BLOCK_MS, whatever it
 * presents, on that kind of secret. Other addresses are not slowed at all, and neither are the other
 * kinds of secret from the same address (a cron job with a stale integration key does not lock the
 * person's browser out of the API).
 *
 * Only *different* wrong values count: a tool that keeps sending the one stale key it was configured
 * with guesses nothing, and on a personal machine every local tool shares 127.0.0.1. Memory is bounded:
 * at most AUTH_MAX_CLIENTS addresses are tracked (the least recently failing is forgotten first), each
 * with at most AUTH_FAILURE_LIMIT small numbers. IPv6 clients are grouped by their /64, the block a
 * single host is usually given. Time comes from the engine's clock.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Clock } from '../clock.ts';

/** AuthRealm is a kind of secret with its own failure count: the API token, integration keys, ack links. */
export type AuthRealm = 'api' | 'integration' | 'ack' | 'pair';

/** AUTH_FAILURE_LIMIT is how many different wrong secrets one address may present per window. */
export const AUTH_FAILURE_LIMIT = 20;
/** AUTH_WINDOW_MS is the window the failures are counted in. */
export const AUTH_WINDOW_MS = 60_000;
/** AUTH_BLOCK_MS is how long an address that reached the limit is answered 429. */
export const AUTH_BLOCK_MS = 60_000;
/** AUTH_MAX_CLIENTS bounds the addresses remembered (per throttle), and so its memory. */
export const AUTH_MAX_CLIENTS = 4096;

interface ClientFailures {
  windowStart: number;
  /** seen holds a 48-bit digest of each different wrong value presented in the window. */
  seen: Set<number>;
  blockedUntil: number;
}

/** clientKey groups a remote address: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64 prefix. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const lower = address.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(lower)) return lower;
  // Expand "::" so the first four groups are the /64 prefix.
  const [head = '', tail = ''] = lower.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = lower.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = lower.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}

function digest(value: string): number {
  return createHash('sha256').update(value).digest().readUIntBE(0, 6);
}

/** AuthThrottle counts failed authentications per realm and client address (see the file comment). */
export class AuthThrottle {
  private readonly clients = new Map<string, ClientFailures>();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly maxClients: number;

  constructor(clock: Pick<Clock, 'now'>, maxClients = AUTH_MAX_CLIENTS) {
    this.clock = clock;
    this.maxClients = maxClients;
  }

  /** retryAfterMs answers how long this address must wait before presenting a secret of this realm again (0: it may now). */
  retryAfterMs(realm: AuthRealm, address: string | undefined): number {
    const entry = this.clients.get(`${realm} ${clientKey(address)}`);
    if (!entry) return 0;
    return Math.max(0, entry.blockedUntil - this.clock.now());
  }

  /** fail records a wrong secret presented by this address; it answers the wait that now applies (0: none). */
  fail(realm: AuthRealm, address: string | undefined, presented: string): number {
    const key = `${realm} ${clientKey(address)}`;
    const now = this.clock.now();
    let entry = this.clients.get(key);
    if (entry) this.clients.delete(key);
    if (!entry || now - entry.windowStart >= AUTH_WINDOW_MS) entry = { windowStart: now, seen: new Set(), blockedUntil: entry?.blockedUntil ?? 0 };
    // Re-inserted last: the map's order is the least recently failing first.
    this.clients.set(key, entry);
    while (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
    if (entry.blockedUntil > now) return entry.blockedUntil - now;
    entry.seen.add(digest(presented));
    if (entry.seen.size >= AUTH_FAILURE_LIMIT) {
      entry.blockedUntil = now + AUTH_BLOCK_MS;
      entry.windowStart = now;
      entry.seen.clear();
      return AUTH_BLOCK_MS;
    }
    return 0;
  }

  /** size is how many realm and address pairs are remembered (for tests of the bound). */
  get size(): number {
    return this.clients.size;
  }
}

/** retryAfterSeconds is the Retry-After header value for a wait in milliseconds (at least 1). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
