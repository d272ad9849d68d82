/**
 * Incidents at scale in Chromium against a headless server: past 200 the list pages (newer and
 * older), selected incidents are acknowledged or resolved together, each checked in the database,
 * and a search finds incidents by title, service or dedup key.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { waitFor } from '../helpers/headless.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-incidents-scale-token-0123456789abcdef';
const COUNT = 230;

describe.skipIf(!hasChromium)(uiSuiteName('incidents at scale in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  const ids: number[] = [];

  const rows = (): Locator => page.getByTestId('incident-row');
  const row = (n: number): Locator => page.locator(`[data-testid="incident-row"][data-incident-id="${ids[n - 1]}"]`);
  const waitForRows = (n: number) => waitFor(async () => (await rows().count()) === n, `${n} rows`, WAIT_MS);
  const status = async (n: number) => (await server.engine.invoke('incidents.get', { id: ids[n - 1]! })).status;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-scale-', viewport: { width: 1280, height: 900 } });
    ({ server, page } = session);
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    for (let i = 1; i <= COUNT; i++) {
      const r = await server.engine.invoke('incidents.trigger', { serviceId, title: `Disk check ${i} failed`, severity: 'warning', dedupKey: `disk-${i}` });
      if (r.status === 'suppressed') throw new Error(r.reason);
      ids.push(r.incident.id);
    }
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  }, UI_TEST_MS);
  afterAll(() => session?.close());

  it('shows 200 a page, and the older ones on the next page', async () => {
    await row(COUNT).waitFor();
    expect(await rows().count()).toBe(200);
    expect(await page.getByTestId('incident-range').textContent()).toBe(`1–200 of ${COUNT}`);
    const pages = page.getByRole('navigation', { name: 'Pages of incidents' });
    expect(await pages.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
    await pages.getByRole('button', { name: 'Older' }).click();
    await row(1).waitFor();
    expect(await rows().count()).toBe(COUNT - 200);
    expect(await page.getByTestId('incident-range').textContent()).toBe(`201–${COUNT} of ${COUNT}`);
    expect(await pages.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    expect(await row(COUNT).count()).toBe(0);
  });

  it('acknowledges the selected incidents together', async () => {
    for (const n of [1, 2, 3]) await row(n).getByRole('checkbox', { name: `Select incident ${n}` }).check();
    const bulk = page.getByTestId('bulk-actions');
    expect(await bulk.textContent()).toContain('3 selected');
    await bulk.getByRole('button', { name: 'Acknowledge 3' }).click();
    await bulk.waitFor({ state: 'detached' });
    for (const n of [1, 2, 3]) {
      await row(n).locator('[data-status="acknowledged"]').waitFor();
      expect(await status(n)).toBe('acknowledged');
    }
    expect(await status(4)).toBe('triggered');
  });

  it('selects a whole page and resolves it', async () => {
    await page.getByRole('checkbox', { name: 'Select every open incident on this page' }).check();
    const bulk = page.getByTestId('bulk-actions');
    expect(await bulk.textContent()).toContain(`${COUNT - 200} selected`);
    await page.screenshot({ path: join(RESULTS_DIR, 'incidents-bulk.png') });
    await bulk.getByRole('button', { name: `Resolve ${COUNT - 200}` }).click();
    await bulk.waitFor({ state: 'detached', timeout: WAIT_MS * 2 });
    for (const n of [1, 4, COUNT - 200]) expect(await status(n)).toBe('resolved');
    expect(await status(COUNT - 199)).toBe('triggered');
    // The open tab now has 200 incidents: one page again.
    await page.getByTestId('incident-range').waitFor({ state: 'detached' });
    expect(await rows().count()).toBe(200);
  });

  it('searches by title, service and dedup key within the tab', async () => {
    const search = page.getByRole('searchbox', { name: 'Search incidents by title, service or dedup key' });
    await search.fill('check 215 failed');
    await waitForRows(1);
    expect(await row(215).count()).toBe(1);
    // The dedup key: "disk-21" is in disk-21 (resolved above, so not in the Open tab) and disk-210 to disk-219.
    await search.fill('DISK-21');
    await waitForRows(10);
    expect(await row(21).count()).toBe(0);
    expect(await page.getByTestId('incident-range').count()).toBe(0);
    // The service's name: every open incident (200, one page).
    await search.fill('default serv');
    await waitForRows(200);
    await search.fill('no such incident');
    await page.getByText('No open incidents match “no such incident”.').waitFor();
    await search.fill('');
    await waitForRows(200);
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.problems).toEqual([]);
  });
});
