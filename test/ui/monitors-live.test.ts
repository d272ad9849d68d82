/**
 * Live monitors in real Chromium against a real headless server: every check reaches the monitor
 * list and the monitor page over the event stream, without a reload. Monitors check HTTP servers
 * the test starts on 127.0.0.1 every 10 s (the shortest interval): one answers 200, one answers
 * slowly (degraded), and one the test turns from 200 to 500. The list puts down and degraded
 * monitors first, its up/down strips show the checks the engine stored, and the status filters show
 * one status each; the monitor page's recent checks and per-check latency line grow as checks run.
 *
 * "Without a reload" is checked with a marker set on the window: a reload would clear it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import type { MonitorView } from '../../electron/shared/monitor-schemas.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-monitors-live-token-0123456789abcdef';
/** INTERVAL_S is the monitors' check interval, the shortest a monitor allows. */
const INTERVAL_S = 10;
/**
 * ONE_CHECK_MS bounds the wait for the next check to show: one interval, plus time for a slow, busy
 * machine to run the check and Chromium to draw it (the throttle adds at most 1 s).
 */
const ONE_CHECK_MS = INTERVAL_S * 1000 + 12_000;

const suiteName = uiSuiteName('live monitors in Chromium');

/** site starts an HTTP server on 127.0.0.1 answering `state.status` after `state.delayMs`. */
async function site(state: { status: number; delayMs: number }): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    setTimeout(() => res.writeHead(state.status, { 'content-type': 'text/plain' }).end(`answer ${state.status}`), state.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`, server };
}

describe.skipIf(!hasChromium)(suiteName, { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let problems: string[];
  const flipping = { status: 200, delayMs: 0 };
  const steady = { status: 200, delayMs: 0 };
  const slow = { status: 200, delayMs: 400 };
  const sites: Server[] = [];
  let zulu: MonitorView;

  const row = (name: string): Locator => page.getByTestId('monitor-row').filter({ hasText: name });
  const rowNames = async (): Promise<string[]> => (await page.getByTestId('monitor-row').locator('button.name').allTextContents()).map((t) => t.trim());
  const stripOf = (name: string): Promise<string[]> => row(name).getByTestId('check-strip').locator('[data-status]').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-status') ?? ''));
  const stored = async (id: number): Promise<string[]> => (await server.engine.invoke('monitors.lastChecks', { limit: 30 })).monitors.find((m) => m.monitorId === id)!.checks.map((c) => c.status);
  const notReloaded = (): Promise<boolean> => page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker === 42);

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-live-', viewport: { width: 1280, height: 820 } });
    ({ server, page, problems } = session);
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    const [a, b, c] = await Promise.all([site(steady), site(slow), site(flipping)]);
    sites.push(a!.server, b!.server, c!.server);
    const http = { kind: 'http', serviceId, intervalSeconds: INTERVAL_S, timeoutSeconds: 5, retries: 0 } as const;
    await server.engine.invoke('monitors.create', { ...http, name: 'Alpha site', config: { url: a!.url } });
    await server.engine.invoke('monitors.create', { ...http, name: 'Bravo search', config: { url: b!.url, maxResponseMs: 100 } });
    zulu = await server.engine.invoke('monitors.create', { ...http, name: 'Zulu API', config: { url: c!.url } });
    const backup = await server.engine.invoke('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId, config: { periodSeconds: 86_400 } });
    await server.engine.invoke('monitors.pause', { id: backup.id });

    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate(() => ((window as unknown as { liveMarker?: number }).liveMarker = 42));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Monitors' }).click();
  });

  afterAll(async () => {
    await session?.close();
    await Promise.all(sites.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('puts degraded monitors first and paused ones last, and each row\'s strip and last check follow every check live', async () => {
    await row('Alpha site').locator('[data-monitor-status="up"]').waitFor({ timeout: ONE_CHECK_MS });
    await row('Bravo search').locator('[data-monitor-status="degraded"]').waitFor({ timeout: ONE_CHECK_MS });
    await row('Zulu API').locator('[data-monitor-status="up"]').waitFor({ timeout: ONE_CHECK_MS });
    expect(await rowNames()).toEqual(['Bravo search', 'Alpha site', 'Zulu API', 'Nightly backup']);

    // The next check of Zulu API joins its strip and its last check within one interval.
    const before = (await stripOf('Zulu API')).length;
    expect(before).toBeGreaterThan(0);
    await expect.poll(async () => (await stripOf('Zulu API')).length, { timeout: ONE_CHECK_MS }).toBe(before + 1);
    expect(await row('Zulu API').getByTestId('last-check').textContent()).toMatch(/\d+(\.\d)? ms\s*(just now|\d+ s ago)/);
    expect(await notReloaded()).toBe(true);
  });

  it('a monitor whose server starts answering 500 goes down and moves first at its next check, without a reload', async () => {
    flipping.status = 500;
    await row('Zulu API').locator('[data-monitor-status="down"]').waitFor({ timeout: ONE_CHECK_MS });
    await expect.poll(rowNames, { timeout: WAIT_MS }).toEqual(['Zulu API', 'Bravo search', 'Alpha site', 'Nightly backup']);
    await expect.poll(async () => (await stripOf('Zulu API')).at(-1), { timeout: WAIT_MS }).toBe('down');
    expect((await server.engine.invoke('monitors.get', { id: zulu.id })).status).toBe('down');
    expect(await notReloaded()).toBe(true);
  });

  it('each strip shows the checks the engine stored, oldest on the left, the newest on the right', async () => {
    // Read both sides until they agree: a check may land between the two reads.
    await expect.poll(async () => {
      const [shown, kept] = await Promise.all([stripOf('Zulu API'), stored(zulu.id)]);
      return JSON.stringify(shown) === JSON.stringify(kept) ? shown : `${shown.join(',')} ≠ ${kept.join(',')}`;
    }, { timeout: ONE_CHECK_MS }).toEqual(expect.arrayContaining(['up', 'down']));
    const zuluStrip = await stripOf('Zulu API');
    expect(zuluStrip.indexOf('down')).toBeGreaterThan(zuluStrip.lastIndexOf('up'));
    expect(new Set(await stripOf('Bravo search'))).toEqual(new Set(['degraded']));
    expect(await stripOf('Nightly backup')).toEqual([]);
    const label = (await row('Zulu API').getByTestId('check-strip').getAttribute('aria-label')) ?? '';
    expect(label).toMatch(new RegExp(`^Last ${zuluStrip.length} checks: \\d+ up, \\d+ down$`));
    await page.locator('section[aria-labelledby="monitors-title"]').screenshot({ path: join(RESULTS_DIR, 'monitors-live.png') });
  });

  it('filters the list by status, with a count on each filter', async () => {
    const filters = page.getByRole('group', { name: 'Show monitors by status' });
    expect((await filters.getByRole('button').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['All 4', 'Down 1', 'Degraded 1', 'Up 1', 'Paused 1']);
    const shows = async (filter: string, names: string[]): Promise<void> => {
      await filters.getByRole('button', { name: new RegExp(`^${filter} \\d`) }).click();
      expect(await filters.getByRole('button', { name: new RegExp(`^${filter} \\d`) }).getAttribute('aria-pressed')).toBe('true');
      await expect.poll(rowNames, { timeout: WAIT_MS }).toEqual(names);
    };
    await shows('Down', ['Zulu API']);
    await shows('Degraded', ['Bravo search']);
    await shows('Up', ['Alpha site']);
    await shows('Paused', ['Nightly backup']);
    await shows('All', ['Zulu API', 'Bravo search', 'Alpha site', 'Nightly backup']);

    // Zulu API recovers: it leaves the Down filter by itself, and the empty filter says so.
    await shows('Down', ['Zulu API']);
    flipping.status = 200;
    await page.getByRole('status').filter({ hasText: 'No monitor is down now.' }).waitFor({ timeout: ONE_CHECK_MS });
    expect(await filters.getByRole('button', { name: /^Down \d/ }).textContent()).toMatch(/Down\s+0/);
    await shows('All', ['Bravo search', 'Alpha site', 'Zulu API', 'Nightly backup']);
    expect(await notReloaded()).toBe(true);
  });

  it('the monitor page\'s recent checks and per-check latency line grow as checks run', async () => {
    await row('Alpha site').getByRole('button', { name: 'Alpha site', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Alpha site' }).waitFor();
    const rows = page.getByTestId('check-results').locator('tbody tr');
    await rows.first().waitFor();
    await page.getByTestId('response-chart').locator('canvas').waitFor();
    // One snapshot of the table and the chart, so a check landing between two reads cannot mislead.
    const snapshot = (): Promise<{ count: number; newest: string; line: number }> =>
      page.evaluate(() => {
        const trs = document.querySelectorAll('[data-testid="check-results"] tbody tr');
        return { count: trs.length, newest: trs[0]?.querySelector('td')?.textContent ?? '', line: Number(document.querySelector('[data-testid="response-chart"]')?.getAttribute('data-checks')) };
      });
    const before = await snapshot();
    expect(before.line).toBe(before.count);

    await expect.poll(async () => (await snapshot()).count, { timeout: ONE_CHECK_MS }).toBe(before.count + 1);
    const after = await snapshot();
    expect(after.newest).not.toBe(before.newest);
    expect(after.line).toBe(before.line + 1);
    expect(await rows.first().locator('[data-monitor-status="up"]').count()).toBe(1);
    // What the page shows is what the engine stored, newest first (a check after the snapshot aside).
    const shownAt = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-at') ?? ''));
    const alpha = (await server.engine.invoke('monitors.list', {})).find((m) => m.name === 'Alpha site')!;
    const stored = (await server.engine.invoke('monitors.results', { id: alpha.id, limit: 50 })).results.map((r) => r.at).filter((at) => at <= shownAt[0]!);
    expect(shownAt).toEqual(stored.slice(0, shownAt.length));
    expect(shownAt.length).toBeGreaterThanOrEqual(after.count);
    expect(await notReloaded()).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'monitor-detail-live.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
