/**
 * Answering from the phone with a real Standby in its own process, on real time, for each two-way
 * channel besides Telegram (telegram-answer.test.ts): an SMS reply "4" and "6" through Twilio's message
 * list, a Pushover emergency acknowledged in the app, and an ntfy Acknowledge button. Each vendor is a
 * loopback fake that follows its documented API; the server is configured by a file and its secrets
 * are entered through the API, as a person would.
 */
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, CHILD_TEST_MS, phoneConfig, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';
import { FakeNtfy } from '../responders/fake-ntfy.ts';
import { FakePushover, TOKEN as PUSHOVER_TOKEN, USER as PUSHOVER_USER } from '../responders/pushover-fake.ts';
import { FakeTwilio } from '../responders/fake-twilio.ts';

const TOKEN = 'phone-answers-test-token-0123456789-ABCDEFGH';
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO_TOKEN = 'tw-Auth-3f9a1c7e5b2d4086';
const TWILIO_NUMBER = '+14155550100';
const PHONE = '+14155550123';
/** Answers by SMS are read every 15 s: a wait covers two reads on a busy machine. */
const SMS_WAIT_MS = 60_000;

const children: ChildServer[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
  for (const close of closers.splice(0)) await close();
});

/** serve starts a real server in its own process with one high-urgency contact method, configured by a file. */
async function serve(contact: string, channels: string): Promise<{ server: ChildServer; serviceId: number }> {
  const config = phoneConfig(tempDir('standby-answers-'), contact, channels);
  const dir = dirname(config);
  const server = await startChild(['--data-dir', dir, '--config', config], { STANDBY_TOKEN: TOKEN });
  children.push(server);
  const blog = (await api(server.url, TOKEN, 'services.list')).body.find((s: { name: string }) => s.name === 'Blog');
  return { server, serviceId: blog.id };
}

async function trigger(server: ChildServer, serviceId: number, title: string): Promise<number> {
  const r = await api(server.url, TOKEN, 'incidents.trigger', { serviceId, title, severity: 'critical' });
  expect(r.status).toBe(200);
  return r.body.incident.id as number;
}

const incident = async (server: ChildServer, id: number) => (await api(server.url, TOKEN, 'incidents.get', { id })).body as { status: string; timeline: Array<{ message: string }> };

describe('answers from the phone to a real server', () => {
  it(
    'an SMS reply "4" acknowledges and "6" resolves, read from Twilio\'s message list',
    async () => {
      const twilio = await new FakeTwilio(SID, TWILIO_TOKEN).start(() => Date.now());
      closers.push(() => twilio.close());
      const { server, serviceId } = await serve(
        `{ label: Phone, type: sms, address: "${PHONE}" }`,
        `  twilio: { accountSid: ${SID}, from: "${TWILIO_NUMBER}", baseUrl: "${twilio.url}" }\n  sms: { provider: twilio }`,
      );
      expect((await api(server.url, TOKEN, 'channels.setSecret', { kind: 'twilio', value: TWILIO_TOKEN })).status).toBe(200);
      // The first read of the list only sets where answers start.
      await waitFor(() => twilio.lists().length >= 1, 'the responder to read the message list', SMS_WAIT_MS);

      const first = await trigger(server, serviceId, 'Blog returns 500');
      await waitFor(() => twilio.sent(PHONE).length === 1, 'the page SMS');
      twilio.inbound(PHONE, TWILIO_NUMBER, '4', Date.now());
      await waitFor(async () => (await incident(server, first)).status === 'acknowledged', 'the reply "4" to acknowledge', SMS_WAIT_MS);
      expect((await incident(server, first)).timeline.map((e) => e.message)).toContain(`Acknowledged from SMS (${PHONE})`);

      const second = await trigger(server, serviceId, 'Checkout is down');
      await waitFor(() => twilio.sent(PHONE).length === 3, 'the reply to the "4" and the second page SMS');
      twilio.inbound(PHONE, TWILIO_NUMBER, '6', Date.now());
      await waitFor(async () => (await incident(server, second)).status === 'resolved', 'the reply "6" to resolve', SMS_WAIT_MS);
      expect((await incident(server, first)).status).toBe('acknowledged');
      expect(twilio.calls).toEqual([]);
    },
    CHILD_TEST_MS,
  );

  it(
    'a Pushover emergency acknowledged in the app acknowledges the incident',
    async () => {
      const pushover = await new FakePushover().start();
      pushover.now = () => Date.now();
      closers.push(() => pushover.close());
      const { server, serviceId } = await serve(`{ label: Phone, type: pushover, address: ${PUSHOVER_USER} }`, `  pushover: { baseUrl: "${pushover.url}" }`);
      expect((await api(server.url, TOKEN, 'channels.setSecret', { kind: 'pushover', value: PUSHOVER_TOKEN })).status).toBe(200);
      const id = await trigger(server, serviceId, 'Blog returns 500');
      const receipt = (await waitFor(() => pushover.receipts()[0], 'the emergency page'))!;
      await waitFor(() => pushover.gets(receipt).length > 0, 'the receipt to be polled');
      pushover.acknowledge(receipt, 'pixel');
      await waitFor(async () => (await incident(server, id)).status === 'acknowledged', 'the acknowledgement to be heard');
      expect((await incident(server, id)).timeline.map((e) => e.message)).toContain('Acknowledged from Pushover (pixel)');
      expect(pushover.unexpected).toEqual([]);
    },
    CHILD_TEST_MS,
  );

  it(
    'an ntfy Acknowledge button acknowledges the incident through the reply topic',
    async () => {
      const ntfy = await new FakeNtfy(() => Date.now()).start();
      closers.push(() => ntfy.close());
      const { server, serviceId } = await serve(
        '{ label: Phone, type: ntfy, address: standby-alerts }',
        `  ntfy: { server: "${ntfy.url}", answers: true }\n  ack: { enabled: true, publicBaseUrl: "https://standby.example.net" }`,
      );
      await waitFor(() => ntfy.subscriptions().length > 0, 'the responder to subscribe to its reply topic');
      const id = await trigger(server, serviceId, 'Blog returns 500');
      const page = (await waitFor(() => ntfy.published('standby-alerts')[0], 'the page to reach ntfy'))!;
      const ack = (page.actions as Array<{ label: string; url: string; method: string; body: string }>).find((a) => a.label === 'Acknowledge')!;
      // What the ntfy app does for an http action: the request, with the button's body.
      expect((await fetch(ack.url, { method: ack.method, body: ack.body })).status).toBe(200);
      await waitFor(async () => (await incident(server, id)).status === 'acknowledged', 'the button to acknowledge');
      expect((await incident(server, id)).timeline.map((e) => e.message)).toContain(`Acknowledged from ntfy (${ntfy.url})`);
    },
    CHILD_TEST_MS,
  );
});
