/** Email over a real SMTP server on loopback: STARTTLS, certificate checking, and SMTP reply classes. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelContext } from '../../../electron/engine/notify/channel.ts';
import { emailChannel, smtpError } from '../../../electron/engine/notify/channels/email.ts';
import { testMessage } from '../../../electron/engine/notify/message.ts';
import { parseMail } from './fake-smtp.ts';

let server: SMTPServer;
let port = 0;
const received: Array<{ secure: boolean; subject: string | undefined }> = [];

beforeAll(async () => {
  // smtp-server offers STARTTLS with its built-in self-signed certificate.
  server = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ secure: session.secure, subject: parseMail(Buffer.concat(chunks).toString()).headers.subject });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ctx = (settings: Record<string, unknown>): ChannelContext => ({
  settings,
  settingsOf: () => undefined,
  secret: async () => null,
  signal: new AbortController().signal,
  timeoutMs: 5000,
});
const contact = { id: 1, type: 'email' as const, label: 'Me', address: 'me@example.com', secretRef: null };
const base = { host: '127.0.0.1', from: 'standby@example.net' };

describe('the email channel', () => {
  it('upgrades to TLS with STARTTLS, and checks the certificate unless told not to', async () => {
    const m = testMessage(Date.parse('2026-03-02T12:00:00Z'), 'UTC');
    const refused = await emailChannel.send(contact, m, ctx({ ...base, port, security: 'starttls' }));
    expect(refused).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining(`SMTP server 127.0.0.1:${port} unreachable`) });
    const sent = await emailChannel.send(contact, m, ctx({ ...base, port, security: 'starttls', rejectUnauthorized: false }));
    expect(sent).toMatchObject({ ok: true });
    expect(received.at(-1)).toEqual({ secure: true, subject: '[Standby] Test notification: this contact method works' });
  });

  it('needs its settings, and a password when it has a user', async () => {
    const m = testMessage(0, 'UTC');
    expect(await emailChannel.send(contact, m, ctx(undefined as never))).toEqual({ ok: false, retryable: false, error: 'Email is not set up: set channels.email in Settings → Channels or the configuration file' });
    expect(await emailChannel.send(contact, m, ctx({ ...base, port, user: 'me' }))).toEqual({ ok: false, retryable: false, error: 'the SMTP password is missing: store it in the keychain entry "email.password" (secrets.set)' });
    expect(await emailChannel.send(contact, m, ctx({ host: '', from: 'x' }))).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^Email settings are not valid: channels\.email\.host: must not be empty/) });
  });

  it('classifies SMTP replies: 4xx transient, 5xx and a refused login permanent (RFC 5321 section 4.2.1)', () => {
    expect(smtpError({ responseCode: 451, response: '451 4.3.0 later' }, 'S', 1)).toMatchObject({ retryable: true });
    expect(smtpError({ responseCode: 550, response: '550 5.1.1 no such user' }, 'S', 1)).toMatchObject({ retryable: false });
    expect(smtpError({ code: 'EAUTH', response: '535 5.7.8 bad credentials' }, 'S', 1)).toMatchObject({ retryable: false, error: 'S refused the login: 535 5.7.8 bad credentials' });
    expect(smtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, 'S', 1)).toMatchObject({ retryable: true });
  });
});
