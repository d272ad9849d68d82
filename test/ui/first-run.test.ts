/**
 * The guided first run in real Chromium, from an empty data directory: skip and resume (a server's page offers no
 * connecting to a server: the desktop app does); you (name and time zone); your phone (Telegram, said to be not set up yet,
 * set up in Settings with the guide skipped meanwhile, and resumed where it was from another tab, which
 * this tab follows live), a test page that arrives and a test answer from the phone; an integration whose
 * copy-ready command opens an incident when run; done. The whole scripted walk takes well under the five minutes it promises.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';
import { FakeTelegram } from '../engine/responders/fake-telegram.ts';

const TOKEN = 'ui-first-run-token-0123456789abcdef';
const BOT_TOKEN = '731902846:AAFq7Zx3Kv9Wp2Lm8Rt5Yb4Nc6Gd1JfQw';
const CHAT = '4242';
/** FIVE_MINUTES is the guide's promise: a person gets from an empty data directory to a paged phone in five minutes. */
const FIVE_MINUTES = 5 * 60_000;

describe.skipIf(!hasChromium)(uiSuiteName('the guided first run, in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let problems: string[];
  let telegram: FakeTelegram;

  const guide = () => page.getByTestId('first-run');
  const atStep = (step: string) => page.locator(`[data-testid="first-run"][data-step="${step}"]`).waitFor();
  const notice = () => page.getByTestId('setup-notice');

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-first-run-', viewport: { width: 1280, height: 900 }, firstRun: true });
    ({ server, page, problems } = session);
    telegram = await new FakeTelegram(BOT_TOKEN).start();
  });
  afterAll(async () => {
    await telegram?.close();
    await session?.close();
  });

  it('goes from an empty data directory to a paged, answered test contact and a working alert command, with a skip and a resume on the way', async () => {
    const started = Date.now();
    expect(await server.engine.invoke('setup.get', {})).toEqual({ status: 'pending', step: 'profile', contactMethodId: null });
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await atStep('profile');
    await page.screenshot({ path: join(RESULTS_DIR, 'first-run-profile.png') });

    // A server's own page has nothing to connect to (the desktop app offers "Connect to a Standby server" here).
    expect(await guide().getByRole('button', { name: 'Connect to a Standby server' }).count()).toBe(0);
    // Skipped, the guide leaves a notice on every page to resume it where it was.
    await guide().getByRole('button', { name: 'Skip for now' }).click();
    await notice().waitFor();
    expect((await server.engine.invoke('setup.get', {})).status).toBe('skipped');
    await notice().getByRole('button', { name: 'Resume setup' }).click();
    await atStep('profile');

    // You: a name and a time zone.
    await page.getByLabel('Your name').fill('Ada');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await atStep('contact');
    const profile = await server.engine.invoke('profile.get', {});
    expect([profile.name, profile.timeZone]).toEqual(['Ada', 'Europe/Paris']);

    // Your phone: Telegram, which is not set up yet; the guide says so and where to fix it.
    await page.getByLabel('Channel').selectOption('telegram');
    await page.getByLabel('Address').fill(CHAT);
    await page.getByRole('button', { name: 'Add this channel' }).click();
    await page.getByTestId('setup-contact-made').waitFor();
    const problem = page.getByTestId('setup-channel-problem');
    expect(await problem.textContent()).toContain('Telegram is not set up yet (no bot token stored): pages to this channel fail until it is.');
    await page.screenshot({ path: join(RESULTS_DIR, 'first-run-contact.png') });
    await problem.getByRole('button', { name: 'Set up Telegram in Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await notice().waitFor();

    // Settings → Telegram: the bot's API (the fake on loopback) and its token, as a person enters them.
    // The link opened Telegram's section.
    const section = page.locator('[data-testid="channel-telegram"][open]');
    await section.waitFor();
    await section.getByLabel('Bot API base URL').fill(telegram.url);
    await section.getByRole('button', { name: 'Save Telegram' }).click();
    await section.getByText('Saved.').waitFor();
    await section.getByLabel('Telegram bot token', { exact: true }).fill(BOT_TOKEN);
    await section.getByRole('button', { name: 'Store in keychain' }).click();
    await expect.poll(() => section.getByTestId('secret-state').textContent(), { timeout: WAIT_MS }).toMatch(/telegram\.botToken.*set;/s);

    // The engine keeps the guide's place: another tab shows the same notice, not the guide, and resuming
    // it there resumes it here too, live, where it was: the contact method made, nothing missing any more.
    const other = await session.context.newPage();
    await other.goto(`${server.url}/#token=${TOKEN}`);
    await other.getByTestId('setup-notice').waitFor();
    expect(await other.getByTestId('first-run').count()).toBe(0);
    await other.getByRole('button', { name: 'Resume setup' }).click();
    await other.locator('[data-testid="first-run"][data-step="contact"]').waitFor();
    await other.close();
    await atStep('contact');
    await page.getByTestId('setup-contact-made').waitFor();
    await problem.waitFor({ state: 'detached' });

    // A test page arrives on the phone, and the phone's answer comes back.
    await expect.poll(() => telegram.listening, { timeout: WAIT_MS }).toBe(true);
    await page.getByRole('button', { name: 'Send a test page' }).click();
    const answer = page.getByTestId('test-answer');
    await answer.waitFor();
    expect(await page.getByTestId('test-outcome').textContent()).toMatch(/Test delivered/);
    expect(await answer.textContent()).toContain('waiting for your answer');
    const sent = telegram.of('sendMessage').at(-1)!.body as { chat_id: string; reply_markup: { inline_keyboard: Array<Array<{ callback_data: string }>> } };
    expect(String(sent.chat_id)).toBe(CHAT);
    telegram.tap([...telegram.sent.keys()].at(-1)!, sent.reply_markup.inline_keyboard[0]![0]!.callback_data);
    await expect.poll(() => answer.textContent(), { timeout: WAIT_MS }).toMatch(/^Answer received from Telegram in \d+ s/);
    await page.screenshot({ path: join(RESULTS_DIR, 'first-run-test-page.png') });
    await page.getByRole('button', { name: 'Next' }).click();

    // What to watch: an integration, with a command that really opens an incident.
    await atStep('monitor');
    await page.getByLabel('Alerts from a tool').check();
    await page.getByRole('button', { name: 'Create an integration key' }).click();
    const snippet = page.getByTestId('setup-snippet');
    await snippet.waitFor();
    const command = (await snippet.locator('pre').textContent()) ?? '';
    const [integration] = await server.engine.invoke('integrations.list', {});
    expect(command).toContain(`${server.url}/v2/enqueue`);
    expect(command).toContain(integration!.key!);
    await page.screenshot({ path: join(RESULTS_DIR, 'first-run-integration.png') });
    // Run as a person pastes it into a shell (asynchronously: the server answering it runs in this process).
    await promisify(execFile)('sh', ['-c', command], { timeout: WAIT_MS });
    expect((await server.engine.invoke('incidents.list', {})).incidents.map((i) => i.title)).toEqual(['DISK at 99% on srv01.example.com']);
    await page.getByRole('button', { name: 'Next' }).click();

    // Done.
    await atStep('done');
    expect(await page.getByTestId('setup-done').textContent()).toContain('High-urgency incidents page My phone (Telegram) at once.');
    await page.getByRole('button', { name: 'Open Standby' }).click();
    await guide().waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    expect(await notice().count()).toBe(0);
    expect(await server.engine.invoke('setup.get', {})).toMatchObject({ status: 'done', step: 'done' });

    // The phone is paged for real incidents: a contact method with a rule that pages it at once.
    const cm = (await server.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'telegram')!;
    expect((await server.engine.invoke('notificationRules.list', {})).filter((r) => r.contactMethodId === cm.id).map((r) => `${r.urgency}@${r.startDelayMinutes}`)).toEqual(['high@0']);
    await expect.poll(() => telegram.of('sendMessage').length, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(FIVE_MINUTES);
    expect(problems).toEqual([]);
  }, FIVE_MINUTES);
});
