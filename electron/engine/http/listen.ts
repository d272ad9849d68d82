/**
 * listenHttp serves the HTTP app of an engine (API, inbound alerts, heartbeat pings, the web UI) on
 * one address. The headless server and the Electron app both use it, so monitoring tools reach the
 * desktop app exactly as they reach a headless one.
 *
 * Before any route runs, every request passes the Host check (host-check.ts): a request whose Host
 * does not name Standby gets 421 and a one-line reason. With a TLS certificate the server speaks
 * HTTPS only; a plain HTTP request on that port gets a 400 that says to use https://, and nothing else.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { ServerInfo } from '../../shared/api.ts';
import type { Engine } from '../engine.ts';
import { hostAllowed, MISDIRECTED_BODY, publicName, type PublicName } from './host-check.ts';
import { EventLog } from './event-log.ts';
import { createHttpApp, type HttpOptions } from './server.ts';

/** DEFAULT_PORT is where Standby listens (headless or in the app) unless told otherwise. */
export const DEFAULT_PORT = 8730;

/** FIRST_BYTE_MS is how long a new connection to a TLS port may stay silent before it is closed. */
const FIRST_BYTE_MS = 10_000;

/** ListenOptions are HttpOptions plus how the server is reached. */
export interface ListenOptions extends HttpOptions {
  /** tls makes the server HTTPS only, with this PEM certificate and key. */
  tls?: { cert: string; key: string } | undefined;
  /** publicUrls are URLs the person reaches Standby by (a name, a reverse proxy); their names pass the Host check. */
  publicUrls?: string[] | undefined;
  /** info adds what the UI shows about the server (LAN access, the certificate) to `system.server`. */
  info?: Omit<ServerInfo, 'url' | 'publicUrls'> | undefined;
}

/** HttpListener is a listening HTTP server. */
export interface HttpListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** displayHost is the host to put in the URL Standby prints: a wildcard bind is reached here at loopback. */
function displayHost(host: string): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return h.includes(':') ? `[${h}]` : h;
}

/** hostGate wraps a request listener with the Host check; public names are the configured ones plus the ack links' public URL, read per request. */
function hostGate(engine: Engine, configured: PublicName[], tls: boolean, listener: (req: IncomingMessage, res: ServerResponse) => unknown) {
  const ackName = (): PublicName[] => {
    try {
      const url = engine.lifecycle.delivery.ack.config()?.publicBaseUrl;
      const n = url ? publicName(url) : undefined;
      return n ? [n] : [];
    } catch {
      return [];
    }
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const local = { address: req.socket.localAddress ?? '', port: req.socket.localPort ?? 0 };
    const host = req.headers.host;
    if (hostAllowed(host, local, tls, configured) || hostAllowed(host, local, tls, ackName())) return listener(req, res);
    res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(MISDIRECTED_BODY), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(MISDIRECTED_BODY);
  };
}

/** plainHttpAnswer is what a plain HTTP request to the HTTPS port gets. */
function plainHttpAnswer(socket: Socket): void {
  const body = 'This Standby speaks HTTPS only: use https:// in the address.\n';
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * tlsFront accepts TCP connections and hands those that open with a TLS handshake (first byte 0x16)
 * to the HTTPS server; anything else is answered by plainHttpAnswer and closed.
 */
function tlsFront(https: Server): NetServer & { dropWaiting(): void } {
  const waiting = new Set<Socket>();
  const front = createNetServer((socket) => {
    waiting.add(socket);
    socket.setTimeout(FIRST_BYTE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.once('close', () => waiting.delete(socket));
    socket.once('data', (first: Buffer) => {
      waiting.delete(socket);
      if (first[0] !== 0x16) {
        // The rest of the request is read and dropped: closing with unread data would reset the connection before the answer arrives.
        socket.resume();
        return plainHttpAnswer(socket);
      }
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(first);
      https.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  return Object.assign(front, { dropWaiting: () => waiting.forEach((s) => s.destroy()) });
}

/**
 * withSecurityHeaders gives every answer its two security headers (no MIME sniffing, no Referer
 * sent on), set on Node's response before the route runs: an answer's own headers are merged over
 * them. Set by a Hono middleware after the route answered, they made @hono/node-server turn each
 * answer into a whole fetch Response and copy it (docs/performance.md, twenty-third round).
 */
function withSecurityHeaders(listener: (req: IncomingMessage, res: ServerResponse) => unknown) {
  return (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return listener(req, res);
  };
}

/** listenHttp starts listening on host:port (0 picks a free port) and resolves once it does; it rejects on EADDRINUSE and the like. */
export async function listenHttp(engine: Engine, host: string, port: number, opts: ListenOptions): Promise<HttpListener> {
  // The event stream's memory hears every engine event while the server runs, connected clients or not.
  const events = new EventLog();
  const stopLogging = engine.on((e) => void events.add(e));
  const app = createHttpApp(engine, { ...opts, events });
  const names = (opts.publicUrls ?? []).map(publicName).filter((n): n is PublicName => n !== undefined);
  const tls = opts.tls !== undefined;
  const listener = withSecurityHeaders(hostGate(engine, names, tls, getRequestListener(app.fetch)));
  const server: Server = tls ? createHttpsServer({ cert: opts.tls?.cert, key: opts.tls?.key, minVersion: 'TLSv1.2' }, listener) : createHttpServer(listener);
  const front = tls ? tlsFront(server) : undefined;
  const listening: NetServer = front ?? server;
  await new Promise<void>((resolve, reject) => {
    listening.once('error', reject);
    listening.listen(port, host, () => {
      listening.off('error', reject);
      // The HTTPS server gets its connections from the front and never listens itself, but its connection
      // tracking (request and header timeouts, closeAllConnections) starts on 'listening'.
      if (front) server.emit('listening');
      resolve();
    });
  });
  const actual = (listening.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${displayHost(host)}:${actual}`;
  const info = { url, publicUrls: opts.publicUrls ?? [], lanAccess: opts.info?.lanAccess ?? false, tls: opts.info?.tls ?? null };
  engine.setServerInfo(info);
  return {
    url,
    port: actual,
    close: async () => {
      stopLogging();
      engine.clearServerInfo(info);
      front?.dropWaiting();
      server.closeAllConnections();
      // Stops the HTTPS server's connection checks; it answers "not running" (it never listened), which is expected.
      if (front) server.close(() => {});
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
  };
}
