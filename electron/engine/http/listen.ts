/**
 * listenHttp serves the HTTP app of an engine (API, inbound alerts, heartbeat pings, the web UI) on
 * one address. The headless server and the Electron app both use it, so monitoring tools reach the
 * desktop app exactly as they reach a headless one.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Engine } from '../engine.ts';
import { createHttpApp, type HttpOptions } from './server.ts';

/** DEFAULT_PORT is where Standby listens (headless or in the app) unless told otherwise. */
export const DEFAULT_PORT = 8730;

/** HttpListener is a listening HTTP server. */
export interface HttpListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** listenHttp starts listening on host:port (0 picks a free port) and resolves once it does; it rejects on EADDRINUSE and the like. */
export async function listenHttp(engine: Engine, host: string, port: number, opts: HttpOptions): Promise<HttpListener> {
  const app = createHttpApp(engine, opts);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s as Server));
    s.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
