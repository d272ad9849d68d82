/**
 * Answering from Telegram with a real Standby in its own process, on real time: a page reaches the
 * loopback Bot API, the person taps Acknowledge, the server's responder hears it through getUpdates
 * and the incident is acknowledged; killed with SIGKILL and started again, it does not apply the tap
 * twice, and the message shows the new state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { api, CHILD_TEST_MS, phoneConfig, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';
import { FakeTelegram } from '../responders/fake-telegram.ts';

const TOKEN = 'telegram-answer-test-token-0123456789-ABCDEFGH';
const BOT = '604218375:AAGz7Qx3Kv9Wp2Lm8Rt5Yb4Nc6Gd1JfZk';
const children: ChildServer[] = [];
let telegram: FakeTelegram | undefined;

afterEach(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
  await telegram?.close();
});

describe('a Telegram answer to a real server', () => {
  it(
    'acknowledges the incident from a tap, edits the message, and applies the tap once across a kill -9',
    async () => {
      telegram = await new FakeTelegram(BOT).start();
      const dir = tempDir('standby-telegram-');
      const config = phoneConfig(dir, '{ label: Phone, type: telegram, address: "4242" }', `  telegram: { baseUrl: "${telegram.url}" }`);
      const env = { STANDBY_TOKEN: TOKEN };
      const first = await startChild(['--data-dir', dir, '--config', config], env);
      children.push(first);
      expect((await api(first.url, TOKEN, 'channels.setSecret', { kind: 'telegram', value: BOT })).status).toBe(200);
      // The responder backs off while the token is missing (1 s, 2 s, 4 s …), then holds a long poll.
      await waitFor(() => telegram!.listening, 'the responder to long-poll getUpdates', 60_000);

      const blog = (await api(first.url, TOKEN, 'services.list')).body.find((s: { name: string }) => s.name === 'Blog');
      const trigger = await api(first.url, TOKEN, 'incidents.trigger', { serviceId: blog.id, title: 'Blog returns 500', severity: 'critical' });
      const id = trigger.body.incident.id as number;
      const messageId: number = (await waitFor(() => [...telegram!.sent.keys()].at(-1), 'the page to reach Telegram'))!;
      telegram.tap(messageId, `a:${id}`);
      await waitFor(async () => (await api(first.url, TOKEN, 'incidents.get', { id })).body.status === 'acknowledged', 'the tap to acknowledge the incident');
      await waitFor(() => telegram!.sent.get(messageId)?.text.startsWith('Acknowledged at '), 'the message to show the new state');

      first.child.kill('SIGKILL');
      await first.exited;
      children.length = 0;
      // Telegram sends the confirmed tap again; the restarted server must not apply it twice.
      telegram.replayConfirmed = true;
      const before = telegram.of('getUpdates').length;
      const second = await startChild(['--data-dir', dir], env);
      children.push(second);
      await waitFor(() => telegram!.of('getUpdates').length >= before + 2, 'the restarted responder to read the updates', 60_000);
      const timeline = (await api(second.url, TOKEN, 'incidents.get', { id })).body.timeline as Array<{ message: string }>;
      expect(timeline.filter((e) => e.message === 'Acknowledged from Telegram (chat 4242)')).toHaveLength(1);
    },
    CHILD_TEST_MS,
  );
});
