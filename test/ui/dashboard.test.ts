/**
 * The web UI in real Chromium against a real headless server on loopback: the same Svelte build
 * the Electron window loads (out/renderer), over the HTTP transport with its token and its strict
 * CSP. The test sets up through the engine in-process and checks the database after each click.
 */
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-test-token-0123456789abcdef';
const suiteName = uiSuiteName('dashboard in Chromium');

describe.skipIf(!hasChromium)(suiteName, { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let expected400: string[];
  let serviceId: number;
  let firstId: number;

  const row = (title: string): Locator => page.getByTestId('incident-row').filter({ hasText: title });

  async function trigger(title: string, details: Record<string, unknown> = {}): Promise<number> {
    const r = await server.engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical', details });
    if (r.status === 'suppressed') throw new Error(`the engine suppressed the test incident: ${r.reason}`);
    return r.incident.id;
  }

  async function statusInDb(id: number): Promise<string> {
    return (await server.engine.invoke('incidents.get', { id })).status;
  }

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-', viewport: { width: 1280, height: 860 } });
    ({ server, browser, page, problems, expected400 } = session);
    const first = (await server.engine.invoke('services.list', {}))[0];
    if (!first) throw new Error('a fresh data directory should start with "Default service"');
    serviceId = first.id;
  });

  afterAll(() => session?.close());

  it('shows a triggered incident and takes the token out of the URL', async () => {
    firstId = await trigger('Disk almost full on db-1', { host: 'db-1', used: '97%' });
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await row('Disk almost full on db-1').waitFor();
    expect(await row('Disk almost full on db-1').locator('[data-status]').textContent()).toContain('Triggered');
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.evaluate(() => sessionStorage.getItem('standby.token'))).toBe(TOKEN);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });

  it('acknowledges from the row', async () => {
    const r = row('Disk almost full on db-1');
    await r.getByRole('button', { name: 'Acknowledge' }).click();
    await r.locator('[data-status="acknowledged"]').waitFor();
    expect(await r.locator('[data-status]').textContent()).toContain('Acknowledged');
    expect(await statusInDb(firstId)).toBe('acknowledged');
  });

  it('opens the detail with custom details and the timeline, and adds a note', async () => {
    await row('Disk almost full on db-1').getByRole('button', { name: 'Disk almost full on db-1' }).click();
    await page.getByRole('heading', { level: 1, name: /Disk almost full on db-1/ }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/incidents/${firstId}`);
    const timeline = page.getByTestId('timeline');
    await timeline.locator('li[data-type="trigger"]').waitFor();
    await timeline.locator('li[data-type="acknowledge"]').waitFor();
    expect(await timeline.locator('li[data-type="acknowledge"]').textContent()).toMatch(/Acknowledged.*by me/s);
    const details = page.getByTestId('custom-details');
    expect(await details.textContent()).toMatch(/host\s*db-1/);
    expect(await details.textContent()).toMatch(/used\s*97%/);

    await page.getByLabel('Add a note').fill('Rotated the logs; 40% free now.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await timeline.locator('li[data-type="annotate"]', { hasText: 'Rotated the logs; 40% free now.' }).waitFor();
    expect(await page.getByLabel('Add a note').inputValue()).toBe('');
  });

  it('reads the open timeline again when only it changed (a page delivered: incident.timeline)', async () => {
    // What a delivered page's outcome does: an entry in the timeline, and incident.timeline, not the whole incident.
    const message = 'Notified desktop "This computer": delivered';
    server.engine.store.transaction(() => server.engine.incidents.addLog(firstId, Date.now(), { type: 'notify', actor: 'system', message, data: {} }));
    server.engine.publish({ type: 'incident.timeline', data: { incidentId: firstId } });
    await page.getByTestId('timeline').locator('li[data-type="notify"]', { hasText: message }).waitFor();
  });

  it('resolves from the detail', async () => {
    await page.getByRole('group', { name: 'Incident actions' }).getByRole('button', { name: 'Resolve' }).click();
    await page.getByTestId('timeline').locator('li[data-type="resolve"]').waitFor();
    await page.locator('header [data-status="resolved"]').waitFor();
    expect(await statusInDb(firstId)).toBe('resolved');

    // The Electron shell opens incidents by route (#/incidents/<id>); a reload keeps the tab's token.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /Disk almost full on db-1/ }).waitFor();
    await page.locator('header [data-status="resolved"]').waitFor();
  });

  it('shows a desktop notification banner that acknowledges', async () => {
    const id = await trigger('API latency above 2 s');
    const banner = page.getByTestId('notification-banner').filter({ hasText: 'API latency above 2 s' });
    await banner.waitFor();
    await banner.getByRole('button', { name: 'Acknowledge' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(await statusInDb(id)).toBe('acknowledged');

    await page.getByRole('button', { name: 'All incidents' }).click();
    await row('API latency above 2 s').locator('[data-status="acknowledged"]').waitFor();
  });

  it('shows the engine\'s message next to the service field it names', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Services' }).click();
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create service' }).click();
    const error = page.locator('#svc-name-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Name must not be empty');
    const name = page.getByLabel('Name', { exact: true });
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await name.getAttribute('aria-describedby')).toContain('svc-name-error');
    expect(expected400).toHaveLength(1);
    expect((await server.engine.invoke('services.list', {})).length).toBe(1);
  });

  it('shows MTA and MTR with a uPlot chart', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Analytics' }).click();
    await page.getByTestId('weekly-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('incident-count').textContent()).toBe('2');
    const duration = /(< 1 s|\d+ s|\d+ min)/;
    expect(await page.getByTestId('metric-mta').locator('.big').textContent()).toMatch(duration);
    expect(await page.getByTestId('metric-mtr').locator('.big').textContent()).toMatch(duration);
    expect(await page.getByRole('rowheader', { name: 'Default service' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'analytics.png'), fullPage: true });
  });

  it('takes a screenshot of the incident list', async () => {
    await trigger('Certificate for status.example.com expires in 6 days', { certificate: 'status.example.com', daysLeft: 6 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Incidents' }).click();
    await page.getByRole('tab', { name: 'All' }).click();
    await row('Certificate for status.example.com').waitFor();
    await row('Disk almost full on db-1').locator('[data-status="resolved"]').waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'dashboard.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(RESULTS_DIR, 'dashboard-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('tells a browser without a token to open the URL the server printed', async () => {
    const fresh = await browser.newContext();
    fresh.setDefaultTimeout(WAIT_MS);
    try {
      const p = await fresh.newPage();
      const requests: string[] = [];
      p.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await p.goto(`${server.url}/`);
      await p.getByText('Open the URL printed by the server').waitFor();
      expect(requests.filter((path) => path.startsWith('/api/'))).toEqual([]);

      // A token the server rejects (replaced with --new-token) gets the same advice.
      await p.goto(`${server.url}/#token=not-the-token`);
      await p.getByRole('heading', { name: 'This session has ended' }).waitFor();
      await p.getByText('Open the URL printed by the server').waitFor();
      expect(await p.evaluate(() => sessionStorage.getItem('standby.token'))).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('had no console error, page error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
