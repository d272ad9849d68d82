/**
 * What an alert carries, readable in Chromium: an Events API v2 event sent over HTTP with links,
 * images, the tool's URL and nested custom details shows clickable links (images as links: the CSP
 * loads no outside image), a tree of the details instead of raw JSON, and never a `javascript:` link.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-alert-details-token-0123456789abcdefgh';

describe.skipIf(!hasChromium)(uiSuiteName('an alert’s links and details in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let incidentId: number;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-details-', viewport: { width: 1280, height: 1000 } });
    ({ server, page } = session);
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    const integration = await server.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Grafana', rateLimitPerMinute: 0 });
    const res = await fetch(`${server.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: integration.key,
        event_action: 'trigger',
        dedup_key: 'api-latency',
        client: 'Grafana',
        client_url: 'https://grafana.example.com/alerting/list',
        links: [{ href: 'https://runbooks.example.com/api-latency', text: 'Runbook' }, { href: 'javascript:alert(1)', text: 'Sneaky' }],
        images: [{ src: 'https://grafana.example.com/render/panel.png', href: 'https://grafana.example.com/d/api', alt: 'Latency panel' }],
        payload: {
          summary: 'API latency above 2 s',
          source: 'api-1',
          severity: 'critical',
          custom_details: { p95_ms: 2450, hosts: ['api-1', 'api-2'], thresholds: { warn_ms: 1000, crit_ms: 2000 }, dashboard: 'https://grafana.example.com/d/api' },
        },
      }),
    });
    expect(res.status).toBe(202);
    incidentId = (await server.engine.invoke('incidents.list', {})).incidents[0]!.id;
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.goto(`${server.url}/#/incidents/${incidentId}`);
    await page.getByRole('heading', { level: 1, name: /API latency above 2 s/ }).waitFor();
  });
  afterAll(() => session?.close());

  it('shows the alert’s links, its image as a link and the tool’s page, but no javascript: link', async () => {
    const links = page.getByTestId('alert-links').getByRole('link');
    expect(await links.evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')]))).toEqual([
      ['Grafana', 'https://grafana.example.com/alerting/list', 'noopener noreferrer'],
      ['Runbook', 'https://runbooks.example.com/api-latency', 'noopener noreferrer'],
      ['Latency panel', 'https://grafana.example.com/d/api', 'noopener noreferrer'],
    ]);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    // No outside image is loaded (the CSP would refuse it, and it would tell the image's host the page was opened).
    expect(await page.locator('img[src^="https://"]').count()).toBe(0);
  });

  it('shows the custom details as a tree, its URLs as links', async () => {
    const tree = page.getByTestId('custom-details');
    const text = (await tree.textContent()) ?? '';
    expect(text).not.toContain('{');
    expect(text).toMatch(/p95_ms\s*2450/);
    expect((await tree.getByRole('listitem').allTextContents()).slice(0, 2)).toEqual(['api-1', 'api-2']);
    expect(text).toMatch(/warn_ms\s*1000\s*crit_ms\s*2000/);
    expect(await tree.getByRole('link', { name: 'https://grafana.example.com/d/api' }).getAttribute('href')).toBe('https://grafana.example.com/d/api');
    // The refused javascript: link stays visible as data, not as a link; the good ones are not repeated here.
    expect(text).toContain('javascript:alert(1)');
    expect(text).not.toContain('runbooks.example.com');
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.problems).toEqual([]);
  });
});
