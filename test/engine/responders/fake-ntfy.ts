/**
 * A loopback ntfy server, as its docs describe it: publishing as JSON to the root URL
 * (https://docs.ntfy.sh/publish/#publish-as-json) or with the message as the body of a POST to the topic
 * URL (what an `http` action button does, https://docs.ntfy.sh/publish/#send-http-request), and the
 * subscribe stream `GET /<topic>/json` of newline-delimited JSON events (open, keepalive, message;
 * https://docs.ntfy.sh/subscribe/api/#json-message-format) with cached messages replayed from `since`
 * (a message id, a unix time, or "all"; https://docs.ntfy.sh/subscribe/api/#fetch-cached-messages).
 * With `token` set, every request needs `Authorization: Bearer <token>`, except anonymous publishing to
 * topics that `anonymousWrite` matches (an ACL such as `ntfy access everyone 'standby-*' write-only`,
 * https://docs.ntfy.sh/config/#access-control-list-acl).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { listenLoopback } from '../../helpers/loopback-server.ts';

/** NtfyMessage is one cached message. */
export interface NtfyMessage {
  id: string;
  time: number;
  event: 'message';
  topic: string;
  message: string;
  title?: string;
  priority?: number;
  tags?: string[];
  actions?: Array<Record<string, unknown>>;
}

/** NtfyRequest is one request as the fake saw it. */
export interface NtfyRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** FakeNtfy is the fake server. */
export class FakeNtfy {
  readonly requests: NtfyRequest[] = [];
  readonly messages: NtfyMessage[] = [];
  url = '';
  private server: Server | undefined;
  private stopListening: () => Promise<void> = async () => undefined;
  private readonly subscribers = new Set<{ topic: string; res: ServerResponse }>();

  private readonly now: () => number;
  private readonly token: string | undefined;
  private readonly anonymousWrite: RegExp | undefined;

  /** now is the server's clock in ms (the test's fake time, so `since=<unix time>` means what the engine meant). */
  constructor(now: () => number, token?: string, anonymousWrite?: RegExp) {
    this.now = now;
    this.token = token;
    this.anonymousWrite = anonymousWrite;
  }

  /** subscribed counts the open streams of a topic. */
  subscribed(topic: string): number {
    return [...this.subscribers].filter((s) => s.topic === topic).length;
  }

  /** subscriptions lists the subscribe requests. */
  subscriptions(): NtfyRequest[] {
    return this.requests.filter((r) => r.method === 'GET');
  }

  /** published lists the messages published to a topic. */
  published(topic: string): NtfyMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** forget takes a message out of the cache, as ntfy does after its cache duration (12 h on ntfy.sh). */
  forget(id: string): void {
    const i = this.messages.findIndex((m) => m.id === id);
    if (i >= 0) this.messages.splice(i, 1);
  }

  /** drop ends every open stream cleanly, as a restarting server or a proxy does. */
  drop(): void {
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, res));
    });
    const listening = await listenLoopback(this.server);
    this.url = listening.url;
    this.stopListening = listening.close;
    return this;
  }

  async close(): Promise<void> {
    await this.stopListening();
  }

  private handle(r: NtfyRequest, res: ServerResponse): void {
    this.requests.push(r);
    const fail = (status: number, error: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: status * 100 + 1, http: status, error }));
    };
    const u = new URL(r.path, 'http://ntfy.invalid');
    const anonymous = r.method === 'POST' && r.headers.authorization === undefined && this.anonymousWrite?.test(u.pathname.slice(1));
    if (this.token && !anonymous && r.headers.authorization !== `Bearer ${this.token}`) return fail(401, 'unauthorized');
    const sub = /^\/([-_A-Za-z0-9]{1,64})\/json$/.exec(u.pathname);
    if (r.method === 'GET' && sub) return this.subscribe(sub[1]!, u.searchParams.get('since'), res);
    if (r.method === 'POST' && u.pathname === '/') {
      const b = JSON.parse(r.body) as Omit<NtfyMessage, 'id' | 'time' | 'event'>;
      return this.publish(res, { topic: b.topic, message: b.message ?? '', ...(b.title ? { title: b.title } : {}), ...(b.priority ? { priority: b.priority } : {}), ...(b.tags ? { tags: b.tags } : {}), ...(b.actions ? { actions: b.actions } : {}) });
    }
    const pub = /^\/([-_A-Za-z0-9]{1,64})$/.exec(u.pathname);
    if ((r.method === 'POST' || r.method === 'PUT') && pub) return this.publish(res, { topic: pub[1]!, message: r.body });
    return fail(404, 'page not found');
  }

  private publish(res: ServerResponse, m: Omit<NtfyMessage, 'id' | 'time' | 'event'>): void {
    const message: NtfyMessage = { id: this.id(), time: this.seconds(), event: 'message', ...m };
    this.messages.push(message);
    for (const s of this.subscribers) if (s.topic === m.topic) s.res.write(`${JSON.stringify(message)}\n`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(message));
  }

  private subscribe(topic: string, since: string | null, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    res.write(`${JSON.stringify({ id: this.id(), time: this.seconds(), event: 'open', topic })}\n`);
    for (const m of this.cached(topic, since)) res.write(`${JSON.stringify(m)}\n`);
    const s = { topic, res };
    this.subscribers.add(s);
    res.on('close', () => this.subscribers.delete(s));
  }

  /** cached replays a topic's messages after a message id, from a unix time, or all of them; none without `since`. */
  private cached(topic: string, since: string | null): NtfyMessage[] {
    const mine = this.published(topic);
    if (since === null) return [];
    if (since === 'all') return mine;
    if (/^\d+$/.test(since)) return mine.filter((m) => m.time >= Number(since));
    // ntfy's query is `id > COALESCE((SELECT id FROM messages WHERE mid = ?), 0)`: an id no longer cached replays them all.
    const i = mine.findIndex((m) => m.id === since);
    return mine.slice(i + 1);
  }

  /** id is a message id as ntfy makes them: 12 letters and digits. */
  private id(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('');
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
