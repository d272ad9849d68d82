/**
 * Settings → Paired devices in real Chromium, on a box speaking HTTPS: "Pair a device" shows a
 * one-time code and the certificate's fingerprint; a device that pairs with that code appears in the
 * list by itself; Unpair asks first, then ends the device's token.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { pairWithBox } from '../../electron/engine/remote/pair-client.ts';
import { RemoteClient } from '../../electron/engine/remote/remote-client.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, UI_TEST_MS, WAIT_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-devices-token-0123456789abcdef0123';

describe.skipIf(!hasChromium)(uiSuiteName('paired devices in Settings'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-devices-', viewport: { width: 1280, height: 900 }, tls: 'self-signed' });
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  it('shows a code and the fingerprint, lists the device that pairs with it, and unpairs it after asking', async () => {
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Paired devices' });
    await panel.getByText('No device is paired.').waitFor();
    await panel.getByRole('button', { name: 'Pair a device' }).click();
    const shown = panel.getByTestId('pairing-code');
    await shown.waitFor();
    const code = (await shown.locator('.big code').textContent())!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const fingerprint = (await server.engine.invoke('system.server', {})).tls!.fingerprint256;
    expect(await panel.getByTestId('pairing-fingerprint').textContent()).toBe(fingerprint);

    // The device (the desktop app's client) pairs with the code the person read off the screen.
    const paired = await pairWithBox({ url: server.url, code, name: 'Ada’s laptop' });
    expect(paired.pin.fingerprint256).toBe(fingerprint);
    const row = panel.getByTestId('device').filter({ hasText: 'Ada’s laptop' });
    await row.waitFor({ timeout: WAIT_MS });
    expect(await row.textContent()).toContain('desktop app');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'paired-devices.png') });

    await row.getByRole('button', { name: 'Unpair Ada’s laptop' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unpair “Ada’s laptop”?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Unpair device' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText(/^unpaired /).waitFor({ timeout: WAIT_MS });
    expect((await server.engine.invoke('devices.list', {}))[0]!.revokedAt).not.toBeNull();
    const client = new RemoteClient({ pin: paired.pin, token: paired.token });
    await expect(client.call('incidents.list', {})).rejects.toThrow(/was unpaired on the box/);
    expect(session.problems).toEqual([]);
  }, UI_TEST_MS);
});
