/**
 * DNS rebinding, replayed in real Chromium: a page from evil.example whose name now resolves to
 * 127.0.0.1 (Chromium's --host-resolver-rules stands in for the attacker's DNS) calls Standby as its
 * own origin, so the browser lets it read every answer. Standby sees `Host: evil.example:PORT` and
 * answers 421 with a one-line reason on every route: the page learns nothing and changes nothing.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadless, type HeadlessServer } from '../../electron/engine/headless/server.ts';
import { MISDIRECTED_BODY } from '../../electron/engine/http/host-check.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, UI_DIR, uiSuiteName, UI_TEST_MS } from '../helpers/browser.ts';
import { tempDir } from '../helpers/headless.ts';

const TOKEN = 'ui-rebinding-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('a DNS-rebinding page in Chromium'), () => {
  let server: HeadlessServer;
  let browser: Browser;
  let routingKey: string;

  beforeAll(async () => {
    server = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, uiDir: UI_DIR, log: () => {} });
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    routingKey = (await server.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Grafana' })).key!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP evil.example 127.0.0.1'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('gets 421 and the short reason on every route it tries, and opens no incident', async () => {
    const port = new URL(server.url).port;
    const origin = `http://evil.example:${port}`;
    const page = await browser.newPage();
    // The page's name already resolves to 127.0.0.1 (the rebinding done): its document comes from Standby too,
    // so Chromium treats page and target as the same origin and the same (loopback) address space. Its
    // script (run by page.evaluate) may then read every answer, as the attacker's would.
    const doc = await page.goto(`${origin}/`);
    expect(doc!.status()).toBe(421);
    const answers = await page.evaluate(async (key) => {
      const tries: Array<[string, RequestInit]> = [
        ['/healthz', {}],
        ['/', {}],
        ['/api/system.health', { method: 'POST', body: '{}' }],
        ['/api/events', {}],
        ['/v2/enqueue', { method: 'POST', body: JSON.stringify({ routing_key: key, event_action: 'trigger', payload: { summary: 'from a web page', source: 'evil', severity: 'critical' } }) }],
        ['/ping/00000000-0000-4000-8000-000000000000', {}],
      ];
      const out: Array<{ path: string; status: number; body: string }> = [];
      for (const [path, init] of tries) {
        const r = await fetch(path, init);
        out.push({ path, status: r.status, body: await r.text() });
      }
      return out;
    }, routingKey);
    for (const a of answers) expect(a, a.path).toEqual({ path: a.path, status: 421, body: MISDIRECTED_BODY });
    expect((await server.engine.invoke('incidents.list', {})).total).toBe(0);
    // The same page at Standby's own address is Standby (the control): the block is the Host, nothing else.
    const own = await fetch(`${server.url}/healthz`);
    expect(own.status).toBe(200);
  }, UI_TEST_MS);
});
