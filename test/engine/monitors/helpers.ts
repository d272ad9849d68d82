/** Loopback servers the monitor tests control, and an engine set up to run monitors on fake time. */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import type { MonitorInput, MonitorView } from '../../../electron/shared/monitor-schemas.ts';
import { onCallSetup, testEngine, type TestEngine } from '../../helpers/engine.ts';

/** HttpTarget is an HTTP server on 127.0.0.1 whose answers the test sets. */
export interface HttpTarget {
  url: string;
  status: number;
  body: string;
  contentType: string;
  delayMs: number;
  hits: number;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

/** httpTarget starts an HTTP server answering `status` with `body` after `delayMs`. */
export async function httpTarget(): Promise<HttpTarget> {
  const t: HttpTarget = {
    url: '',
    status: 200,
    body: 'hello from the target',
    contentType: 'text/plain',
    delayMs: 0,
    hits: 0,
    requests: [],
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  const server: Server = createHttpServer((req, res) => {
    t.hits++;
    t.requests.push(req);
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/' });
      res.end();
      return;
    }
    setTimeout(() => {
      res.writeHead(t.status, { 'content-type': t.contentType });
      res.end(t.body);
    }, t.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return t;
}

/** tcpListener starts a TCP server on 127.0.0.1 that accepts and closes connections. */
export async function tcpListener(port = 0): Promise<{ port: number; server: TcpServer; close(): Promise<void> }> {
  const server = createTcpServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** closedPort is a loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const l = await tcpListener();
  await l.close();
  return l.port;
}

/** MonitorTest is a test engine with the on-call setup and helpers for monitors. */
export interface MonitorTest {
  t: TestEngine;
  serviceId: number;
  /** reference is a loopback listener used as the only "is it me?" target: up means online. */
  reference: { port: number; close(): Promise<void> };
  /** seconds moves fake time and waits for the checks and jobs it started. */
  seconds(s: number): Promise<void>;
  /** nextCheck moves fake time to a monitor's next check and waits for it. */
  nextCheck(id: number): Promise<void>;
  create(input: Partial<MonitorInput> & Pick<MonitorInput, 'kind' | 'config'>): Promise<MonitorView>;
  incidents(): Promise<Array<{ id: number; status: string; title: string; dedupKey: string }>>;
  close(): Promise<void>;
}

/** monitorTest starts an engine on fake time, with a service and a loopback reference target. */
export async function monitorTest(): Promise<MonitorTest> {
  const t = await testEngine();
  const { service } = await onCallSetup(t, { twoLevels: false });
  const reference = await tcpListener();
  await t.engine.invoke('monitoring.updateSettings', { referenceTargets: [{ host: '127.0.0.1', port: reference.port }] });
  const e = t.engine;
  const seconds = async (s: number) => {
    await t.clock.advance(s * 1000);
    await e.monitors.idle();
    await e.lifecycle.idle();
  };
  return {
    t,
    serviceId: service.id,
    reference,
    seconds,
    async nextCheck(id) {
      const due = e.monitors.scheduler.dueAt(id);
      if (typeof due !== 'number') throw new Error(`monitor ${id} has no check scheduled`);
      await seconds(Math.max(0, due - t.clock.now()) / 1000);
    },
    create: (input) => e.invoke('monitors.create', { name: 'Blog', serviceId: service.id, ...input }),
    async incidents() {
      const r = await e.invoke('incidents.list', {});
      return r.incidents.map((i) => ({ id: i.id, status: i.status, title: i.title, dedupKey: i.dedupKey }));
    },
    async close() {
      await e.stop();
      await reference.close();
    },
  };
}
