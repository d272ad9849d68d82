/**
 * A Standby reachable from the LAN, in real Chromium over HTTPS with the certificate Standby made:
 * the UI, the API and the event stream work over TLS, and Settings shows the certificate's SHA-256
 * fingerprint, the same one the server presents, for the person to compare with the browser's.
 */
import { join } from 'node:path';
import { connect } from 'node:tls';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, UI_TEST_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-server-token-0123456789abcdef';

function servedFingerprint(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe.skipIf(!hasChromium)(uiSuiteName('the HTTPS server in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-server-', viewport: { width: 1280, height: 900 }, tls: 'self-signed' });
    ({ server, page, problems } = session);
  });
  afterAll(() => session?.close());

  it('serves the UI and its event stream over HTTPS and shows the certificate fingerprint in Settings', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    await page.goto(`${server.url}/#token=${TOKEN}`);
    // The event stream over TLS: an incident triggered through the engine appears without a reload.
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    await page.getByRole('heading', { name: 'Incidents' }).first().waitFor();
    await server.engine.invoke('incidents.trigger', { serviceId, title: 'Seen over HTTPS' });
    await page.getByText('Seen over HTTPS').first().waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'HTTP server' });
    const shown = await panel.getByTestId('tls-fingerprint').textContent();
    expect(shown).toBe(await servedFingerprint(server.url));
    expect(await panel.getByTestId('server-url').textContent()).toBe(server.url);
    expect(await panel.textContent()).toContain('made by Standby (self-signed)');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'server-https.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, UI_TEST_MS);
});
