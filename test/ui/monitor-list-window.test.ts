/**
 * A long monitor list in real Chromium: past 300 monitors only the rows on screen (and a screen
 * around them) are in the page, the page is as tall as the whole list, scrolling to the end shows the
 * last monitor, and every row shown has its uptime from the one `monitors.uptimeAll` answer.
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
    // One up check in the current hour for the first and the last monitor, in the rollups the list reads.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    for (const id of [ids[0]!, ids.at(-1)!]) {
      server.engine.store.db.prepare('INSERT INTO monitor_rollups (monitor_id, bucket_ms, start, checks, up, degraded, down, unknown, latency_count, latency_sum, latency_min, latency_max) VALUES (?, 3600000, ?, 1, 1, 0, 0, 0, 1, 5, 5, 5)').run(id, hour);
    }
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
});
