/**
 * The Host check: Standby answers a request only when its `Host` header names Standby itself. A web
 * page in the person's browser can make its own name resolve to 127.0.0.1 (DNS rebinding) and then
 * talk to Standby as "its own" origin; the browser still sends the page's name in `Host`, so refusing
 * names Standby was not given stops it before any route runs.
 *
 * Allowed, with the port the connection arrived on:
 * - the IP literal of the local address the connection arrived on (the bound address; for a
 *   wildcard bind such as 0.0.0.0, the address of the interface that took the connection);
 * - `localhost`, `127.0.0.1` and `[::1]` when the connection arrived on a loopback address;
 * - a name the person configured (`--public-url`, `channels.ack.publicBaseUrl`), with no port, that
 *   URL's port or the local port (a reverse proxy may pass any of them).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** HostName is a parsed Host header: a lower-case name or canonical IP literal (IPv6 without brackets), and its port if given. */
export interface HostName {
  name: string;
  port: number | undefined;
}

/** PublicName is a name Standby may be reached by (from a configured public URL) and the port that URL uses. */
export interface PublicName {
  name: string;
  port: number;
}

/** canonicalIPv6 writes an IPv6 literal in its one compressed lower-case form (or undefined when it is not one). */
function canonicalIPv6(text: string): string | undefined {
  if (!isIPv6(text)) return undefined;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** parseHost reads a Host header value (`name`, `name:port`, `1.2.3.4:port`, `[::1]:port`), or undefined when it is malformed. */
export function parseHost(header: string | undefined): HostName | undefined {
  if (!header) return undefined;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(header);
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  if (m[1] !== undefined) {
    const v6 = canonicalIPv6(m[1]);
    return v6 === undefined ? undefined : { name: v6, port };
  }
  const name = (m[2] as string).toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(name)) return undefined;
  return { name, port };
}

/** localIp turns a socket's local address into the form parseHost gives (an IPv4-mapped IPv6 address becomes IPv4). */
export function localIp(address: string): string {
  const lower = address.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1] as string;
  return canonicalIPv6(lower) ?? lower;
}

/** isLoopbackIp tells whether an IP literal (as localIp gives it) is a loopback address. */
export function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || (isIPv4(ip) && ip.startsWith('127.'));
}

/** LOOPBACK_NAMES are the Host names a loopback connection may use besides its own address. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** publicName reads the name and port of a configured public URL (http or https). */
export function publicName(url: string): PublicName | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const host = parseHost(u.host);
  if (!host) return undefined;
  return { name: host.name, port: host.port ?? (u.protocol === 'https:' ? 443 : 80) };
}

/**
 * hostAllowed decides whether a request may be answered. `local` is where the connection arrived
 * (socket.localAddress and localPort), `tls` whether it came over TLS (a Host without a port means
 * 443 then, 80 otherwise), and `names` the configured public names.
 */
export function hostAllowed(header: string | undefined, local: { address: string; port: number }, tls: boolean, names: readonly PublicName[]): boolean {
  const host = parseHost(header);
  if (!host) return false;
  const port = host.port ?? (tls ? 443 : 80);
  const ip = localIp(local.address);
  if (port === local.port) {
    if (host.name === ip) return true;
    if (isLoopbackIp(ip) && LOOPBACK_NAMES.includes(host.name)) return true;
  }
  // A configured name may come without a port: a reverse proxy that ended TLS forwards the client's Host as it was.
  return names.some((n) => n.name === host.name && (host.port === undefined || port === n.port || port === local.port));
}

/** MISDIRECTED_BODY is the whole answer to a request whose Host is refused: a short reason, nothing else. */
export const MISDIRECTED_BODY = 'Misdirected request: Standby answers only to its own address, localhost, or a --public-url name.\n';
