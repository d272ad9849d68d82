/**
 * A browser on the box's UI over HTTPS, in real Chromium, with no access link: it sees only the pairing
 * page (no navigation, no API call); a wrong code is refused at the code field; the code read off the
 * box pairs it, and from then on it works on its HttpOnly cookie alone (the page never sees the
 * device token), across reloads; unpaired on the box, it says its session ended and shows the pairing
 * page again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, UI_TEST_MS, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-pair-browser-token-0123456789abcdef01';

describe.skipIf(!hasChromium)(uiSuiteName('a browser paired with a code'), () => {
  let session: UiSession;
  let server: HeadlessServer;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-pair-browser-', viewport: { width: 1024, height: 800 }, tls: 'self-signed' });
    ({ server } = session);
  });
  afterAll(() => session?.close());

  it('shows only the pairing page, pairs with the code from the box, then works on its cookie alone until unpaired', async () => {
    const page = session.page;
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/')) apiCalls.push(path);
    });
    expect(server.url).toMatch(/^https:\/\//);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Pair this browser with Standby' }).waitFor();
    // Nothing but the pairing page: no navigation, no call to the API.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(apiCalls).toEqual([]);
    await page.screenshot({ path: join(RESULTS_DIR, 'pair-browser.png') });

    const form = page.getByTestId('pair-browser');
    await form.getByLabel('Pairing code').fill('AAAA-AAAA');
    await form.getByRole('button', { name: 'Pair this browser' }).click();
    await form.getByText('This pairing code is not right').waitFor();
    expect(await form.getByLabel('Pairing code').getAttribute('aria-invalid')).toBe('true');

    // The person reads a code off the box (standby pair, or Settings → Paired devices).
    const { code } = await server.engine.invoke('pairing.start', {});
    await form.getByLabel('Pairing code').fill(code.toLowerCase());
    await form.getByLabel('This browser\'s name on the box').fill('Phone browser');
    await form.getByRole('button', { name: 'Pair this browser' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: WAIT_MS });
    await page.getByRole('heading', { name: 'Incidents' }).first().waitFor();

    // The session is the HttpOnly, Secure, SameSite=Strict cookie: the page holds no token and cannot read it.
    const cookies = await session.context.cookies(server.url);
    const device = cookies.find((c) => c.name === 'standby_device')!;
    expect(device).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(device.value).toMatch(/^sbd_/);
    expect(await page.evaluate(() => document.cookie)).not.toContain('sbd_');
    expect(await page.evaluate(() => sessionStorage.getItem('standby.token'))).toBeNull();
    const listed = (await server.engine.invoke('devices.list', {})).find((d) => d.name === 'Phone browser')!;
    expect(listed).toMatchObject({ kind: 'browser', revokedAt: null });
    await expect.poll(async () => (await server.engine.invoke('devices.list', {})).find((d) => d.id === listed.id)?.connected, { timeout: WAIT_MS }).toBe(true);

    // It works: a page on the box shows up live; a reload keeps the session.
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    await server.engine.invoke('incidents.trigger', { serviceId, title: 'Paired browser sees this', severity: 'critical' });
    await page.getByText('Paired browser sees this').first().waitFor();
    await page.reload();
    await page.getByText('Paired browser sees this').first().waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'pair-browser-paired.png') });

    // Unpaired on the box: the tab says so, and a reload shows the pairing page again.
    await server.engine.invoke('devices.revoke', { id: listed.id });
    await page.getByRole('heading', { name: 'This session has ended' }).waitFor({ timeout: WAIT_MS });
    await page.getByText('this browser was unpaired on the box').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Pair this browser with Standby' }).waitFor();
    expect(session.problems.filter((p) => !/401|403/.test(p))).toEqual([]);
  }, UI_TEST_MS);
});
