/**
 * Times on screen are written in the profile's time zone, not the browser's: Chromium here runs in
 * New York, the profile says Tokyo, and the incident's timeline and fields read as Tokyo time with
 * its zone named; changing the profile's zone rewrites them without a reload.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, openUiSession, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';
import { waitFor } from '../helpers/headless.ts';

const TOKEN = 'ui-time-zone-token-0123456789abcdefghij';

describe.skipIf(!hasChromium)(uiSuiteName('times in the profile’s time zone, in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let browser: Browser;
  let page: Page;
  let id: number;
  let createdAt: string;

  /** inZone is how this Chromium writes a time in a zone, with the zone's name (what the page should show). */
  const inZone = (iso: string, timeZone: string): Promise<string> =>
    page.evaluate(([t, tz]) => new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone: tz, timeZoneName: 'short' }).format(Date.parse(t!)), [iso, timeZone]);

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-tz-', viewport: { width: 1280, height: 900 } });
    server = session.server;
    const profile = await server.engine.invoke('profile.get', {});
    await server.engine.invoke('profile.update', { ...profile, timeZone: 'Asia/Tokyo' });
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    const r = await server.engine.invoke('incidents.trigger', { serviceId, title: 'Night batch failed', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    id = r.incident.id;
    createdAt = r.incident.createdAt;
    // A browser in another zone than the profile's.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' });
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await session?.close();
  });

  it('writes the incident’s times in the profile’s zone, naming it', async () => {
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.goto(`${server.url}/#/incidents/${id}`);
    const opened = page.locator('dt', { hasText: 'Opened' }).locator('xpath=following-sibling::dd[1]');
    const tokyo = await inZone(createdAt, 'Asia/Tokyo');
    const newYork = await inZone(createdAt, 'America/New_York');
    expect(tokyo).not.toBe(newYork);
    await waitFor(async () => (await opened.textContent()) === tokyo, `"Opened" to read ${tokyo}`);
    const trigger = page.getByTestId('timeline').locator('li[data-type="trigger"] time');
    expect(await trigger.textContent()).toBe(tokyo);

    // The profile moves to New York: the times follow, with no reload.
    await page.evaluate(() => ((window as unknown as { standbyMark: number }).standbyMark = 1));
    const profile = await server.engine.invoke('profile.get', {});
    await server.engine.invoke('profile.update', { ...profile, timeZone: 'America/New_York' });
    await waitFor(async () => (await opened.textContent()) === newYork, `"Opened" to read ${newYork}`);
    expect(await trigger.textContent()).toBe(newYork);
    expect(await page.evaluate(() => (window as unknown as { standbyMark?: number }).standbyMark)).toBe(1);
  });
});
