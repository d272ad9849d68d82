/**
 * A long monitor list in real Chromium: past 300 monitors only the rows on screen (and a screen
 * around them) are in the page, the first screen rendered on its own before the others, the page is as tall as the whole list, scrolling to the end shows the
 * last monitor, and every row shown has its uptime from the one `monitors.uptimeFractions` answer. The list
 * is asked for once at start-up and is shown before the rows' last checks arrive, which another view
 * does not ask for (nor the uptime) until the list is opened; a burst of changed
 * monitors reads every row's uptime in one request, a few changed monitors one request each.
 * Analytics' uptime per monitor is windowed the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openUiSession, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-monitor-window-token-0123456789';
const COUNT = 450;

describe.skipIf(!hasChromium)(uiSuiteName('a long monitor list in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-window-', viewport: { width: 1280, height: 900 } });
    const { server } = session;
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    // Disabled, so nothing checks them: each row's uptime is "–" until the one seeded result below.
    for (let i = 1; i <= COUNT; i++) await server.engine.invoke('monitors.create', { name: `monitor-${String(i).padStart(3, '0')}`, kind: 'tcp', serviceId, config: { host: '127.0.0.1', port: 9 }, enabled: false });
  }, UI_TEST_MS);

  afterAll(async () => {
    await session?.close();
  });

  it('renders a window of the rows, reaches the last one by scrolling, and shows each shown row\'s uptime', async () => {
    const { page, server, problems } = session;
    const ids = (await server.engine.invoke('monitors.list', {})).map((m) => m.id);
    // One up check now for the first and the last monitor, stored (and counted into its hour and day) as checks are.
    for (const id of [ids[0]!, ids.at(-1)!]) server.engine.monitors.results.add({ monitorId: id, at: Date.now(), status: 'up', latencyMs: 5, phases: null, message: null, details: null });
    server.engine.monitors.results.flush();
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Monitors' }).click();
    const rows = page.getByTestId('monitor-row');
    await rows.first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=monitor-row] [data-testid=uptime-24h]')?.textContent === '100 %');
    const rendered = await rows.count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(COUNT);
    expect(await rows.first().getByRole('button', { name: 'monitor-001', exact: true }).count()).toBe(1);
    expect(await rows.nth(1).getByTestId('uptime-24h').textContent()).toBe('–');
    // The page is as tall as every row would make it, so the scroll bar says how long the list is.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const rowPx = (await rows.first().boundingBox())!.height;
    expect(height).toBeGreaterThan(COUNT * rowPx * 0.9);

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = page.getByRole('button', { name: `monitor-${COUNT}`, exact: true });
    await last.waitFor();
    expect(await last.isVisible()).toBe(true);
    expect(await page.locator(`[data-monitor-id="${ids.at(-1)}"] [data-testid=uptime-24h]`).textContent()).toBe('100 %');
    expect(await page.getByRole('button', { name: 'monitor-001', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the first screen of rows on its own, and the screens around it right after', async () => {
    const { page, problems } = session;
    // Notes how many rows the page held when rows first appeared (a MutationObserver runs after the render that added them).
    await page.addInitScript(() => {
      const w = window as unknown as { firstRows?: number };
      new MutationObserver((_, observer) => {
        const n = document.querySelectorAll('[data-testid=monitor-row]').length;
        if (n === 0) return;
        w.firstRows = n;
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${session.server.url}/?first=1#/monitors`);
    await page.getByTestId('monitor-row').first().waitFor();
    const first = await page.evaluate(() => (window as unknown as { firstRows?: number }).firstRows ?? 0);
    // One screen of 900 px at the estimated 48 px a row; the window of a screen either side came with them before.
    expect(first).toBeGreaterThanOrEqual(10);
    expect(first).toBeLessThanOrEqual(Math.ceil(900 / 48));
    await expect.poll(() => page.getByTestId('monitor-row').count(), { timeout: 10_000 }).toBeGreaterThan(first);
    expect(problems).toEqual([]);
  });

  it('asks for the list once on a page load, shows it before the last checks arrive, and asks for those only when the list is opened', async () => {
    const { page, problems } = session;
    await page.goto(`${session.server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    // Away from the app first, so nothing the page above asks for late (its read a second after the list) is counted below.
    await page.goto('about:blank');
    const asked: string[] = [];
    const uptimeAnswered = page.waitForResponse((r) => r.url().endsWith('/api/monitors.uptimeFractions'));
    const onRequest = (r: { url(): string }) => asked.push(r.url().replace(/^.*\/api\//, ''));
    page.on('request', onRequest);
    // The last checks are held back until the rows are on screen: the list must not wait for them.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/monitors.lastChecks', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(`${session.server.url}/?reload=1#/monitors`);
      await page.getByTestId('monitor-row').first().waitFor();
      expect(asked.filter((m) => m === 'monitors.lastChecks')).toHaveLength(1);
      const checksAnswered = page.waitForResponse((r) => r.url().endsWith('/api/monitors.lastChecks'));
      release();
      await Promise.all([checksAnswered, uptimeAnswered]);
      expect(asked.filter((m) => m === 'monitors.rows')).toHaveLength(1);
      expect(asked.filter((m) => m === 'monitors.lastChecks')).toHaveLength(1);
      expect(asked.filter((m) => m === 'monitors.uptimeFractions')).toHaveLength(1);

      // The list is on screen: the read that follows a list shown elsewhere a second later is not made as well.
      await page.waitForTimeout(1_500);
      expect(asked.filter((m) => m === 'monitors.lastChecks')).toHaveLength(1);

      // Another view at start-up: the list at once (the navigation counts the monitors down), the rest a second after it.
      asked.length = 0;
      await page.goto(`${session.server.url}/?reload=2#/incidents`);
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/monitors.lastChecks')));
      // In the page's own clock (resource timing): PREFETCH_AFTER_MS (1 s) after the list arrived; without the wait they were asked for before it.
      const [listedAt, readAt] = await page.evaluate(() => {
        const at = (m: string) => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith(`/api/${m}`));
        return [at('monitors.rows')?.responseEnd ?? NaN, at('monitors.lastChecks')?.startTime ?? NaN];
      });
      expect(readAt - listedAt).toBeGreaterThanOrEqual(900);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Monitors' }).click();
      await page.getByTestId('monitor-row').first().waitFor();
      await page.waitForTimeout(200);
      expect(asked.filter((m) => m === 'monitors.rows')).toHaveLength(1);
      expect(asked.filter((m) => m === 'monitors.lastChecks')).toHaveLength(1);
      expect(asked.filter((m) => m === 'monitors.uptimeFractions')).toHaveLength(1);
    } finally {
      release();
      page.off('request', onRequest);
      await page.unroute('**/api/monitors.lastChecks');
    }
    expect(problems).toEqual([]);
  });

  it('reads the uptime of a burst of changed monitors in one request, and of a few changed monitors one by one', async () => {
    const { page, server, problems } = session;
    await page.goto(`${server.url}/#token=${TOKEN}`);
    // The rows' uptime as first read (on opening the list, or a second after start) is in before the down check below is stored.
    const firstUptime = page.waitForResponse((r) => r.url().endsWith('/api/monitors.uptimeFractions'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Monitors' }).click();
    await page.getByTestId('monitor-row').first().waitFor();
    await firstUptime;
    const views = await server.engine.invoke('monitors.list', {});
    const row = page.locator(`[data-monitor-id="${views[1]!.id}"] [data-testid=uptime-24h]`);
    await row.waitFor();
    expect(await row.textContent()).toBe('–');
    // The second monitor has a down check now: the refresh that follows the burst shows it.
    server.engine.monitors.results.add({ monitorId: views[1]!.id, at: Date.now(), status: 'down', latencyMs: null, phases: null, message: null, details: null });
    server.engine.monitors.results.flush();
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => asked.push(r.url().replace(/^.*\/api\//, ''));
    page.on('request', onRequest);
    try {
      for (const m of views.slice(0, 100)) server.engine.publish({ type: 'monitor.changed', data: { monitor: m } });
      await page.waitForFunction((id) => document.querySelector(`[data-monitor-id="${id}"] [data-testid=uptime-24h]`)?.textContent === '0.0 %', views[1]!.id);
      expect(asked.filter((m) => m === 'monitors.uptimeFractions')).toHaveLength(1);
      expect(asked.filter((m) => m === 'monitors.uptime')).toHaveLength(0);
      asked.length = 0;
      for (const m of views.slice(0, 3)) server.engine.publish({ type: 'monitor.changed', data: { monitor: m } });
      await expect.poll(() => asked.filter((m) => m === 'monitors.uptime').length, { timeout: 10_000 }).toBe(3);
      expect(asked.filter((m) => m === 'monitors.uptimeFractions')).toHaveLength(0);
    } finally {
      page.off('request', onRequest);
    }
    expect(problems).toEqual([]);
  });

  it('shows the list of a box that runs an earlier Standby, from its monitors.list and monitors.uptimeAll', async () => {
    // The desktop app connected to a box it was updated before: the box has no monitors.rows nor
    // monitors.uptimeFractions, and answers them as the engine answers any method it does not have.
    const { page, server, problems } = session;
    expect(problems).toEqual([]);
    const unknown = await fetch(`${server.url}/api/monitors.notYet`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
    const body = await unknown.text();
    expect(body).toContain('no API method named');
    const refused: string[] = [];
    await page.route(/\/api\/monitors\.(rows|uptimeFractions)$/, (route) => {
      const method = route.request().url().replace(/^.*\/api\//, '');
      refused.push(method);
      return route.fulfill({ status: unknown.status, contentType: 'application/json', body: body.replace('monitors.notYet', method) });
    });
    try {
      const ids = (await server.engine.invoke('monitors.list', {})).map((m) => m.id);
      server.engine.monitors.results.add({ monitorId: ids[0]!, at: Date.now(), status: 'up', latencyMs: 5, phases: null, message: null, details: null });
      server.engine.monitors.results.flush();
      await page.goto(`${server.url}/?earlier=1#/monitors`);
      const first = page.locator(`[data-monitor-id="${ids[0]}"]`);
      await first.getByRole('button', { name: 'monitor-001', exact: true }).waitFor();
      await expect.poll(() => first.getByTestId('uptime-24h').textContent(), { timeout: 10_000 }).toBe('100 %');
      expect(await page.getByTestId('monitor-row').count()).toBeGreaterThan(10);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(refused.sort()).toEqual(['monitors.rows', 'monitors.uptimeFractions']);
      // Chromium logs each refused request; nothing else went wrong.
      expect(problems.filter((p) => !p.includes(`status of ${unknown.status}`))).toEqual([]);
      expect(problems).toHaveLength(2);
    } finally {
      problems.length = 0;
      await page.unrouteAll();
    }
  });

  it("windows Analytics' uptime per monitor and reaches the last one by scrolling", async () => {
    const { page, problems } = session;
    await page.goto(`${session.server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Analytics' }).click();
    const rows = page.getByTestId('monitor-uptime-row');
    await rows.first().waitFor();
    const rendered = await rows.count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(COUNT);
    // Worst first, as the engine orders them (the monitors with no counted check last, by name).
    const order = (await session.server.engine.invoke('analytics.summary', { window: '30d' })).monitors.map((m) => m.name);
    expect(order).toHaveLength(COUNT);
    const [first, lastName] = [order[0]!, order.at(-1)!];
    expect(await rows.first().getByRole('button', { name: first, exact: true }).count()).toBe(1);
    // The page keeps filling in above the table (charts, counts): scroll to the end until the last row is on screen.
    await page.waitForFunction((name) => {
      window.scrollTo(0, document.documentElement.scrollHeight);
      const last = [...document.querySelectorAll('[data-testid=monitor-uptime] button')].find((b) => b.textContent === name);
      const box = last?.getBoundingClientRect();
      return box !== undefined && box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
    }, lastName);
    expect(await rows.count()).toBeLessThan(COUNT);
    expect(await page.getByTestId('monitor-uptime').getByRole('button', { name: first, exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
