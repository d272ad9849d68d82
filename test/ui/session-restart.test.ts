/**
 * A browser tab across restarts of a real headless server (a child process, the OS keychain from the
 * test's Secret Service): the API token is kept per installation, so after a restart the tab picks up
 * where it was without a reload; once the token is replaced (`--new-token`), the tab says at once that
 * its session has ended and how to get back in, instead of retrying.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_FILE } from '../../electron/engine/headless/token-notice.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, RESULTS_DIR, UI_DIR, uiSuiteName, WAIT_MS } from '../helpers/browser.ts';
import { api, CHILD_TEST_MS, startChild, tempDir, waitFor, type ChildServer } from '../helpers/headless.ts';

const suiteName = uiSuiteName('a browser tab across server restarts');

describe.skipIf(!hasChromium)(suiteName, { timeout: CHILD_TEST_MS }, () => {
  const dataDir = tempDir('standby-session-');
  let server: ChildServer | undefined;
  let browser: Browser;
  let page: Page;
  let port = '';
  let token = '';
  const apiPaths: string[] = [];

  async function stop(): Promise<void> {
    if (!server) return;
    const s = server;
    server = undefined;
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }

  async function start(extra: string[] = []): Promise<ChildServer> {
    server = await startChild(['--data-dir', dataDir, ...(port ? ['--port', port] : []), ...extra]);
    return server;
  }

  const tokenFile = (): string => readFileSync(join(dataDir, API_TOKEN_FILE), 'utf8').trim();

  beforeAll(async () => {
    if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error(`${UI_DIR}/index.html is missing: run npm run build first`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const first = await start();
    port = new URL(first.url).port;
    await waitFor(() => first.output().includes('API token: in'), 'the line saying where the token is');
    expect(first.output()).not.toContain('for this start only');
    token = tokenFile();
    // A fresh data directory starts the guided first run; this test is about the session, so it is finished.
    expect((await api(first.url, token, 'setup.update', { status: 'done', step: 'done' })).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/')) apiPaths.push(path);
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    if (server) await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps working across a restart without a reload, with the same token', async () => {
    await page.goto(`${server!.url}/#token=${token}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // A mark in this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { standbyMark: number }).standbyMark = 42));

    await stop();
    await page.getByRole('status').filter({ hasNotText: 'Live' }).first().waitFor();
    const again = await start();
    expect(tokenFile()).toBe(token);

    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const triggered = await api(again.url, token, 'incidents.trigger', { serviceId: 1, title: 'Paged after the restart', severity: 'critical' });
    expect(triggered.status).toBe(200);
    const row = page.getByTestId('incident-row').filter({ hasText: 'Paged after the restart' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('[data-status="acknowledged"]').waitFor();
    expect((await api(again.url, token, 'incidents.get', { id: triggered.body.incident.id })).body.status).toBe('acknowledged');
    expect(await page.evaluate(() => (window as unknown as { standbyMark?: number }).standbyMark)).toBe(42);
  });

  it('says the session has ended, and how to get back in, once the token is replaced', async () => {
    await stop();
    const rotated = await start(['--new-token']);
    await waitFor(() => rotated.output().includes('A new API token (--new-token)'), 'the start line about the new token');
    const newToken = tokenFile();
    expect(newToken).not.toBe(token);
    expect((await api(rotated.url, token, 'incidents.list', {})).status).toBe(401);

    const t0 = Date.now();
    await page.getByRole('heading', { name: 'This session has ended' }).waitFor();
    console.log(`the tab said its session ended ${Date.now() - t0} ms after the server with the new token listened`);
    await page.getByText('To get back in, open the URL printed by the server').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('standby.token'))).toBeNull();
    await page.screenshot({ path: join(RESULTS_DIR, 'session-ended.png') });

    // It has stopped asking: no request to the API after it said so.
    const asked = apiPaths.length;
    await page.waitForTimeout(3000);
    expect(apiPaths.slice(asked)).toEqual([]);

    // The new link gets back in.
    await page.goto(`${rotated.url}/#token=${newToken}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('incident-row').filter({ hasText: 'Paged after the restart' }).waitFor();
  });
});
