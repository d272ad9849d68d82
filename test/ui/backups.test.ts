/**
 * The Backups section of Settings in real Chromium against a real headless server: the backup taken
 * at start is listed, "Back up now" adds one (on disk and in the list), and Download saves exactly
 * the backup's bytes, fetched with the tab's token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../electron/engine/headless/server.ts';
import { hasChromium, openUiSession, RESULTS_DIR, uiSuiteName, type UiSession } from '../helpers/browser.ts';
import { waitFor } from '../helpers/headless.ts';

const TOKEN = 'ui-backups-token-0123456789abcdef';

describe.skipIf(!hasChromium)(uiSuiteName('backups in Chromium'), () => {
  let session: UiSession;
  let server: HeadlessServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await openUiSession({ token: TOKEN, prefix: 'standby-ui-backups-', viewport: { width: 1280, height: 900 } });
    ({ server, browser, page, problems } = session);
    await waitFor(async () => (await server.engine.invoke('backups.list', {})).backups.length === 1, 'the backup taken at start');
  });
  afterAll(() => session?.close());

  it('lists the backups, backs up now, and downloads one', async () => {
    expect(browser.isConnected()).toBe(true);
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Backups' });
    await section.getByTestId('backup-row').first().waitFor();
    const dir = (await server.engine.invoke('backups.list', {})).directory!;
    expect(await section.textContent()).toContain(`once a day into ${dir} and keeps the last 7`);
    expect(await section.getByTestId('backup-row').count()).toBe(1);

    await section.getByRole('button', { name: 'Back up now' }).click();
    await section.getByRole('status').filter({ hasText: 'Backed up: standby-' }).waitFor();
    await waitFor(async () => (await section.getByTestId('backup-row').count()) === 2, 'two backups listed');
    const listed = (await server.engine.invoke('backups.list', {})).backups;
    expect(listed).toHaveLength(2);
    expect(await section.getByTestId('backup-row').first().textContent()).toContain(listed[0]!.file);

    const newest = listed[0]!;
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: `Download ${newest.file}` }).click()]);
    expect(download.suggestedFilename()).toBe(newest.file);
    const saved = join(RESULTS_DIR, `downloaded-${newest.file}`);
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(readFileSync(join(dir, newest.file)))).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'backups.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
