/**
 * A loopback stand-in for Twilio's Messages and Calls resources, as documented: creating a Message
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource) and a Call, and
 * reading the Message list (https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources):
 * `To`, `DateSent>` (a UTC day) and `PageSize` filters, newest first, pages linked by next_page_uri with
 * Page and PageToken. Every request must carry HTTP Basic Account SID:auth token.
 */
import { createServer, type Server } from 'node:http';
import { listenLoopback } from '../../helpers/loopback-server.ts';

/** FakeMessage is one Message as the fake keeps it. */
export interface FakeMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  direction: 'inbound' | 'outbound-api';
  at: number;
}

/** FakeRequest is one request as the fake saw it: method, path, query and auth. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  authorization: string | undefined;
  form: Record<string, string>;
}

/** rfc2822 formats a time as Twilio's date fields do: "Tue, 02 Dec 2026 19:01:02 +0000". */
export const rfc2822 = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');

/** FakeTwilio is the fake account: its messages (newest last), the calls made, and every request. */
export class FakeTwilio {
  readonly messages: FakeMessage[] = [];
  readonly calls: Record<string, string>[] = [];
  readonly requests: FakeRequest[] = [];
  url = '';
  private server: Server | undefined;
  private stopListening: () => Promise<void> = async () => undefined;
  private seq = 0;
  private readonly sid: string;
  private readonly token: string;

  constructor(accountSid: string, authToken: string) {
    this.sid = accountSid;
    this.token = authToken;
  }

  private newSid(prefix: string): string {
    return `${prefix}${(++this.seq).toString(16).padStart(32, '0')}`;
  }

  /** inbound adds a message the person (or anyone) sent to the Twilio number, sent at `at` (to the second, as Twilio keeps it). */
  inbound(from: string, to: string, body: string, at: number): FakeMessage {
    const m: FakeMessage = { sid: this.newSid('SM'), from, to, body, direction: 'inbound', at: Math.floor(at / 1000) * 1000 };
    this.messages.push(m);
    return m;
  }

  /** sent lists the SMS Standby sent to a number. */
  sent(to: string): string[] {
    return this.messages.filter((m) => m.direction === 'outbound-api' && m.to === to).map((m) => m.body);
  }

  /** lists are the list requests (GET Messages.json). */
  lists(): FakeRequest[] {
    return this.requests.filter((r) => r.method === 'GET');
  }

  async start(now: () => number): Promise<this> {
    const base = `/2010-04-01/Accounts/${this.sid}/`;
    const expected = `Basic ${Buffer.from(`${this.sid}:${this.token}`).toString('base64')}`;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://fake');
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const r: FakeRequest = { method: req.method ?? '', path: u.pathname, query: u.searchParams, rawQuery: u.search.slice(1), authorization: req.headers.authorization, form };
        this.requests.push(r);
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        // https://www.twilio.com/docs/usage/api#authenticate-with-http
        if (r.authorization !== expected) return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
        if (r.method === 'POST' && r.path === `${base}Messages.json`) {
          if (!form.To || !form.From || !form.Body) return answer(400, { code: 21604, message: 'A required parameter is missing', status: 400 });
          const m: FakeMessage = { sid: this.newSid('SM'), from: form.From, to: form.To, body: form.Body, direction: 'outbound-api', at: now() };
          this.messages.push(m);
          return answer(201, this.resource(m));
        }
        if (r.method === 'POST' && r.path === `${base}Calls.json`) {
          this.calls.push(form);
          return answer(201, { sid: this.newSid('CA'), status: 'queued' });
        }
        if (r.method === 'GET' && r.path === `${base}Messages.json`) return answer(200, this.list(r.query, base));
        return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      });
    });
    const listening = await listenLoopback(this.server);
    this.url = listening.url;
    this.stopListening = listening.close;
    return this;
  }

  private resource(m: FakeMessage) {
    return { sid: m.sid, account_sid: this.sid, from: m.from, to: m.to, body: m.body, direction: m.direction, status: m.direction === 'inbound' ? 'received' : 'queued', date_created: rfc2822(m.at), date_sent: rfc2822(m.at), num_segments: '1' };
  }

  /** list filters by To and DateSent> (the day, UTC), newest first; PageToken "PA<sid>" continues after that message. */
  private list(q: URLSearchParams, base: string) {
    const size = Math.min(1000, Number(q.get('PageSize') ?? 50));
    const day = q.get('DateSent>');
    const all = this.messages
      .filter((m) => (!q.get('To') || m.to === q.get('To')) && (!day || new Date(m.at).toISOString().slice(0, 10) >= day))
      .sort((a, b) => b.at - a.at || this.messages.indexOf(b) - this.messages.indexOf(a));
    const token = q.get('PageToken');
    const from = token ? all.findIndex((m) => `PA${m.sid}` === token) + 1 : 0;
    const page = all.slice(from, from + size);
    const pageNo = Number(q.get('Page') ?? 0);
    const keep = new URLSearchParams([...q].filter(([k]) => k !== 'Page' && k !== 'PageToken'));
    const next = from + size < all.length ? `${base}Messages.json?${keep.toString()}&Page=${pageNo + 1}&PageToken=PA${page.at(-1)!.sid}` : null;
    return { messages: page.map((m) => this.resource(m)), next_page_uri: next, page: pageNo, page_size: size, start: from, end: from + page.length - 1, uri: `${base}Messages.json?${q.toString()}`, first_page_uri: `${base}Messages.json?${keep.toString()}&Page=0`, previous_page_uri: null };
  }

  async close(): Promise<void> {
    await this.stopListening();
  }
}
