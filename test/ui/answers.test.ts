/**
 * Settings in real Chromium lists the channels a phone can answer through and whether Standby hears
 * them: a fresh install listens on none, and says so for each, in words.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, UI_TEST_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-answers-token-0123456789abcdef';

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
});
