/**
 * A real SMTP server on loopback (the smtp-server package): it checks the login, records every
 * transaction and every received message, and answers from a queue of modes: accept, a transient
 * 451, a permanent 550 (RFC 5321 section 4.2), or no answer at all.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import type { Mode } from './fake-http.ts';
import type { Expected, VendorFake } from './vendor-fakes.ts';

/** ReceivedMail is one message the server accepted, with its headers parsed. */
export interface ReceivedMail {
  user: string | undefined;
  from: string;
  to: string[];
  headers: Record<string, string>;
  body: string;
  raw: string;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** parseMail splits a message into unfolded headers (lower-case names) and body. */
export function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: raw.slice(at + 4) };
}

/** FakeSmtp is the SMTP server; it is also the email case's VendorFake. */
export class FakeSmtp implements VendorFake {
  url = '';
  readonly messages: ReceivedMail[] = [];
  private transactions = 0;
  private modes: Mode[] = [];
  private server: SMTPServer | undefined;
  private readonly expect: { user: string; password: string; from: string; to: string };

  constructor(expected: { user: string; password: string; from: string; to: string }) {
    this.expect = expected;
  }

  queue(...modes: Mode[]): void {
    this.modes = modes;
  }

  attempts(): number {
    return this.transactions;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (auth.username === this.expect.user && auth.password === this.expect.password) cb(null, { user: auth.username });
        else cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onMailFrom: (_address, _session, cb) => {
        this.transactions++;
        const mode = this.modes.shift() ?? 'ok';
        if (mode === 'hang') return; // never answer: the client's timeout must end the attempt
        if (mode === 'transient') return cb(smtpError(451, '4.3.0 Try again later'));
        if (mode === 'permanent') return cb(smtpError(550, '5.7.1 Relaying denied'));
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const { headers, body } = parseMail(raw);
          this.messages.push({ user: session.user as string | undefined, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), headers, body, raw });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  verifyLast(e: Expected): void {
    const m = this.messages.at(-1)!;
    expect(m.user).toBe(this.expect.user);
    expect([m.from, m.to]).toEqual([this.expect.from, [this.expect.to]]);
    expect(m.headers.from).toBe(this.expect.from);
    expect(m.headers.to).toBe(this.expect.to);
    expect(m.headers['auto-submitted']).toBe('auto-generated');
    expect(m.headers.subject).toBe(e.test ? '[Standby] Test notification: this contact method works' : `[Standby] #${e.number} HIGH: ${e.title}`);
    if (!e.test) {
      expect(m.body).toContain(`Service: ${e.service}`);
      expect(m.headers['x-standby-incident']).toBe(String(e.number));
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
