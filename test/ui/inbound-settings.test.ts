/**
 * "Where alerts arrive" in Settings, in a browser against a headless server: the address is the
 * server's own, the help says the headless server keeps its --port, and a saved port is stored for
 * the desktop app (the server does not move).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, uiSuiteName, UI_TEST_MS, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-inbound-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('inbound settings in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-inbound-', viewport: { width: 1280, height: 900 } });
    ({ server, page } = session);
  });
  afterAll(() => session?.close());

  it(
    'shows the server address and stores the desktop app port',
    async () => {
      await page.goto(`${server.url}/#token=${TOKEN}`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
      const panel = page.getByRole('region', { name: 'Where alerts arrive' });
      await panel.getByTestId('inbound-address').waitFor();
      expect(await panel.getByTestId('inbound-address').textContent()).toContain(server.url);
      expect(await panel.getByTestId('inbound-port-help').textContent()).toContain('--port');
      // The desktop app's own settings (start at login, the alarm) are not offered in a browser.
      expect(await page.getByRole('region', { name: 'Desktop app' }).count()).toBe(0);
      const field = panel.getByLabel('Port of the desktop app');
      expect(await field.inputValue()).toBe('8730'); // the desktop app's default; this server keeps its --port 0

      await field.fill('18740');
      await panel.getByRole('button', { name: 'Save port' }).click();
      await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect(server.engine.inboundAddress.storedPort()).toBe(18_740);
      expect((await server.engine.invoke('system.info', {})).inbound).toMatchObject({ url: server.url, settingPort: 18_740 });
      expect(await field.inputValue()).toBe('18740');
      expect(session.problems).toEqual([]);
    },
    UI_TEST_MS,
  );
});
