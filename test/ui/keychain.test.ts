/**
 * A keychain that stops answering, as a person sees it in real Chromium: the page that needed a
 * secret says why (an integration's key, a heartbeat's ping URL), a banner on every page says the
 * keychain does not answer, and it all goes away once the keychain answers again.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, type UiSession } from '../helpers/browser.ts';
import { ScriptedSecretStore } from '../helpers/scripted-secret-store.ts';

const TOKEN = 'ui-keychain-token-0123456789abcdef';
/** WAIT_MS bounds each wait: the deadline is 0.5 s, the rest is the page on a slow machine. */
const WAIT_MS = 30_000;
const TIMED_OUT = /the OS keychain did not answer in 0\.5 s: is it locked\? Unlock it/;

describe.skipIf(!hasChromium)(uiSuiteName('a keychain that does not answer, in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;
  const keychain = new ScriptedSecretStore();
  const nav = (name: string): Locator => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });
  const banner = (): Locator => page.locator('[data-testid="health-banner"][data-code="keychain"]');

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-keychain-', viewport: { width: 1280, height: 900 }, secrets: keychain, secretTimeoutMs: 500 });
    ({ server, page } = session);
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    await server.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Grafana' });
    await server.engine.invoke('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId, config: { periodSeconds: 86400 } });
    keychain.hanging = true;
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });

  afterAll(async () => {
    for (const p of [...keychain.pending]) p.answer();
    await session?.close();
  });

  it("says on the service's page why the integration key cannot be shown, and on every page that the keychain does not answer", async () => {
    await nav('Services').click();
    await page.getByRole('button', { name: 'Edit Default service' }).click();
    const card = page.getByTestId('integration').filter({ hasText: 'Grafana' });
    const why = card.getByTestId('integration-key-error');
    await why.waitFor({ timeout: WAIT_MS });
    expect(await why.textContent()).toMatch(TIMED_OUT);
    expect(await card.getByTestId('integration-key-hidden').count()).toBe(0);
    await banner().waitFor({ timeout: WAIT_MS });
    expect(await banner().textContent()).toMatch(/Standby has a problem:\s*the OS keychain does not answer: is it locked\?/);
    await page.screenshot({ path: join(RESULTS_DIR, 'keychain-not-answering.png'), fullPage: true });
  });

  it("says on the heartbeat's page why its ping URL cannot be shown", async () => {
    await nav('Monitors').click();
    await page.getByTestId('monitor-row').filter({ hasText: 'Nightly backup' }).getByRole('button', { name: 'Nightly backup', exact: true }).click();
    const why = page.getByTestId('ping-key-error');
    await why.waitFor({ timeout: WAIT_MS });
    expect(await why.textContent()).toMatch(TIMED_OUT);
    expect(await page.getByTestId('ping-url-hidden').count()).toBe(0);
    await banner().waitFor();
  });

  it('clears the banner once the keychain answers, and shows the ping URL again', async () => {
    keychain.hanging = false;
    for (const p of [...keychain.pending]) p.answer();
    await banner().waitFor({ state: 'detached', timeout: WAIT_MS });
    await page.getByRole('button', { name: '← All monitors' }).click();
    await page.getByTestId('monitor-row').filter({ hasText: 'Nightly backup' }).getByRole('button', { name: 'Nightly backup', exact: true }).click();
    await page.getByTestId('ping-url').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('ping-key-error').count()).toBe(0);
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.problems).toEqual([]);
  });
});
