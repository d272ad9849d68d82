/**
 * A loopback stand-in for Pushover's message and receipt API, as documented at https://pushover.net/api
 * and https://pushover.net/api/receipts: an emergency message (priority 2, with retry and expire) answers
 * a 30-character receipt; GET /1/receipts/<receipt>.json?token= answers its status (acknowledged once the
 * fake person acknowledges it in the app, expired once its expire seconds have passed on the test's
 * clock); POST /1/receipts/<receipt>/cancel.json stops it. Each request is checked for its method,
 * path and token; anything else lands in `unexpected`. Request times come from the test's fake clock.
 */
import { FakeHttp, form, type Answer, type Mode, type Received } from '../notify/fake-http.ts';

/** TOKEN is the application token the fake accepts; USER is the person's user key. */
export const TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
export const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

/** Request is one request the fake accepted, at the test clock's time. */
export interface Request {
  at: number;
  method: string;
  path: string;
  receipt?: string;
}

interface Emergency {
  user: string;
  sentAt: number;
  expiresAt: number;
  acknowledgedAt: number;
  device: string;
  cancelled: boolean;
}

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body) });
const invalidToken = () => json(400, { token: 'invalid', errors: ['application token is invalid'], status: 0, request: 'r' });

/** FakePushover is Pushover on loopback, with a person who can acknowledge. */
export class FakePushover {
  /** now is the test's clock, for request times and expiry. */
  now: () => number = () => 0;
  readonly requests: Request[] = [];
  /** unexpected lists requests Pushover's documentation does not allow (wrong method, path or token). */
  readonly unexpected: string[] = [];
  private readonly emergencies = new Map<string, Emergency>();
  private readonly http = new FakeHttp({ ok: (r) => this.answer(r), transient: () => ({ status: 500, body: '' }), permanent: () => invalidToken() });
  private issued = 0;

  get url(): string {
    return this.http.url;
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** queue sets how the next requests are answered (a 500 for 'transient'). */
  queue(...modes: Mode[]): void {
    this.http.queue(...modes);
  }

  reset(): void {
    this.requests.length = 0;
    this.unexpected.length = 0;
    this.emergencies.clear();
    this.http.received.length = 0;
  }

  /** receipts lists the receipts issued, oldest first. */
  receipts(): string[] {
    return [...this.emergencies.keys()];
  }

  /** acknowledge is the person tapping "Acknowledge" in the Pushover app on a device. */
  acknowledge(receipt: string, device: string): void {
    const e = this.emergencies.get(receipt);
    if (!e) throw new Error(`no receipt ${receipt}`);
    e.acknowledgedAt = this.now();
    e.device = device;
  }

  /** forget drops a receipt, as Pushover does a week after the message. */
  forget(receipt: string): void {
    this.emergencies.delete(receipt);
  }

  gets(receipt: string): Request[] {
    return this.requests.filter((r) => r.method === 'GET' && r.receipt === receipt);
  }

  cancels(receipt: string): Request[] {
    return this.requests.filter((r) => r.method === 'POST' && r.receipt === receipt);
  }

  cancelled(receipt: string): boolean {
    return this.emergencies.get(receipt)?.cancelled ?? false;
  }

  private answer(r: Received): Answer {
    const url = new URL(r.path, 'http://pushover.invalid');
    const at = this.now();
    let m: RegExpMatchArray | null;
    if (r.method === 'POST' && url.pathname === '/1/messages.json' && url.search === '') return this.message(r, at);
    if (r.method === 'GET' && (m = /^\/1\/receipts\/([A-Za-z0-9]{30})\.json$/.exec(url.pathname))) {
      // https://pushover.net/api/receipts: the token is the query's only parameter.
      if ([...url.searchParams.keys()].join() !== 'token' || url.searchParams.get('token') !== TOKEN) return this.refuse(r, invalidToken());
      this.requests.push({ at, method: 'GET', path: url.pathname, receipt: m[1]! });
      return this.status(m[1]!, at);
    }
    if (r.method === 'POST' && (m = /^\/1\/receipts\/([A-Za-z0-9]{30})\/cancel\.json$/.exec(url.pathname)) && url.search === '') {
      if (!/^application\/x-www-form-urlencoded/.test(r.headers['content-type'] ?? '') || JSON.stringify(form(r.body)) !== JSON.stringify({ token: TOKEN })) return this.refuse(r, invalidToken());
      this.requests.push({ at, method: 'POST', path: url.pathname, receipt: m[1]! });
      const e = this.emergencies.get(m[1]!);
      if (!e) return json(404, { receipt: 'not found', errors: ['receipt not found; may be invalid or expired'], status: 0, request: 'r' });
      e.cancelled = true;
      return json(200, { status: 1, request: 'r' });
    }
    return this.refuse(r, json(404, { errors: ['not found'], status: 0 }));
  }

  private refuse(r: Received, a: Answer): Answer {
    this.unexpected.push(`${r.method} ${r.path}`);
    return a;
  }

  /** message is POST /1/messages.json (https://pushover.net/api#messages, #priority). */
  private message(r: Received, at: number): Answer {
    const f = form(r.body);
    if (f.token !== TOKEN) return this.refuse(r, invalidToken());
    if (f.user !== USER || !f.message) return this.refuse(r, json(400, { user: 'invalid', errors: ['user identifier is not valid'], status: 0, request: 'r' }));
    this.requests.push({ at, method: 'POST', path: '/1/messages.json' });
    if (f.priority !== '2') return json(200, { status: 1, request: 'r' });
    const retry = Number(f.retry);
    const expire = Number(f.expire);
    if (!(retry >= 30) || !(expire > 0 && expire <= 10800)) return this.refuse(r, json(400, { errors: ['retry and expire are required for emergency priority'], status: 0, request: 'r' }));
    const receipt = `R${String(++this.issued).padStart(3, '0')}abcdefghijklmnopqrstuvwxyz`;
    this.emergencies.set(receipt, { user: f.user, sentAt: at, expiresAt: at + expire * 1000, acknowledgedAt: 0, device: '', cancelled: false });
    return json(200, { status: 1, request: 'r', receipt });
  }

  /** status is a receipt's status (https://pushover.net/api/receipts); a cancelled one has stopped: it counts as expired. */
  private status(receipt: string, at: number): Answer {
    const e = this.emergencies.get(receipt);
    if (!e) return json(404, { receipt: 'not found', errors: ['receipt not found; may be invalid or expired'], status: 0, request: 'r' });
    const acknowledged = e.acknowledgedAt > 0;
    const expired = !acknowledged && (e.cancelled || at >= e.expiresAt);
    const secs = (ms: number) => Math.floor(ms / 1000);
    return json(200, {
      status: 1,
      acknowledged: acknowledged ? 1 : 0,
      acknowledged_at: acknowledged ? secs(e.acknowledgedAt) : 0,
      acknowledged_by: acknowledged ? e.user : '',
      acknowledged_by_device: acknowledged ? e.device : '',
      last_delivered_at: secs(e.sentAt),
      expired: expired ? 1 : 0,
      expires_at: secs(e.expiresAt),
      called_back: 0,
      called_back_at: 0,
      request: 'r',
    });
  }
}
