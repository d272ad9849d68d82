/**
 * The browser tab as a pager, in real Chromium against a real headless server: a button asks for
 * notification permission (granted in the test's browser context), each page becomes a browser
 * Notification whose click opens the incident, the tab's title and favicon count the triggered
 * incidents, and a tab that was away (its server restarted while the page was triggered elsewhere,
 * or no tab open at all) shows what was paged meanwhile: a desktop page that waited for a tab comes as
 * its own notification, and the one "while away" notification names the rest.
 *
 * window.Notification is wrapped by an init script that records every notification constructed, so the
 * test sees what the person would see. The browser context starts without the permission, as a new
 * browser does; the person's "Allow" on the browser's prompt is the test granting it when the page asks.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadless, type HeadlessServer } from '../../electron/engine/headless/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, RESULTS_DIR, UI_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS } from '../helpers/browser.ts';
import { waitFor } from '../helpers/headless.ts';

const TOKEN = 'pager-test-token-0123456789abcdefghij';
const suiteName = uiSuiteName('the browser tab as a pager in Chromium');

/** Recorded is what the init script keeps of each Notification the page constructed. */
interface Recorded {
  title: string;
  body: string;
  tag: string;
}

/** recordNotifications runs in the page before its scripts: it wraps Notification and records each one. */
function recordNotifications(): void {
  const Real = window.Notification;
  const w = window as unknown as { recorded: Recorded[]; shown: Notification[]; permissionAsked: number };
  w.recorded = [];
  w.shown = [];
  w.permissionAsked = 0;
  const allow = (window as unknown as { allowNotifications: () => Promise<void> }).allowNotifications;
  class RecordingNotification extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      w.recorded.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
      w.shown.push(this);
    }
    static override async requestPermission(): Promise<NotificationPermission> {
      w.permissionAsked++;
      await allow();
      return Real.requestPermission();
    }
  }
  window.Notification = RecordingNotification;
}

