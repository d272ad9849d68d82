/**
 * Answering a page call with a key: with ack links on (a public base URL), the call's TwiML gathers one
 * digit and Twilio posts it back; the test plays Twilio (the call it was asked to make, then the POST
 * of the pressed key, signed as Twilio documents) against the real HTTP server on loopback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { spokenSummary } from '../../../electron/engine/notify/channels/twilio-voice.ts';
import { twilioSignature } from '../../../electron/engine/notify/voice-answers.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { FakeTwilio } from '../responders/fake-twilio.ts';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'tw-Auth-3f9a1c7e5b2d4086';
const TWILIO_NUMBER = '+14155550100';
const PHONE = '+14155550123';

let clock: FakeClock;
let twilio: FakeTwilio;
let s: HeadlessServer;
let serviceId: number;

beforeAll(async () => {
  clock = new FakeClock('2026-03-02T03:10:00Z');
  twilio = await new FakeTwilio(SID, AUTH_TOKEN).start(() => clock.now());
  s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: 't', clock, secrets: new MemorySecretStore(), log: () => {} });
  const e = s.engine;
  serviceId = (await e.invoke('services.list', {}))[0]!.id;
  await e.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: `${s.url}/`, ttlMinutes: 60 } });
  await e.invoke('channels.update', { kind: 'delivery', settings: { retries: 0 } });
  await e.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: TWILIO_NUMBER, baseUrl: twilio.url, answers: false } });
  await e.invoke('channels.update', { kind: 'voice', settings: { provider: 'twilio' } });
  await e.invoke('channels.setSecret', { kind: 'twilio', value: AUTH_TOKEN });
  for (const r of await e.invoke('notificationRules.list', {})) await e.invoke('notificationRules.delete', { id: r.id });
  const voice = await e.invoke('contactMethods.create', { type: 'voice', label: 'Mobile (call)', address: PHONE, secretRef: null });
  await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: voice.id });
});
afterAll(async () => {
  await s?.close();
  await twilio?.close();
});
afterEach(() => {
  twilio.calls.length = 0;
});

/** page triggers an incident and answers the call Twilio was asked to make: its TwiML and the <Gather> action. */
async function page(title: string): Promise<{ id: number; number: number; twiml: string; action: string }> {
  const r = await s.engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical' });
  if (r.status === 'suppressed') throw new Error(r.reason);
  await clock.advance(0);
  await s.engine.lifecycle.idle();
  const twiml = twilio.calls.at(-1)!.Twiml!;
  const action = /<Gather [^>]*action="([^"]+)"/.exec(twiml)?.[1]?.replaceAll('&amp;', '&') ?? '';
  return { id: r.incident.id, number: r.incident.number, twiml, action };
}

/** press is Twilio posting the pressed key to the <Gather> action, signed with the account's auth token unless told otherwise. */
async function press(action: string, digit: string, o: { token?: string; accountSid?: string } = {}): Promise<{ status: number; type: string | null; text: string }> {
  const params = { AccountSid: o.accountSid ?? SID, CallSid: 'CA0123456789abcdef0123456789abcdef', Digits: digit, From: TWILIO_NUMBER, To: PHONE, CallStatus: 'in-progress' };
  const res = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(o.token ?? AUTH_TOKEN, action, params) },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const status = (id: number) => s.engine.incidents.get(id).status;

describe('answering a page call with a key', () => {
  it('signs as Twilio documents (its published example)', () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('the call says "press 4" inside a Gather; 4 acknowledges the incident once and says so', async () => {
    const p = await page('Disk full on db-1');
    expect(p.twiml).toMatch(/^<Response><Gather input="dtmf" numDigits="1" timeout="8" method="POST" action="[^"]+"><Say loop="2">This is Standby\. Incident \d+, high urgency: Disk full on db-1\. Service: Default service\. Press 4 to acknowledge, or 6 to resolve\.<\/Say><\/Gather><Say>No key was pressed\. Goodbye\.<\/Say><\/Response>$/);
    expect(p.action).toMatch(new RegExp(`^${s.url}/ack/[A-Za-z0-9_-]{28}\\.[A-Za-z0-9_-]{22}/voice\\?resolve=[A-Za-z0-9_.-]{51}$`));

    const r = await press(p.action, '4');
    expect(r).toEqual({ status: 200, type: 'text/xml; charset=utf-8', text: `<Response><Say>Incident ${p.number} acknowledged. Goodbye.</Say></Response>` });
    expect(status(p.id)).toBe('acknowledged');
    expect(s.engine.incidents.timeline(p.id).map((e) => e.message)).toContain(`Acknowledged from a voice call (${PHONE})`);

    // Twilio retrying the same request changes nothing more.
    const again = await press(p.action, '4');
    expect(again.text).toMatch(/^<Response><Say>That did nothing: .*already used.*<\/Say><\/Response>$/);
    expect(s.engine.incidents.timeline(p.id).filter((e) => e.type === 'acknowledge')).toHaveLength(1);
  });

  it('6 resolves; another key asks again without acting', async () => {
    const p = await page('Blog is down');
    const other = await press(p.action, '9');
    expect(other.text).toContain('<Gather input="dtmf" numDigits="1"');
    expect(other.text).toContain('Press 4 to acknowledge, or 6 to resolve.');
    expect(status(p.id)).toBe('triggered');
    const r = await press(p.action, '6');
    expect(r.text).toBe(`<Response><Say>Incident ${p.number} resolved. Goodbye.</Say></Response>`);
    expect(status(p.id)).toBe('resolved');
  });

  it('refuses a request not signed with the account\'s auth token, or naming another account: nothing changes', async () => {
    const p = await page('Checkout slow');
    const forged = await press(p.action, '4', { token: 'not-the-auth-token' });
    expect([forged.status, forged.text]).toEqual([403, '<Response><Say>This request is not from your Twilio account.</Say></Response>']);
    const otherAccount = await press(p.action, '4', { accountSid: `AC${'f'.repeat(32)}` });
    expect(otherAccount.status).toBe(403);
    // A valid signature over a changed URL (another incident's token swapped in) fails too: Twilio signed the URL it was given.
    const tampered = p.action.replace(/\/ack\/[^/]+\/voice/, '/ack/AAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA/voice');
    const t = await press(tampered, '4');
    expect(t.text).toMatch(/That did nothing/);
    expect(status(p.id)).toBe('triggered');
    const ok = await press(p.action, '4');
    expect(ok.status).toBe(200);
    expect(status(p.id)).toBe('acknowledged');
  });

  it('refuses a body over 16 KB unread, and closes the connection', async () => {
    const p = await page('Queue backlog');
    const res = await fetch(p.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Digits=4&Pad=${'x'.repeat(20 * 1024)}` });
    expect([res.status, res.headers.get('connection'), await res.text()]).toEqual([403, 'close', '<Response><Say>This request is too big.</Say></Response>']);
    expect(status(p.id)).toBe('triggered');
  });

  it('without ack links the call cannot take a key and says how to answer instead', () => {
    const m = { incidentId: 1, number: 7, title: 'Disk full', serviceName: 'db', urgency: 'high' as const, triggeredAt: '2026-03-02T03:10:00Z', detailLines: [], text: '' };
    expect(spokenSummary(m, true, false)).toContain('reply 4 to the text message about incident 7');
    expect(spokenSummary(m, false, false)).toContain('Open Standby to acknowledge it.');
  });
});
