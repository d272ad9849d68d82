/**
 * "Connect to a Standby server" in the desktop window, in real Chromium: the built renderer with a
 * `window.standby` bridge whose calls go through the real IPC guard to what the shell routes them to
 * (electron/main/index.ts): `remote.*` to the app's DesktopLink, the rest to the local engine, or to
 * the box (RemoteBackend) once paired. A real headless box over HTTPS hands out the code.
 *
 * A wrong code is refused at the code field; the right one pairs, copies the configuration, and the
 * window, reloaded onto the box, says it is the box's tray; the box going away shows the "not
 * connected" banner; "Use this computer on its own" asks first, then goes back.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../electron/shared/api.ts';
import { SystemClock } from '../../electron/engine/clock.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { startHeadless, type HeadlessServer } from '../../electron/engine/headless/server.ts';
import { builtinChannels } from '../../electron/engine/notify/registry.ts';
import { readLink, readToken } from '../../electron/engine/remote/device-link.ts';
import { DesktopLink, isRemoteMethod } from '../../electron/engine/remote/desktop-link.ts';
import { RemoteBackend } from '../../electron/engine/remote/remote-backend.ts';
import { FileSecretStore, secretsFilePath } from '../../electron/engine/secrets/file-store.ts';
import { APP_ORIGIN, appResponse } from '../../electron/main/app-protocol.ts';
import { contentSecurityPolicy, rendererLocation } from '../../electron/main/renderer-policy.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, RESULTS_DIR, UI_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS } from '../helpers/browser.ts';
import { openBridgedPage, pushEvent } from '../helpers/desktop-bridge.ts';
import { waitFor } from '../helpers/headless.ts';

const loc = rendererLocation({ packaged: true, devServerUrl: undefined });
const CSP = contentSecurityPolicy(loc);

describe.skipIf(!hasChromium)(uiSuiteName('the desktop window connecting to a box'), () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-ui-connect-'));
  const secrets = new FileSecretStore(secretsFilePath(dataDir));
  let box: HeadlessServer;
  let engine: Engine | undefined;
  let remote: RemoteBackend | undefined;
  let link: DesktopLink;
  let pageServer: HttpServer;
  let pageUrl: string;
  let browser: Browser;
  let page: Page;
  let switches = 0;
  const problems: string[] = [];
  const push = (e: ApiEvent) => pushEvent(page, e);

  beforeAll(async () => {
    if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error(`${join(UI_DIR, 'index.html')} is missing: run npm run build first`);
    box = await startHeadless({ dataDir: mkdtempSync(join(tmpdir(), 'standby-ui-connect-box-')), port: 0, host: '127.0.0.1', token: 'ui-connect-box-token-0123456789abcdef', tls: 'self-signed', lanAccess: true, clock: new SystemClock(), log: () => {} });
    engine = new Engine({ databasePath: join(dataDir, 'standby.db'), clock: new SystemClock(), channels: builtinChannels({ show: async () => {} }), keepBackups: 0 });
    await engine.start();
    // This computer was set up before it pairs (the guided first run is done); the box is new.
    await engine.invoke('setup.update', { status: 'done', step: 'done' });
    const policy = (await engine.invoke('escalationPolicies.list', {}))[0]!;
    await engine.invoke('services.create', { name: 'Shop (from this laptop)', escalationPolicyId: policy.id });
    engine.on(push);
    // What the shell does on a switch: the local engine stops, the box's backend starts, the window reloads.
    link = new DesktopLink({
      dataDir,
      secrets,
      now: () => Date.now(),
      status: () => remote?.status() ?? { mode: 'local', canConnect: true },
      localConfig: async () => (await engine!.invoke('config.export', { format: 'yaml' })).text,
      switchMode: () => {
        switches++;
        void (async () => {
          const l = readLink(dataDir);
          if (!l) {
            // Back on its own (the test ends here; the shell would start the local engine again).
            await remote?.stop();
            return;
          }
          const old = engine;
          remote = new RemoteBackend({ link: l, dataDir, token: await readToken(secrets, l), notify: () => true, log: () => {}, minBackoffMs: 200, maxBackoffMs: 500 });
          engine = undefined;
          await old?.stop();
          remote.on(push);
          remote.start();
          await page.reload();
        })();
      },
      log: () => {},
    });

    pageServer = createHttpServer((req, res) => {
      void appResponse({ url: `${APP_ORIGIN}${req.url ?? '/'}`, method: req.method ?? 'GET' }, { root: UI_DIR, csp: CSP }).then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}/index.html`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(WAIT_MS);
    // The shell's routing (index.ts): remote.* to the app's link, the rest to the engine or the box.
    const caller = { call: (m: string, i: unknown) => (isRemoteMethod(m) ? link.call(m, i) : (engine ?? remote)!.call(m, i)) };
    // The preload's bridge: invoke goes through the IPC guard as the main window's top frame on our page.
    page = await openBridgedPage(context, { caller, loc, problems });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    await remote?.stop();
    await engine?.stop();
    await box?.close();
  });

  it(
    'refuses a wrong code at its field, pairs with the right one and copies the configuration, shows a cut, and goes back on its own after asking',
    async () => {
      await page.goto(`${pageUrl}#/settings`);
      const panel = page.getByTestId('connect-panel');
      await panel.getByRole('heading', { name: 'Connect to a Standby server' }).waitFor();
      await panel.getByLabel('Box address').fill(box.url);
      await panel.getByLabel('Pairing code').fill('AAAA-AAAA');
      await panel.getByLabel('This computer\'s name on the box').fill('Ada’s laptop');
      await panel.getByRole('button', { name: 'Connect' }).click();
      await panel.locator('#connect-code-error').getByText('This pairing code is not right').waitFor();
      expect(switches).toBe(0);

      const { code } = await box.engine.invoke('pairing.start', {});
      await panel.getByLabel('Pairing code').fill(code);
      expect(await panel.getByRole('checkbox').isChecked()).toBe(true);
      await panel.getByRole('button', { name: 'Connect' }).click();
      // The window reloads onto the box: Settings now says whose tray this is.
      await page.getByRole('heading', { name: 'This computer is the tray of a Standby server' }).waitFor();
      expect(switches).toBe(1);
      await page.getByTestId('connect-panel').getByText(`Connected to ${box.url}`).waitFor();
      expect((await box.engine.invoke('services.list', {})).map((s) => s.name)).toContain('Shop (from this laptop)');
      // Moved in with its configuration, the box needs no guided first run.
      expect((await box.engine.invoke('setup.get', {})).status).toBe('done');
      const device = (await box.engine.invoke('devices.list', {})).find((d) => d.name === 'Ada’s laptop')!;
      await waitFor(async () => (await box.engine.invoke('devices.list', {})).find((d) => d.id === device.id)?.connected, 'the box to list this computer as connected');
      // The box's own Paired devices, through this window (its calls reach the box now).
      await page.getByRole('region', { name: 'Paired devices' }).getByText('connected now').waitFor();
      await page.screenshot({ path: join(RESULTS_DIR, 'desktop-connected.png') });

      // The box goes away: a banner on every page.
      await box.close();
      const banner = page.getByTestId('remote-banner');
      await banner.waitFor({ timeout: WAIT_MS });
      expect(await banner.textContent()).toContain(`Not connected to ${box.url} since`);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Incidents' }).click();
      await banner.waitFor();

      // Back on its own, after a confirmation.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
      await page.getByTestId('connect-panel').getByRole('button', { name: 'Use this computer on its own' }).click();
      const dialog = page.getByRole('dialog', { name: `Stop being the tray of ${box.url}?` });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Use this computer on its own' }).click();
      await waitFor(() => switches === 2, 'the switch back');
      expect(readLink(dataDir)).toBeUndefined();
      expect(problems.filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
    },
    UI_TEST_MS,
  );
});
