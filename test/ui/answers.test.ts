/**
 * Settings in real Chromium lists the channels a phone can answer through and whether Standby hears
 * them: a fresh install listens on none, and says so for each, in words.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, UI_TEST_MS, WAIT_MS, type UiSession } from '../helpers/browser.ts';
import { FakeTelegram } from '../engine/responders/fake-telegram.ts';

const TOKEN = 'ui-answers-token-0123456789abcdef';
const BOT_TOKEN = '731902846:AAFq7Zx3Kv9Wp2Lm8Rt5Yb4Nc6Gd1JfQw';
const CHAT = '4242';

describe.skipIf(!hasChromium)(uiSuiteName('answering from the phone in Settings'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-answers-', viewport: { width: 1280, height: 900 } });
    ({ server, page, problems } = session);
  });
  afterAll(() => session?.close());

  it('lists Telegram, Pushover, ntfy and SMS with how to answer and their state', async () => {
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Answering from the phone' });
    const rows = panel.getByTestId('answer-channel');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-channel')))).toEqual((await server.engine.invoke('responders.status', {})).map((r) => r.channel));
    expect(await rows.filter({ hasText: 'Telegram' }).textContent()).toContain('the buttons under a page, or /ack 12');
    expect(await rows.filter({ hasText: 'SMS (Twilio)' }).textContent()).toContain('replying 4 (acknowledge) or 6 (resolve)');
    for (const text of await rows.allTextContents()) expect(text).toContain('Off: not set up, or answers turned off in its settings');
    await panel.getByRole('button', { name: 'Check again' }).click();
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'answers-panel.png') });
    expect(problems).toEqual([]);
  }, UI_TEST_MS);

  it('"Send test" on Telegram waits for the answer from the phone and shows it arrived', async () => {
    const telegram = await new FakeTelegram(BOT_TOKEN).start();
    try {
      const e = server.engine;
      await e.invoke('channels.update', { kind: 'telegram', settings: { baseUrl: telegram.url } });
      await e.invoke('channels.setSecret', { kind: 'telegram', value: BOT_TOKEN });
      await e.invoke('contactMethods.create', { type: 'telegram', label: 'Telegram', address: CHAT, secretRef: null });
      // The loop looked before Telegram was set up; wake it rather than wait its 30 s.
      e.responders.wake();
      await expect.poll(() => telegram.listening, { timeout: WAIT_MS }).toBe(true);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Profile & notifications' }).click();
      const row = page.getByTestId('contact-method').filter({ hasText: 'Telegram' });
      // The list says the phone can answer through this channel.
      expect(await row.getByTestId('answering').textContent()).toBe('answers on');
      await row.getByRole('button', { name: 'Send a test to Telegram' }).click();
      // The outcome and the round trip show in the row below the contact method's.
      const answer = page.getByTestId('test-answer');
      await answer.waitFor({ timeout: WAIT_MS });
      expect(await answer.textContent()).toContain('waiting for your answer');
      expect(await page.getByTestId('test-outcome').textContent()).toMatch(/Test delivered/);

      // The person taps the test's button in Telegram.
      const messageId = [...telegram.sent.keys()].at(-1)!;
      const markup = telegram.of('sendMessage').at(-1)!.body.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> };
      telegram.tap(messageId, markup.inline_keyboard[0]![0]!.callback_data);
      await expect.poll(() => answer.textContent(), { timeout: WAIT_MS }).toMatch(new RegExp(`^Answer received from Telegram in \\d+ s \\(Telegram \\(chat ${CHAT}\\)\\): answering from the phone works\\.$`));
      await answer.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(RESULTS_DIR, 'answers-test-round-trip.png') });
      expect(problems).toEqual([]);
    } finally {
      await telegram.close();
    }
  }, UI_TEST_MS);
});
