/**
 * All validation errors at once, in a person's words, in real Chromium: a monitor with four mistakes gets
 * all four from one save, each under its field as a sentence about it, none naming an internal field or
 * repeating a library's message, and a bad status code gets one message, not two that contradict; a
 * service's too-long description says so in words; the SMTP From takes standby@localhost.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-error-words-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('form errors at once and in words, in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();
  const text = async (id: string) => (await page.locator(`#${id}`).textContent())?.trim();

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-words-', viewport: { width: 1280, height: 1000 } });
    ({ server, page } = session);
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });
  afterAll(() => session?.close());

  it('a monitor form shows every error from one save, in words, never contradicting itself', async () => {
    await nav('Monitors');
    await page.getByRole('button', { name: 'New monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByLabel('URL').fill('not a url');
    await page.getByLabel('Expected status codes').fill('abc');
    await page.getByLabel('Check every (seconds)').fill('10');
    await page.getByLabel('Timeout (seconds)').fill('30');
    const before = session.expected400.length;
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.locator('#mf-timeout-error').waitFor();
    // One save, one refusal: the errors came together, not in rounds.
    expect(session.expected400.length - before).toBe(1);
    expect(await text('mf-name-error')).toBe('Name must not be empty');
    expect(await text('mf-timeout-error')).toBe('Timeout must be at most the check interval (10 s)');
    expect(await text('mf-config-url-error')).toBe('URL must be an http(s) URL');
    expect(await text('mf-config-expectedStatus-error')).toBe('line 1: Expected status codes must be a status code such as "200" or a range such as "200-299"');
    const form = (await page.getByRole('form').filter({ has: page.getByRole('button', { name: 'Create monitor' }) }).textContent()) ?? '';
    expect(form).not.toMatch(/intervalSeconds|timeoutSeconds|Too big|Too small|Invalid|low to high/);
    await page.screenshot({ path: join(RESULTS_DIR, 'monitor-form-errors.png'), fullPage: true });
    expect(await server.engine.invoke('monitors.list', {})).toEqual([]);
    expect(session.problems).toEqual([]);
  });

  it('a service description past 2,000 characters says so in words', async () => {
    await nav('Services');
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Blog');
    await page.getByLabel('Description').fill('x'.repeat(2001));
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.locator('#svc-description-error').waitFor();
    expect(await text('svc-description-error')).toBe('Description must be at most 2,000 characters');
    expect(session.problems).toEqual([]);
  });

  it('the SMTP From takes standby@localhost', async () => {
    await nav('Settings');
    const email = page.getByTestId('channel-email');
    await email.locator('summary').click();
    await email.getByLabel('SMTP host').fill('127.0.0.1');
    await email.getByLabel('From address').fill('standby@localhost');
    await email.getByRole('button', { name: 'Save Email (SMTP)' }).click();
    await email.getByText('Saved.').waitFor();
    expect((await server.engine.invoke('channels.get', { kind: 'email' })).settings).toMatchObject({ host: '127.0.0.1', from: 'standby@localhost' });
    expect(session.problems).toEqual([]);
  });
});
