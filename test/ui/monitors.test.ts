/**
 * Monitors, integrations, contact method tests and channel settings in the web UI, in real Chromium
 * against a real headless server on loopback (the same build and CSP as the Electron window). The
 * monitor checks a real HTTP server the test starts on 127.0.0.1; alerts are sent to the server's
 * real `POST /v2/enqueue` with the key copied from the page; the database is checked after each step.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-monitors-token-0123456789abcdef';
/** CHECK_WAIT_MS bounds the wait for a monitor's first check: the first check of a 10 s monitor runs within its first interval. */
const CHECK_WAIT_MS = 30_000;

const suiteName = uiSuiteName('monitors, integrations and channels in Chromium');

describe.skipIf(!hasChromium)(suiteName, { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let site: Server;
  let siteUrl: string;
  let siteHits = 0;
  let page: Page;
  let problems: string[];
  let expected400: string[];

  const nav = (name: string): Locator => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });

  beforeAll(async () => {
    site = createServer((_req, res) => {
      siteHits++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('all good');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/health`;
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-monitors-', viewport: { width: 1280, height: 900 }, clipboard: true });
    ({ server, page, problems, expected400 } = session);
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });

  afterAll(async () => {
    await session?.close();
    await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
  });

  it('shows the engine\'s message for a bad URL next to the URL field', async () => {
    await nav('Monitors').click();
    await page.getByRole('button', { name: 'New monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Loopback site');
    expect(await page.getByLabel('Type').inputValue()).toBe('http');
    await page.getByLabel('URL').fill('not a url');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    const error = page.locator('#mf-config-url-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('URL must be an http(s) URL');
    expect(await page.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('URL').getAttribute('aria-describedby')).toContain('mf-config-url-error');
    expect(expected400).toHaveLength(1);
    expect(await server.engine.invoke('monitors.list', {})).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'monitor-form.png'), fullPage: true });
  });

  it('creates an HTTP monitor that checks a loopback server and shows it up', async () => {
    await page.getByLabel('URL').fill(siteUrl);
    await page.getByLabel('Check every (seconds)').fill('10');
    await page.getByLabel('Timeout (seconds)').fill('5');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.getByRole('heading', { level: 1, name: 'Loopback site' }).waitFor();

    const [saved] = await server.engine.invoke('monitors.list', {});
    expect(saved).toMatchObject({ name: 'Loopback site', kind: 'http', intervalSeconds: 10, timeoutSeconds: 5, config: { url: siteUrl } });
    expect(new URL(page.url()).hash).toBe(`#/monitors/${saved!.id}`);

    await page.locator('header [data-monitor-status="up"]').waitFor({ timeout: CHECK_WAIT_MS });
    expect(siteHits).toBeGreaterThan(0);
    expect((await server.engine.invoke('monitors.get', { id: saved!.id })).status).toBe('up');
    const results = page.getByTestId('check-results');
    await results.locator('[data-monitor-status="up"]').first().waitFor();
    expect(await results.locator('tbody tr').first().textContent()).toMatch(/\d+(\.\d)? ms/);
    await page.getByTestId('response-chart').locator('canvas').waitFor();
    await page.getByTestId('uptime-card-24h').filter({ hasText: '100 %' }).waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'monitor-detail.png'), fullPage: true });

    await page.getByRole('button', { name: '← All monitors' }).click();
    const row = page.getByTestId('monitor-row').filter({ hasText: 'Loopback site' });
    await row.locator('[data-monitor-status="up"]').waitFor();
    expect(await row.getByTestId('uptime-24h').textContent()).toBe('100 %');
  });

  it('edits a monitor from its row: the form has the settings the row does not carry', async () => {
    // A row has what the list shows (monitors.rows); the form reads the monitor's settings first.
    const [saved] = await server.engine.invoke('monitors.list', {});
    await page.getByRole('button', { name: 'Edit Loopback site' }).click();
    const interval = page.getByLabel('Check every (seconds)');
    await expect.poll(() => interval.inputValue(), { timeout: 10_000 }).toBe('10');
    expect(await page.getByLabel('Timeout (seconds)').inputValue()).toBe('5');
    expect(await page.getByLabel('URL').inputValue()).toBe(siteUrl);
    await interval.fill('20');
    await page.getByRole('button', { name: 'Save monitor' }).click();
    await interval.waitFor({ state: 'detached' });
    expect(await server.engine.invoke('monitors.get', { id: saved!.id })).toMatchObject({ name: 'Loopback site', intervalSeconds: 20, timeoutSeconds: 5, config: { url: siteUrl } });
    expect(await page.getByTestId('monitor-row').filter({ hasText: 'Loopback site' }).count()).toBe(1);
  });

  it('creates a heartbeat and shows its ping URL, which a job can call', async () => {
    await page.getByRole('button', { name: 'New monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Nightly backup');
    await page.getByLabel('Type').selectOption('heartbeat');
    await page.getByLabel('Expected every (seconds)').fill('86400');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nightly backup' }).waitFor();
    const url = (await page.getByTestId('ping-url').textContent()) ?? '';
    expect(url).toMatch(new RegExp(`^${server.url}/ping/[0-9a-f-]{36}$`));
    expect(await page.getByText(`curl -fsS -m 10 --retry 3 '${url}'`).count()).toBe(1);

    const ping = await fetch(url);
    expect(ping.status).toBe(200);
    await page.locator('header [data-monitor-status="up"]').waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'monitor-heartbeat.png'), fullPage: true });
  });

  it('pauses all monitoring for an hour and resumes it', async () => {
    await page.getByRole('button', { name: '← All monitors' }).click();
    await page.getByTestId('monitor-row').filter({ hasText: 'Nightly backup' }).locator('[data-monitor-status="up"]').waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'monitors.png'), fullPage: true });
    await page.getByRole('button', { name: 'Pause monitoring for 1 hour' }).click();
    await page.getByTestId('paused-banner').filter({ hasText: 'Monitoring is paused until' }).waitFor();
    expect((await server.engine.invoke('monitoring.status', {})).paused).toBe(true);
    await page.getByTestId('paused-banner').getByRole('button', { name: 'Resume monitoring' }).click();
    await page.getByTestId('paused-banner').waitFor({ state: 'detached' });
    expect((await server.engine.invoke('monitoring.status', {})).paused).toBe(false);
  });

  it('creates an Events API v2 integration whose copied key opens an incident', async () => {
    await nav('Services').click();
    await page.getByRole('button', { name: 'Edit Default service' }).click();
    await page.getByRole('button', { name: 'Add integration' }).click();
    expect(await page.getByLabel('Integration type').inputValue()).toBe('events_v2');
    await page.getByLabel('Integration name').fill('Grafana');
    await page.getByRole('button', { name: 'Create integration' }).click();
    const card = page.getByTestId('integration').filter({ hasText: 'Grafana' });
    const shown = (await card.getByTestId('integration-key').textContent()) ?? '';
    expect(shown).toMatch(/^[0-9a-f]{32}$/);

    const copy = card.getByRole('button', { name: 'Copy the integration key of Grafana' });
    await copy.click();
    await card.getByRole('status').filter({ hasText: 'Copied to the clipboard' }).waitFor();
    expect(await copy.textContent()).toContain('Copied');
    const key = await page.evaluate(() => navigator.clipboard.readText());
    expect(key).toBe(shown);
    const [integration] = await server.engine.invoke('integrations.list', {});
    expect(integration).toMatchObject({ type: 'events_v2', name: 'Grafana', key });

    await card.getByText('Send events with curl').click();
    const trigger = (await card.getByTestId('snippet-trigger').locator('pre').textContent()) ?? '';
    expect(trigger).toContain(`${server.url}/v2/enqueue`);
    expect(trigger).toContain(`"routing_key": "${key}"`);
    await page.screenshot({ path: join(RESULTS_DIR, 'integrations.png'), fullPage: true });

    const res = await fetch(`${server.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing_key: key, event_action: 'trigger', dedup_key: 'checkout/latency', payload: { summary: 'Checkout latency above 3 s', source: 'grafana', severity: 'critical' } }),
    });
    expect(res.status).toBe(202);
    await nav('Incidents').click();
    const row = page.getByTestId('incident-row').filter({ hasText: 'Checkout latency above 3 s' });
    await row.locator('[data-status="triggered"]').waitFor();
    const { incidents } = await server.engine.invoke('incidents.list', { status: ['triggered'] });
    expect(incidents.map((i) => i.title)).toContain('Checkout latency above 3 s');
  });

  it('sends a test to the desktop contact method and shows it was delivered', async () => {
    await nav('Profile & notifications').click();
    const row = page.getByTestId('contact-method').filter({ hasText: 'This computer' });
    await row.getByRole('button', { name: 'Send a test to This computer' }).click();
    const outcome = page.getByTestId('test-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/Test delivered/);
  });

  it('stores a contact method\'s secret in the keychain without showing it', async () => {
    await page.getByRole('button', { name: 'Add contact method' }).click();
    await page.getByLabel('Type').selectOption('webhook');
    await page.getByLabel('Label').fill('Home Assistant');
    await page.getByLabel('Address').fill('https://hooks.example.net/standby');
    await page.getByLabel('Keychain entry (optional)').fill('webhook.homeassistant');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.getByTestId('contact-method').filter({ hasText: 'Home Assistant' });
    await row.getByText('keychain entry “webhook.homeassistant”').waitFor();

    await row.getByRole('button', { name: 'Set the secret of Home Assistant' }).click();
    const secret = page.getByLabel('Secret for keychain entry “webhook.homeassistant”');
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill('s3cret-signing-key');
    await page.getByRole('button', { name: 'Store in keychain' }).click();
    await row.getByText('stored from this page').waitFor();
    expect(await server.engine.secrets.get('webhook.homeassistant')).toBe('s3cret-signing-key');
    expect(await page.content()).not.toContain('s3cret-signing-key');
  });

  it('saves an SMS budget in the delivery settings, with the engine\'s message for a bad one', async () => {
    await nav('Settings').click();
    await page.getByTestId('budget-text').filter({ hasText: '0 of 20' }).waitFor();
    const delivery = page.getByTestId('channel-delivery');
    await delivery.locator('summary').click();
    const perDay = delivery.getByLabel('SMS and calls per day');
    await perDay.fill('20000');
    await delivery.getByRole('button', { name: 'Save Delivery' }).click();
    const error = page.locator('#ch-delivery-smsVoicePerDay-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('SMS and calls per day must be 0 to 10000');
    expect(await perDay.getAttribute('aria-invalid')).toBe('true');
    expect(expected400).toHaveLength(2);

    await perDay.fill('35');
    await delivery.getByRole('button', { name: 'Save Delivery' }).click();
    await delivery.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await server.engine.invoke('channels.get', { kind: 'delivery' })).settings).toEqual({ smsVoicePerDay: 35 });
    expect((await server.engine.invoke('delivery.budget', {})).limit).toBe(35);
    await page.getByTestId('budget-text').filter({ hasText: '0 of 35' }).waitFor();

    const twilio = page.getByTestId('channel-twilio');
    await twilio.locator('summary').click();
    expect(await twilio.getByTestId('secret-state').textContent()).toMatch(/twilio\.authToken.*not set/s);
    await page.screenshot({ path: join(RESULTS_DIR, 'settings-channels.png'), fullPage: true });
  });

  it('warns on every page when an SMS is not sent because the budget is used up', async () => {
    await server.engine.invoke('channels.update', { kind: 'delivery', settings: { smsVoicePerDay: 0 } });
    await server.engine.invoke('contactMethods.create', { type: 'sms', label: 'Mobile', address: '+14155550123' });
    await nav('Profile & notifications').click();
    const row = page.getByTestId('contact-method').filter({ hasText: 'Mobile' });
    await row.getByRole('button', { name: 'Send a test to Mobile' }).click();
    await page.getByTestId('test-outcome').filter({ hasText: 'Test failed: today\'s SMS and voice budget is used up' }).waitFor();
    const banner = page.getByTestId('budget-banner');
    await banner.filter({ hasText: 'Today’s SMS and voice budget is used up (0 of 0).' }).waitFor();
    expect(await banner.textContent()).toContain('An SMS to “Mobile” was not sent');

    await banner.getByRole('button', { name: 'Delivery settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'The budget is used up' }).waitFor();
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await banner.waitFor({ state: 'detached' });
  });

  it('had no console error, page error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
