/**
 * One conformance case per channel file: the channel, a contact method, its settings pointed at a fake
 * on loopback, its secret, and the fake, which answers like the vendor and checks each request's
 * method, path, auth and body as the vendor documents them.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { ContactMethodInput } from '../../../electron/shared/schemas.ts';
import type { Channel, DesktopNotification } from '../../../electron/engine/notify/channel.ts';
import { desktopChannel } from '../../../electron/engine/notify/channels/desktop.ts';
import { discordChannel } from '../../../electron/engine/notify/channels/discord.ts';
import { emailChannel } from '../../../electron/engine/notify/channels/email.ts';
import { ntfyChannel } from '../../../electron/engine/notify/channels/ntfy.ts';
import { pushoverChannel } from '../../../electron/engine/notify/channels/pushover.ts';
import { slackChannel } from '../../../electron/engine/notify/channels/slack.ts';
import { smsGatewayChannel } from '../../../electron/engine/notify/channels/sms.ts';
import { telegramChannel } from '../../../electron/engine/notify/channels/telegram.ts';
import { twilioSmsChannel } from '../../../electron/engine/notify/channels/twilio-sms.ts';
import { twilioVoiceChannel } from '../../../electron/engine/notify/channels/twilio-voice.ts';
import { webhookChannel } from '../../../electron/engine/notify/channels/webhook.ts';
import { FakeHttp, form, type Mode, type Received } from './fake-http.ts';
import { FakeSmtp } from './fake-smtp.ts';

/** Expected is what the checked request must carry: the incident's number and title, or a test message. */
export interface Expected {
  number: number;
  title: string;
  service: string;
  test: boolean;
}

/** VendorFake is a vendor's stand-in: how it answers next, what it received, and the vendor's rules for a request. */
export interface VendorFake {
  url: string;
  queue(...modes: Mode[]): void;
  /** attempts counts requests (or SMTP transactions) that reached the fake. */
  attempts(): number;
  /** verifyLast checks the last request against the vendor's documentation. */
  verifyLast(e: Expected): void;
  close(): Promise<void>;
}

/** ChannelCase is one channel's conformance setup. */
export interface ChannelCase {
  /** file is the channel's file in electron/engine/notify/channels, without ".ts". */
  file: string;
  channel: Channel;
  contact(url: string): ContactMethodInput;
  settings(url: string): Record<string, Record<string, unknown>>;
  /** secrets are keychain entries to store; the test asserts none of their values ever shows. */
  secrets: Record<string, string>;
  /** permanent is false for a channel that has no permanent failure (the desktop port). */
  permanent: boolean;
  /** encoded are other forms of a secret that must never show either (HTTP Basic credentials). */
  encoded?: string[];
  start(): Promise<VendorFake>;
}

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO_TOKEN = 'q7Zt4Wv9Xk2Lm8Rp5Yd3';
const E164 = '+14155550123';

function http(f: FakeHttp, verify: (r: Received, e: Expected) => void): VendorFake {
  return {
    get url() {
      return f.url;
    },
    queue: (...m) => f.queue(...m),
    attempts: () => f.received.length,
    verifyLast: (e) => verify(f.received.at(-1)!, e),
    close: () => f.close(),
  };
}

function json(r: Received): Record<string, unknown> {
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(r.body) as Record<string, unknown>;
}

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** echo makes a fake vendor's error body repeat what it was sent, so the tests show the stage redacts secrets a vendor echoes. */
const echo = (r: Received) => `${r.path} ${r.headers.authorization ?? ''} ${r.body}`.slice(0, 150);

