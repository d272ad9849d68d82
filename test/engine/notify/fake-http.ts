/**
 * A loopback HTTP server standing in for a vendor's API: it records every request and answers from a
 * queue of modes (success, a transient 5xx, a permanent 4xx, or no answer at all). Each vendor's fake
 * (vendor-fakes.ts) says what those answers look like and checks requests as the vendor documents them.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Received is one request as the fake saw it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Mode is how the fake answers the next request. */
export type Mode = 'ok' | 'transient' | 'permanent' | 'hang';

/** Answer is a canned HTTP answer. */
export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** FakeHttp is a recording HTTP server on 127.0.0.1 with an answer queue. */
export class FakeHttp {
  readonly received: Received[] = [];
  url = '';
  private readonly answers: Record<Exclude<Mode, 'hang'>, (r: Received) => Answer>;
  private modes: Mode[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  constructor(answers: Record<Exclude<Mode, 'hang'>, (r: Received) => Answer>) {
    this.answers = answers;
  }

  /** queue sets how the next requests are answered; after the queue, every request succeeds. */
  queue(...modes: Mode[]): void {
    this.modes = modes;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(r);
        const mode = this.modes.shift() ?? 'ok';
        if (mode === 'hang') {
          this.hanging.add(res);
          return;
        }
        const a = this.answers[mode](r);
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(a.body ?? '');
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** form parses an application/x-www-form-urlencoded body. */
export function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