describe.skipIf(!hasChromium)(suiteName, { timeout: UI_TEST_MS }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-pager-'));
  let server: HeadlessServer;
  let port = 0;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let serviceId: number;
  const problems: string[] = [];

  const start = (p: number): Promise<HeadlessServer> => startHeadless({ dataDir, port: p, host: '127.0.0.1', token: TOKEN, uiDir: UI_DIR, log: () => {} });
  const recorded = (p: Page = page): Promise<Recorded[]> => p.evaluate(() => (window as unknown as { recorded: Recorded[] }).recorded);
  const outcomes = (s: HeadlessServer, id: number): unknown[] => s.engine.incidents.timeline(id).filter((e) => e.type === 'notify').map((e) => e.data.outcome);

  async function trigger(s: HeadlessServer, title: string): Promise<number> {
    const r = await s.engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(`suppressed: ${r.reason}`);
    return r.incident.id;
  }

  async function openPage(): Promise<Page> {
    const p = await context.newPage();
    p.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED|net::ERR/.test(m.text())) problems.push(m.text());
    });
    p.on('pageerror', (e) => problems.push(e.message));
    await p.goto(`${server.url}/#token=${TOKEN}`);
    await p.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    return p;
  }

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    server = await start(0);
    port = Number(new URL(server.url).port);
    serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    // A fresh data directory starts the guided first run; this test is about paging, so it is finished.
    await server.engine.invoke('setup.update', { status: 'done', step: 'done' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // The person allows notifications when the browser asks (a headless browser has no prompt to click).
    await context.exposeBinding('allowNotifications', () => context.grantPermissions(['notifications'], { origin: server.url }));
    context.setDefaultTimeout(WAIT_MS);
    await context.addInitScript(recordNotifications);
    page = await openPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks for notification permission from a clear button', async () => {
    const ask = page.getByTestId('notification-permission');
    await ask.getByRole('button', { name: 'Turn on browser notifications' }).click();
    await ask.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => [(window as unknown as { permissionAsked: number }).permissionAsked, Notification.permission])).toEqual([1, 'granted']);
  });

  it('shows a browser notification per page, counts it in the title and favicon, and a click opens the incident', async () => {
    expect(await page.title()).toBe('Standby');
    const id = await trigger(server, 'Checkout returns 502');
    await expect.poll(() => recorded(), { timeout: WAIT_MS }).toEqual([expect.objectContaining({ title: expect.stringContaining('Checkout returns 502'), tag: `standby-incident-${id}` })]);
    await expect.poll(() => page.title(), { timeout: WAIT_MS }).toBe('(1) Standby: 1 triggered');
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);

    await trigger(server, 'Queue backlog above 10k');
    await expect.poll(() => page.title(), { timeout: WAIT_MS }).toBe('(2) Standby: 2 triggered');
    expect((await recorded()).map((n) => n.title)).toEqual([expect.stringContaining('Checkout returns 502'), expect.stringContaining('Queue backlog above 10k')]);

    // The person clicks the first notification: the tab opens that incident.
    await page.evaluate(() => {
      const n = (window as unknown as { shown: Notification[] }).shown[0]!;
      n.onclick?.(new Event('click'));
    });
    await page.getByRole('heading', { level: 1, name: /Checkout returns 502/ }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/incidents/${id}`);

    await server.engine.invoke('incidents.acknowledge', { id });
    await expect.poll(() => page.title(), { timeout: WAIT_MS }).toBe('(1) Standby: 1 triggered');
  });

  it('after a reconnect, shows what was paged while the tab was away: a page that waited for a tab as its own notification, the rest in one', async () => {
    await server.close();
    // Another start of the same data directory, on a port the tab does not know, takes two pages nobody sees:
    // the first waits for a tab; the second fails for good (retries off), as one past its retry window does.
    const elsewhere = await start(0);
    const waited = await trigger(elsewhere, 'Paged while the tab was away');
    await waitFor(() => outcomes(elsewhere, waited).includes('waiting'), 'the first page to wait for a tab');
    await elsewhere.engine.invoke('channels.update', { kind: 'delivery', settings: { retries: 0 } });
    const missed = await trigger(elsewhere, 'Its page gave up while the tab was away');
    await waitFor(() => outcomes(elsewhere, missed).includes('failed'), 'the second page to fail');
    await elsewhere.engine.invoke('channels.update', { kind: 'delivery', settings: { retries: 3 } });
    await elsewhere.close();
    const before = (await recorded()).length;
    server = await start(port);

    const away = page.getByTestId('paged-while-away');
    await away.getByText('Its page gave up while the tab was away').waitFor();
    expect(await away.textContent()).toContain('Paged while this tab was away');
    expect(await away.textContent()).toContain('Paged while the tab was away');
    // The page that waited comes to the tab that is back, as its own notification, and is delivered; the
    // "while away" notification, a moment later, names only the other.
    await expect.poll(async () => (await recorded()).slice(before).map((n) => n.tag).sort(), { timeout: WAIT_MS }).toEqual(['standby-away', `standby-incident-${waited}`]);
    expect((await recorded()).slice(before).find((n) => n.tag === 'standby-away')).toEqual({ title: expect.stringMatching(/^Paged while this tab was away: #\d+$/), body: 'Its page gave up while the tab was away', tag: 'standby-away' });
    await waitFor(() => outcomes(server, waited).includes('delivered'), 'the waiting page to be delivered');
    await expect.poll(() => page.title(), { timeout: WAIT_MS }).toBe('(3) Standby: 3 triggered');
    await page.screenshot({ path: join(RESULTS_DIR, 'pager-away.png') });

    await away.getByRole('button', { name: /Paged while the tab was away/ }).click();
    await page.getByRole('heading', { level: 1, name: /Paged while the tab was away/ }).waitFor();
  });

  it('a tab opened later shows what was paged while no tab was open', async () => {
    await page.close();
    await trigger(server, 'Paged with no tab open');
    page = await openPage();
    const away = page.getByTestId('paged-while-away');
    await away.getByText('Paged with no tab open').waitFor();
    // What the earlier tab saw is not repeated.
    expect(await away.textContent()).not.toContain('Checkout returns 502');
    await away.getByRole('button', { name: 'Dismiss' }).click();
    await away.waitFor({ state: 'detached' });
  });

  it("follows the browser's own setting while the tab is open: no longer allowed, the banner is back; allowed again, it goes", async () => {
    const ask = page.getByTestId('notification-permission');
    expect(await ask.count()).toBe(0);
    await context.clearPermissions();
    await ask.getByRole('button', { name: 'Turn on browser notifications' }).waitFor();
    await context.grantPermissions(['notifications'], { origin: server.url });
    await ask.waitFor({ state: 'detached' });
  });

  it('had no console error or page error', () => {
    expect(problems).toEqual([]);
  });
});
