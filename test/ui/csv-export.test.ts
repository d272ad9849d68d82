/**
 * CSV downloads in Chromium against a headless server: the incidents of a tab (every page of it) and
 * the MTA/MTR table of Analytics, for all services or the one picked, read back from the downloaded
 * files. Titles with commas, quotes and a leading "=" stay one field and never become formulas.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, UI_TEST_MS, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-csv-token-0123456789abcdefghijklmnopq';

/** parseCsv reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe.skipIf(!hasChromium)(uiSuiteName('CSV downloads in Chromium'), { timeout: UI_TEST_MS }, () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let shopId: number;

  async function download(click: () => Promise<void>): Promise<{ name: string; rows: string[][] }> {
    const [d] = await Promise.all([page.waitForEvent('download'), click()]);
    return { name: d.suggestedFilename(), rows: parseCsv(readFileSync((await d.path())!, 'utf8')) };
  }

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-csv-', viewport: { width: 1280, height: 900 } });
    ({ server, page } = session);
    const first = (await server.engine.invoke('services.list', {}))[0]!;
    shopId = (await server.engine.invoke('services.create', { name: 'Shop', escalationPolicyId: first.escalationPolicyId })).id;
    const trigger = async (serviceId: number, title: string, dedupKey: string) => {
      const r = await server.engine.invoke('incidents.trigger', { serviceId, title, severity: 'error', dedupKey });
      if (r.status === 'suppressed') throw new Error(r.reason);
      return r.incident.id;
    };
    const a = await trigger(shopId, 'Checkout returns 502, "sometimes"', 'shop-502');
    await trigger(shopId, '=HYPERLINK("http://evil.example")', 'shop-formula');
    const c = await trigger(first.id, 'Blog is slow', 'blog-slow');
    await server.engine.invoke('incidents.acknowledge', { id: a });
    await server.engine.invoke('incidents.resolve', { id: c });
    // Two monitors with an hour of checks each, as the results writer rolls them up (paused: no real checks run).
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    for (const [name, serviceId, up, down] of [['Checkout page', shopId, 180, 20], ['Blog home', first.id, 200, 0]] as const) {
      const m = await server.engine.invoke('monitors.create', { name, kind: 'http', serviceId, config: { url: 'http://127.0.0.1:9/' } });
      await server.engine.invoke('monitors.pause', { id: m.id });
      // Into the hour and its UTC day, as every check is counted.
      for (const bucket of [3_600_000, 86_400_000]) {
        server.engine.store.db.prepare('INSERT INTO monitor_rollups (monitor_id, bucket_ms, start, checks, up, degraded, down, unknown, latency_count, latency_sum) VALUES (?, ?, ?, ?, ?, 0, ?, 0, 0, 0)').run(m.id, bucket, Math.floor(hour / bucket) * bucket, up + down, up, down);
      }
    }
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });
  afterAll(() => session?.close());

  it('downloads the incidents of a tab', async () => {
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByTestId('incident-row').nth(2).waitFor();
    const file = await download(() => page.getByRole('button', { name: 'Download these 3 incidents as CSV' }).click());
    expect(file.name).toBe('standby-incidents-all.csv');
    const [header, ...rows] = file.rows;
    expect(header).toEqual(['number', 'title', 'service', 'status', 'urgency', 'severity', 'dedup_key', 'created_at', 'acknowledged_at', 'resolved_at', 'resolved_by', 'alerts']);
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[6]])).toEqual([
      ['3', 'Blog is slow', 'Default service', 'resolved', 'blog-slow'],
      ['2', `'=HYPERLINK("http://evil.example")`, 'Shop', 'triggered', 'shop-formula'],
      ['1', 'Checkout returns 502, "sometimes"', 'Shop', 'acknowledged', 'shop-502'],
    ]);
    const incident = await server.engine.invoke('incidents.get', { id: 1 });
    expect(rows[2]![7]).toBe(incident.createdAt);
    expect(rows[2]![8]).toBe(incident.acknowledgedAt);
  });

  it('downloads the MTA/MTR table, for one service when picked', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Analytics' }).click();
    await page.getByTestId('incident-count').filter({ hasText: '3' }).waitFor();
    const all = await download(() => page.getByRole('button', { name: 'Download the table as CSV' }).click());
    expect(all.name).toBe('standby-mta-mtr-30d.csv');
    expect(all.rows[0]).toEqual(['service', 'incidents', 'acknowledged', 'mta_mean_s', 'mta_median_s', 'mta_p90_s', 'resolved', 'mtr_mean_s', 'mtr_median_s', 'mtr_p90_s']);
    expect(all.rows.slice(1).map((r) => [r[0], r[1], r[2], r[6]])).toEqual([
      ['All services', '3', '1', '1'],
      ['Default service', '1', '0', '1'],
      ['Shop', '2', '1', '0'],
    ]);

    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Shop' });
    await page.getByTestId('incident-count').filter({ hasText: '2' }).waitFor();
    const shop = await download(() => page.getByRole('button', { name: 'Download the table as CSV' }).click());
    expect(shop.rows[1]!.slice(0, 3)).toEqual(['Shop', '2', '1']);
  });

  it('shows the uptime of each monitor over the window, worst first, for the service picked', async () => {
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'All services' });
    const table = page.getByTestId('monitor-uptime');
    await table.getByTestId('monitor-uptime-row').nth(1).waitFor();
    const rows = await table.getByTestId('monitor-uptime-row').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
    expect(rows).toEqual([
      ['Checkout page', 'Shop', '90.0 %', '20', '200'],
      ['Blog home', 'Default service', '100 %', '0', '200'],
    ]);
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Shop' });
    await table.getByTestId('monitor-uptime-row').filter({ hasText: 'Blog home' }).waitFor({ state: 'detached' });
    expect(await table.getByTestId('monitor-uptime-row').count()).toBe(1);
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.problems).toEqual([]);
  });
});