function twilioFake(resource: 'Messages.json' | 'Calls.json', check: (f: Record<string, string>, e: Expected) => void) {
  return async () =>
    http(
      await new FakeHttp({
        ok: () => ({ status: 201, body: JSON.stringify({ sid: 'SM0123', status: 'queued' }) }),
        transient: () => ({ status: 503, body: JSON.stringify({ code: 20503, message: 'Service unavailable', status: 503 }) }),
        permanent: (r) => ({ status: 400, body: JSON.stringify({ code: 21211, message: `Invalid 'To' Phone Number (${echo(r)})`, status: 400 }) }),
      }).start(),
      (r, e) => {
        // https://www.twilio.com/docs/usage/api#authenticate-with-http: HTTP Basic, Account SID and auth token.
        expect([r.method, r.path]).toEqual(['POST', `/2010-04-01/Accounts/${SID}/${resource}`]);
        expect(r.headers.authorization).toBe(basic(SID, TWILIO_TOKEN));
        expect(r.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
        const f = form(r.body);
        expect(f.To).toBe(E164);
        expect(f.From).toBe('+14155550100');
        check(f, e);
      },
    );
}

/** CASES holds one case per file in electron/engine/notify/channels. */
export const CASES: ChannelCase[] = [
  {
    file: 'desktop',
    channel: desktopChannel({ show: async () => {} }),
    contact: (_url) => ({ type: 'desktop', label: 'This laptop (conformance)', address: '', secretRef: null }),
    settings: () => ({}),
    secrets: {},
    permanent: false,
    start: async () => desktopFake(),
  },
  {
    file: 'twilio-sms',
    channel: twilioSmsChannel,
    contact: (_url) => ({ type: 'sms', label: 'Mobile (SMS)', address: E164, secretRef: null }),
    settings: (url) => ({ sms: { provider: 'twilio' }, twilio: { accountSid: SID, from: '+14155550100', baseUrl: url } }),
    secrets: { 'twilio.authToken': TWILIO_TOKEN },
    permanent: true,
    encoded: [basic(SID, TWILIO_TOKEN).slice(6)],
    // https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
    start: twilioFake('Messages.json', (f, e) => {
      expect(Object.keys(f).sort()).toEqual(['Body', 'From', 'To']);
      expect(f.Body).toContain(e.test ? 'test' : `#${e.number} HIGH: ${e.title}`);
      expect(f.Body!.length).toBeLessThanOrEqual(1600);
    }),
  },
  {
    file: 'twilio-voice',
    channel: twilioVoiceChannel,
    contact: (_url) => ({ type: 'voice', label: 'Mobile (voice)', address: E164, secretRef: null }),
    settings: (url) => ({ voice: { provider: 'twilio', voice: 'alice' }, twilio: { accountSid: SID, from: '+14155550100', baseUrl: url } }),
    secrets: { 'twilio.authToken': TWILIO_TOKEN },
    permanent: true,
    encoded: [basic(SID, TWILIO_TOKEN).slice(6)],
    // https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource (Twiml) and https://www.twilio.com/docs/voice/twiml/say
    start: twilioFake('Calls.json', (f, e) => {
      expect(Object.keys(f).sort()).toEqual(['From', 'To', 'Twiml']);
      expect(f.Twiml).toMatch(/^<Response><Say voice="alice" loop="2">[^<]+<\/Say><\/Response>$/);
      expect(f.Twiml).toContain(e.test ? 'test call' : `Incident ${e.number}, high urgency: ${e.title}`);
    }),
  },
  {
    file: 'sms',
    channel: smsGatewayChannel,
    contact: (_url) => ({ type: 'sms', label: 'Gateway SMS', address: E164, secretRef: 'sms.gatewayToken' }),
    settings: (url) => ({ sms: { provider: 'webhook', url: `${url}/send-sms` } }),
    secrets: { 'sms.gatewayToken': 'Gw7qZ3xV9kT2mP8rL5' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({ ok: () => ({ status: 200, body: '{}' }), transient: () => ({ status: 503 }), permanent: (r) => ({ status: 422, body: JSON.stringify({ error: echo(r) }) }) }).start(),
        (r, e) => {
          expect([r.method, r.path, r.headers.authorization]).toEqual(['POST', '/send-sms', 'Bearer Gw7qZ3xV9kT2mP8rL5']);
          const b = json(r);
          expect(Object.keys(b).sort()).toEqual(['message', 'to']);
          expect(b.to).toBe(E164);
          expect(b.message).toContain(e.test ? 'test' : e.title);
        },
      ),
  },
  {
    file: 'email',
    channel: emailChannel,
    contact: (_url) => ({ type: 'email', label: 'Sam (email)', address: 'sam@example.com', secretRef: null }),
    settings: (url) => {
      const u = new URL(url);
      return { email: { host: u.hostname, port: Number(u.port), security: 'none', user: 'standby', from: 'standby@example.net' } };
    },
    secrets: { 'email.password': 'Sm4xQ9zK7vR2pL6wN3' },
    permanent: true,
    start: async () => new FakeSmtp({ user: 'standby', password: 'Sm4xQ9zK7vR2pL6wN3', from: 'standby@example.net', to: 'sam@example.com' }).start(),
  },
  {
    file: 'ntfy',
    channel: ntfyChannel,
    contact: (_url) => ({ type: 'ntfy', label: 'Phone (ntfy)', address: 'standby-alerts', secretRef: null }),
    settings: (url) => ({ ntfy: { server: url, tokenRef: 'ntfy.token' } }),
    secrets: { 'ntfy.token': 'tk_Nf8Qz3Xv7Kw2Rp9Lm5Yd4Tb6' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({
          ok: () => ({ status: 200, body: JSON.stringify({ id: 'a1', event: 'message', topic: 'standby-alerts' }) }),
          transient: () => ({ status: 500, body: JSON.stringify({ code: 50001, http: 500, error: 'internal server error' }) }),
          permanent: (r) => ({ status: 403, body: JSON.stringify({ code: 40301, http: 403, error: `forbidden ${echo(r)}` }) }),
        }).start(),
        (r, e) => {
          // https://docs.ntfy.sh/publish/#publish-as-json: POST to the root URL; https://docs.ntfy.sh/publish/#access-tokens: Bearer.
          expect([r.method, r.path, r.headers.authorization]).toEqual(['POST', '/', 'Bearer tk_Nf8Qz3Xv7Kw2Rp9Lm5Yd4Tb6']);
          const b = json(r);
          expect(b.topic).toBe('standby-alerts');
          expect(b.title).toBe(e.test ? 'Standby: test notification' : `#${e.number} ${e.title}`);
          expect(typeof b.message).toBe('string');
          expect(b.priority).toBe(e.test ? 3 : 5);
          expect(Array.isArray(b.tags)).toBe(true);
          if (b.actions) expect((b.actions as unknown[]).length).toBeLessThanOrEqual(3);
        },
      ),
  },
  {
    file: 'pushover',
    channel: pushoverChannel,
    contact: (_url) => ({ type: 'pushover', label: 'Phone (Pushover)', address: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', secretRef: null }),
    settings: (url) => ({ pushover: { baseUrl: url } }),
    secrets: { 'pushover.token': 'azGDORePK8gMaC0QOYAMyEEuzJnyUi' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({
          ok: () => ({ status: 200, body: JSON.stringify({ status: 1, request: '647d2300-702c-4b38-8b2f-d56326ae460b' }) }),
          transient: () => ({ status: 500, body: '' }),
          permanent: (r) => ({ status: 400, body: JSON.stringify({ user: 'invalid', errors: [`user identifier is not valid (${echo(r)})`], status: 0, request: 'x' }) }),
        }).start(),
        (r, e) => {
          // https://pushover.net/api#messages: POST /1/messages.json with token, user, message (title, priority...).
          expect([r.method, r.path]).toEqual(['POST', '/1/messages.json']);
          expect(r.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
          const f = form(r.body);
          expect(f.token).toBe('azGDORePK8gMaC0QOYAMyEEuzJnyUi');
          expect(f.user).toBe('uQiRzpo4DXghDmr9QzzfQu27cmVRsG');
          expect(f.message!.length).toBeGreaterThan(0);
          expect(f.message!.length).toBeLessThanOrEqual(1024);
          expect(f.title!.length).toBeLessThanOrEqual(250);
          if (e.test) {
            expect(f.priority).toBe('0');
          } else {
            expect(f.title).toBe(`#${e.number} ${e.title}`);
            // https://pushover.net/api#priority: priority 2 needs retry (>= 30) and expire (<= 10800).
            expect(f.priority).toBe('2');
            expect(Number(f.retry)).toBeGreaterThanOrEqual(30);
            expect(Number(f.expire)).toBeLessThanOrEqual(10800);
          }
        },
      ),
  },
  {
    file: 'slack',
    channel: slackChannel,
    contact: (url) => ({ type: 'slack', label: 'Slack #oncall', address: `${url}/services/T0001/B0001`, secretRef: 'slack.hookToken' }),
    settings: () => ({}),
    secrets: { 'slack.hookToken': 'Xq9Zk3Vw7Lp2Rm8Ty5Nb4Gd' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({
          ok: () => ({ status: 200, body: 'ok', headers: { 'content-type': 'text/html' } }),
          transient: () => ({ status: 500, body: 'rollup_error', headers: { 'content-type': 'text/html' } }),
          permanent: (r) => ({ status: 404, body: `no_service ${echo(r)}`, headers: { 'content-type': 'text/html' } }),
        }).start(),
        (r, e) => {
          // https://api.slack.com/messaging/webhooks: POST JSON {text, blocks} to the webhook URL.
          expect([r.method, r.path]).toEqual(['POST', '/services/T0001/B0001/Xq9Zk3Vw7Lp2Rm8Ty5Nb4Gd']);
          const b = json(r);
          expect(b.text).toContain(e.test ? 'Test' : e.title);
          if (!e.test) expect((b.blocks as Array<{ type: string; text: { type: string } }>)[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
        },
      ),
  },
  {
    file: 'discord',
    channel: discordChannel,
    contact: (url) => ({ type: 'discord', label: 'Discord #alerts', address: `${url}/api/webhooks/1234567890`, secretRef: 'discord.hookToken' }),
    settings: () => ({}),
    secrets: { 'discord.hookToken': 'Dq8Zw3Kx7Vp2Lm9Rt5Yb4Nc6Gh1Jf' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({
          ok: () => ({ status: 204 }),
          transient: () => ({ status: 502, body: '' }),
          permanent: (r) => ({ status: 404, body: JSON.stringify({ message: `Unknown Webhook ${echo(r)}`, code: 10015 }) }),
        }).start(),
        (r, e) => {
          // https://discord.com/developers/docs/resources/webhook#execute-webhook
          expect([r.method, r.path]).toEqual(['POST', '/api/webhooks/1234567890/Dq8Zw3Kx7Vp2Lm9Rt5Yb4Nc6Gh1Jf']);
          const b = json(r);
          expect((b.content as string).length).toBeLessThanOrEqual(2000);
          expect(b.allowed_mentions).toEqual({ parse: [] });
          if (!e.test) {
            const embed = (b.embeds as Array<{ title: string; description: string }>)[0]!;
            expect(embed.title).toBe(`#${e.number} ${e.title}`);
            expect(embed.title.length).toBeLessThanOrEqual(256);
            expect(embed.description.length).toBeLessThanOrEqual(4096);
          }
        },
      ),
  },
  {
    file: 'telegram',
    channel: telegramChannel,
    contact: (_url) => ({ type: 'telegram', label: 'Telegram', address: '-1001234567890', secretRef: null }),
    settings: (url) => ({ telegram: { baseUrl: url } }),
    secrets: { 'telegram.botToken': '908172635:AAHq7Zx3Kv9Wp2Lm8Rt5Yb4Nc6Gd1Jf' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({
          ok: () => ({ status: 200, body: JSON.stringify({ ok: true, result: { message_id: 7 } }) }),
          transient: () => ({ status: 502, body: '' }),
          permanent: (r) => ({ status: 400, body: JSON.stringify({ ok: false, error_code: 400, description: `Bad Request: chat not found (${echo(r)})` }) }),
        }).start(),
        (r, e) => {
          // https://core.telegram.org/bots/api#making-requests and #sendmessage
          expect([r.method, r.path]).toEqual(['POST', '/bot908172635:AAHq7Zx3Kv9Wp2Lm8Rt5Yb4Nc6Gd1Jf/sendMessage']);
          const b = json(r);
          expect(b.chat_id).toBe('-1001234567890');
          expect((b.text as string).length).toBeLessThanOrEqual(4096);
          expect(b.text).toContain(e.test ? 'Test' : e.title);
          expect(b.parse_mode).toBeUndefined();
        },
      ),
  },
  {
    file: 'webhook',
    channel: webhookChannel,
    contact: (url) => ({ type: 'webhook', label: 'Home Assistant', address: `${url}/api/webhook/standby`, secretRef: 'webhook.signing' }),
    settings: () => ({}),
    secrets: { 'webhook.signing': 'whQz8Xk3Vw7Lp2Rm9Ty5' },
    permanent: true,
    start: async () =>
      http(
        await new FakeHttp({ ok: () => ({ status: 200, body: '{}' }), transient: () => ({ status: 503 }), permanent: () => ({ status: 410, body: 'gone' }) }).start(),
        (r, e) => {
          expect([r.method, r.path]).toEqual(['POST', '/api/webhook/standby']);
          const ts = r.headers['x-standby-timestamp'] as string;
          const expected = `sha256=${createHmac('sha256', 'whQz8Xk3Vw7Lp2Rm9Ty5').update(`${ts}.${r.body}`).digest('hex')}`;
          expect(r.headers['x-standby-signature']).toBe(expected);
          const b = json(r);
          expect(b.event).toBe(e.test ? 'test' : 'incident.notify');
          if (!e.test) {
            expect(r.headers['x-standby-delivery']).toBe(b.deliveryKey);
            expect(b.incident).toMatchObject({ number: e.number, title: e.title, service: e.service, urgency: 'high' });
          }
        },
      ),
  },
];

/** The desktop channel's "vendor" is the shell's port: it can throw (retryable) or hang. */
let desktopModes: Mode[] = [];
const desktopShown: DesktopNotification[] = [];
let desktopAttempts = 0;
CASES[0]!.channel = desktopChannel({
  show: (n) => {
    desktopAttempts++;
    const mode = desktopModes.shift() ?? 'ok';
    if (mode === 'hang') return new Promise<void>(() => {});
    if (mode !== 'ok') return Promise.reject(new Error('the notification centre is not running'));
    desktopShown.push(n);
    return Promise.resolve();
  },
});

function desktopFake(): VendorFake {
  desktopModes = [];
  desktopShown.length = 0;
  desktopAttempts = 0;
  return {
    url: 'desktop:',
    queue: (...m) => (desktopModes = m),
    attempts: () => desktopAttempts,
    verifyLast: (e) => expect(desktopShown.at(-1)?.title).toBe(e.test ? 'Standby: test notification' : `#${e.number} ${e.title}`),
    close: async () => {},
  };
}
