/**
 * A page load in real Chromium asks for the view on screen first: its own reads go before the other
 * start-up reads (the banners, the navigation's counts, the other views' data), which follow once the
 * view's answers are in, or at most a second later when the view's answer is slow. On the monitor
 * list, the rows' last checks (megabytes at scale) are asked for once their uptime is in.
 */
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openUiSession, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-start-up-order-token-0123456789';

/** THE_REST are start-up reads of no view: the banners' and the navigation's. */
const THE_REST = ['system.health', 'delivery.budget', 'monitoring.status', 'remote.status', 'setup.get', 'profile.get'];

/** record notes, in order, the API methods the page asks for. */
function record(page: Page): { api: string[]; stop: () => void } {
  const api: string[] = [];
  const on = (r: Request): void => {
    if (r.url().includes('/api/')) api.push(r.url().replace(/^.*\/api\//, ''));
  };
  page.on('request', on);
  return { api, stop: () => page.off('request', on) };
}

describe.skipIf(!hasChromium)(uiSuiteName('the start-up reads in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-start-up-', viewport: { width: 1280, height: 900 } });
    const serviceId = (await session.server.engine.invoke('services.list', {}))[0]!.id;
    await session.server.engine.invoke('monitors.create', { name: 'Website', kind: 'tcp', serviceId, config: { host: '127.0.0.1', port: 9 }, enabled: false });
    // The tab keeps the token from here on, as after a person opened the printed URL.
    await session.page.goto(`${session.server.url}/#token=${TOKEN}`);
    await session.page.getByRole('navigation', { name: 'Main' }).waitFor();
  }, UI_TEST_MS);

  afterAll(async () => {
    await session?.close();
  });

  /** loadOn loads the page on a view and returns what it asked for, once every start-up read has been asked for. */
  async function loadOn(hash: string, shown: string): Promise<{ api: string[] }> {
    const { page } = session;
    await page.goto('about:blank');
    const asked = record(page);
    try {
      await page.goto(`${session.server.url}/${hash}`);
      await page.locator(shown).first().waitFor();
      await expect.poll(() => THE_REST.every((m) => asked.api.includes(m)), { timeout: WAIT_MS }).toBe(true);
      return { api: [...asked.api] };
    } finally {
      asked.stop();
    }
  }

  /** expectFirst checks that every one of `own` was asked for before any of the other start-up reads. */
  function expectFirst(api: string[], own: string[]): void {
    const lastOwn = Math.max(...own.map((m) => api.indexOf(m)));
    const firstRest = Math.min(...THE_REST.map((m) => api.indexOf(m)));
    expect(own.every((m) => api.includes(m)), `asked for: ${api.join(', ')}`).toBe(true);
    expect(lastOwn, `asked for: ${api.join(', ')}`).toBeLessThan(firstRest);
  }

  it('asks for the analytics first on a page load of Analytics, then for the rest', async () => {
    const { api } = await loadOn('#/analytics', '[data-testid=incident-count]');
    expectFirst(api, ['analytics.summary']);
    // The page's own load and the start-up's are one request.
    expect(api.filter((m) => m === 'analytics.summary')).toHaveLength(1);
  });

  it('asks for the incidents first on a page load of the incident list, then for the rest', async () => {
    const { api } = await loadOn('#/incidents', 'h1#incidents-title');
    expectFirst(api, ['incidents.list']);
    // The list's monitors (for the navigation's down count) come with the rest.
    expect(api.indexOf('monitors.rows'), `asked for: ${api.join(', ')}`).toBeGreaterThan(api.indexOf('incidents.list'));
  });

  it('asks for the monitors and the services their rows name first on a page load of the monitor list, and the rest of the configuration once', async () => {
    const { api } = await loadOn('#/monitors', '[data-testid=monitor-row]');
    expectFirst(api, ['monitors.rows', 'services.list']);
    expect(api.filter((m) => m === 'services.list')).toHaveLength(1);
    expect(api).toEqual(expect.arrayContaining(['contactMethods.list', 'notificationRules.list', 'escalationPolicies.list', 'incidents.list']));
    // The rows' last checks (megabytes at scale) are asked for once their uptime is in, not beside the list.
    await expect.poll(() => session.page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/monitors.lastChecks'))), { timeout: WAIT_MS }).toBe(true);
    const [uptimeAt, checksAt] = await session.page.evaluate(() => {
      const at = (m: string) => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith(`/api/${m}`));
      return [at('monitors.uptimeFractions')?.responseEnd ?? NaN, at('monitors.lastChecks')?.startTime ?? NaN];
    });
    expect(checksAt).toBeGreaterThanOrEqual(uptimeAt);
  });

  it('does not hold the rest back behind a view\'s answer that does not come', async () => {
    const { page, problems } = session;
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/analytics.summary', async (route) => {
      await held;
      await route.continue().catch(() => {});
    });
    try {
      const { api } = await loadOn('#/analytics', 'h1');
      // loadOn returned once the banners' reads were asked for, while the analytics' answer was still held.
      expect(api).toContain('analytics.summary');
    } finally {
      release();
      await page.unroute('**/api/analytics.summary');
    }
    expect(problems).toEqual([]);
  });
});
