/**
 * The ack links' signing key in Settings, in real Chromium against a real headless server: the Ack
 * links section says the key is made and has a "Rotate signing key" button; pressing it makes every
 * link already sent refuse (checked on the server's /ack/ route), and links sent after it work.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, type UiSession } from '../helpers/browser.ts';

const TOKEN = 'ui-ack-links-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('rotating the ack link signing key in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-ack-', viewport: { width: 1280, height: 900 } });
    ({ server, page } = session);
    await server.engine.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: server.url } });
  });
  afterAll(() => session?.close());

  it('the button revokes every link already sent; links sent after it work', async () => {
    const serviceId = (await server.engine.invoke('services.list', {}))[0]!.id;
    const r = await server.engine.invoke('incidents.trigger', { serviceId, title: 'Disk full' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    const sent = (await server.engine.lifecycle.delivery.ack.issue(r.incident.id))!;

    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const section = page.getByTestId('channel-ack');
    await section.locator('summary').click();
    const rotation = section.getByTestId('ack-key-rotation');
    await rotation.filter({ hasText: /this data directory\):\s+made\./ }).waitFor();
    await rotation.getByRole('button', { name: 'Rotate signing key' }).click();
    await rotation.getByRole('status').filter({ hasText: 'Rotated: every link sent before now does nothing.' }).waitFor();
    await section.screenshot({ path: join(RESULTS_DIR, 'settings-ack-rotate.png') });

    const old = await fetch(sent.acknowledge, { method: 'POST' });
    expect([old.status, await old.text()]).toEqual([410, expect.stringContaining('the signing key was rotated after it was sent')]);
    expect(server.engine.incidents.get(r.incident.id).status).toBe('triggered');
    const fresh = (await server.engine.lifecycle.delivery.ack.issue(r.incident.id))!;
    expect((await fetch(fresh.acknowledge, { method: 'POST' })).status).toBe(200);
    expect(session.problems).toEqual([]);
  });
});
