/**
 * The alert window's page (#/alert/<id>) in real Chromium against a headless Standby: the incident,
 * the alarm playing in a loop, and the answers: Enter and the Acknowledge button acknowledge, Resolve
 * resolves, Snooze acknowledges and snoozes, Esc hides (silences and closes) without answering. The
 * desktop app's window allows sound without a click (`autoplayPolicy`), as this Chromium is told to.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, uiSuiteName, UI_TEST_MS, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-alert-window-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('the alert window in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-alert-', viewport: { width: 460, height: 280 }, args: ['--autoplay-policy=no-user-gesture-required'] });
    ({ server, page } = session);
    // The page closes its window after an answer; count the calls instead of closing the test's tab.
    await session.context.addInitScript(() => {
      (window as unknown as { closed_: number }).closed_ = 0;
      window.close = () => {
        (window as unknown as { closed_: number }).closed_ += 1;
      };
    });
    await page.goto(`${server.url}/#token=${TOKEN}`);
  }, UI_TEST_MS);
  afterAll(() => session?.close());

  async function trigger(title: string): Promise<number> {
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    const r = await server.engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical', details: {} });
    if (r.status === 'suppressed') throw new Error(`suppressed: ${r.reason}`);
    return r.incident.id;
  }

  /** openAlert loads the alert page for an incident and waits until its alarm plays. */
  async function openAlert(id: number): Promise<void> {
    await page.evaluate((hash) => {
      window.location.hash = hash;
      window.location.reload();
    }, `#/alert/${id}`);
    await page.locator('section.alert[data-sound="playing"]').waitFor({ timeout: WAIT_MS });
  }

  const status = async (id: number) => (await server.engine.invoke('incidents.get', { id })).status;
  const closedCalls = () => page.evaluate(() => (window as unknown as { closed_: number }).closed_);
  const audioPlaying = () => page.evaluate(() => !document.querySelector('audio')!.paused);

  it(
    'shows the incident with its alarm looping; Enter acknowledges it, silences the alarm and closes the window',
    async () => {
      const id = await trigger('Disk full on db1');
      await openAlert(id);
      const heading = page.getByRole('heading', { level: 1 });
      expect(await heading.textContent()).toMatch(/^#\d+ Disk full on db1$/);
      expect(await page.getByTestId('alert-status').textContent()).toContain('Triggered');
      expect(await audioPlaying()).toBe(true);
      expect(await page.evaluate(() => document.querySelector('audio')!.loop)).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Acknowledge');

      await page.keyboard.press('Enter');
      await page.locator('section.alert[data-sound="off"]').waitFor();
      expect(await status(id)).toBe('acknowledged');
      expect(await audioPlaying()).toBe(false);
      expect(await closedCalls()).toBe(1);
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );

  it(
    'Enter acknowledges wherever the focus is (but on another button)',
    async () => {
      const id = await trigger('Queue backlog');
      await openAlert(id);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('Enter');
      await page.locator('section.alert[data-sound="off"]').waitFor();
      expect(await status(id)).toBe('acknowledged');
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );

  it(
    'Esc silences and hides the window without acknowledging',
    async () => {
      const id = await trigger('API latency over 2 s');
      await openAlert(id);
      await page.keyboard.press('Escape');
      await page.locator('section.alert[data-sound="off"]').waitFor();
      expect(await audioPlaying()).toBe(false);
      expect(await closedCalls()).toBe(1);
      expect(await status(id)).toBe('triggered');
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );

  it(
    'Resolve resolves; Snooze 1 h acknowledges and snoozes for an hour',
    async () => {
      const a = await trigger('Certificate expired');
      await openAlert(a);
      await page.getByRole('button', { name: 'Resolve' }).click();
      await page.getByRole('status').filter({ hasText: 'Resolved.' }).waitFor();
      expect(await status(a)).toBe('resolved');

      const b = await trigger('Backups failing');
      await openAlert(b);
      const before = Date.now();
      await page.getByRole('group', { name: 'Snooze' }).getByRole('button', { name: '1 h' }).click();
      await page.getByRole('status').filter({ hasText: 'snoozed for 60 minutes' }).waitFor();
      const snoozed = await server.engine.invoke('incidents.get', { id: b });
      expect(snoozed.status).toBe('acknowledged');
      expect(Date.parse(snoozed.snoozedUntil!) - before).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
      expect(Date.parse(snoozed.snoozedUntil!) - before).toBeLessThanOrEqual(60 * 60_000 + 60_000);
      expect(await audioPlaying()).toBe(false);
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );

  it(
    'plays at the volume set in Settings, and stays silent in quiet hours (the window still shows)',
    async () => {
      await server.engine.invoke('desktop.updateSettings', { alarm: { sound: true, volume: 30, quietHours: null } });
      const a = await trigger('Low volume');
      await openAlert(a);
      expect(await page.evaluate(() => document.querySelector('audio')!.volume)).toBeCloseTo(0.3, 5);

      // Quiet hours around the browser's local time now (the same time zone as this process).
      const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      const now = Date.now();
      await server.engine.invoke('desktop.updateSettings', { alarm: { sound: true, volume: 80, quietHours: { from: hhmm(new Date(now - 3_600_000)), to: hhmm(new Date(now + 3_600_000)) } } });
      const b = await trigger('At night');
      await page.evaluate((hash) => {
        window.location.hash = hash;
        window.location.reload();
      }, `#/alert/${b}`);
      await page.locator('section.alert[data-sound="quiet"]').waitFor();
      expect(await page.getByTestId('alarm-quiet').textContent()).toMatch(/^No alarm: quiet hours until \d\d:\d\d\.$/);
      expect(await audioPlaying()).toBe(false);
      expect(await page.getByRole('button', { name: 'Acknowledge' }).isEnabled()).toBe(true);
      await server.engine.invoke('desktop.updateSettings', { alarm: { sound: true, volume: 80, quietHours: null } });
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );
});
