/**
 * A phone opening the box's UI (390 px wide, in Chromium): no view scrolls the page sideways. Wide
 * tables scroll inside their card; the navigation wraps above the content.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';
import { waitFor } from '../helpers/headless.ts';

const TOKEN = 'ui-narrow-token-0123456789abcdefghijklmn';
const ROUTES = ['incidents', 'incidents/1', 'monitors', 'services', 'policies', 'profile', 'analytics', 'settings'];

describe.skipIf(!hasChromium)(uiSuiteName('the UI at 390 px wide, in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-narrow-', viewport: { width: 390, height: 844 } });
    const e = session.server.engine;
    const serviceId = (await e.invoke('services.list', {}))[0]!.id;
    await e.invoke('incidents.trigger', {
      serviceId,
      title: 'A rather long incident title about the disk of the database server filling up',
      severity: 'critical',
      details: { host: 'db-1', runbook: 'https://wiki.example.com/runbooks/databases/disk-almost-full-what-to-do-first' },
    });
    await e.invoke('monitors.create', { name: 'Blog homepage over HTTPS', kind: 'tcp', serviceId, config: { host: '127.0.0.1', port: 9 }, intervalSeconds: 60, timeoutSeconds: 5 });
    await session.page.goto(`${session.server.url}/#token=${TOKEN}`);
    await session.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });
  afterAll(() => session?.close());

  it('no view is wider than the screen', async () => {
    const { page, server } = session;
    const widths: Record<string, number> = {};
    for (const route of ROUTES) {
      await page.goto(`${server.url}/#/${route}`);
      await page.locator('main h1').first().waitFor();
      // Let late parts (tables, charts) arrive; the width must hold once they have.
      await page.waitForLoadState('networkidle');
      widths[route] = await page.evaluate(() => document.documentElement.scrollWidth);
      if (route === 'incidents') {
        await waitFor(async () => (await page.getByTestId('incident-row').count()) === 1, 'the incident row');
        await page.screenshot({ path: join(RESULTS_DIR, 'narrow-incidents.png'), fullPage: true });
      }
    }
    expect(widths).toEqual(Object.fromEntries(ROUTES.map((r) => [r, 390])));
    // Every view is still reachable: the navigation wraps instead of hiding.
    for (const name of ['Incidents', 'Monitors', 'Services', 'Escalation policies', 'Profile & notifications', 'Analytics', 'Settings']) {
      const box = await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, name).toBe(true);
    }
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.problems).toEqual([]);
  });
});
