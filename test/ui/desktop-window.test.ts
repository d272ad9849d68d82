/**
 * The desktop window as closely as this machine allows without Electron: the built renderer served
 * by the app:// handler itself (appResponse, with the window's CSP header, behind a loopback HTTP
 * server because Chromium alone has no app: scheme), a `window.standby` bridge whose calls go through
 * the real IPC guard (handleInvoke) to a real engine, and that engine's inbound listener pushed off
 * its port by another program. In real Chromium: the page runs with no CSP violation, says the port
 * was taken, shows the port it really uses (never an assumed 8730), and moves when Settings picks a
 * free one.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../electron/shared/api.ts';
import { FakeClock } from '../../electron/engine/clock.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { desktopInboundPort } from '../../electron/engine/http/inbound-address.ts';
import { InboundListener } from '../../electron/engine/http/inbound-listener.ts';
import { builtinChannels } from '../../electron/engine/notify/registry.ts';
import { APP_ORIGIN, appResponse } from '../../electron/main/app-protocol.ts';
import { contentSecurityPolicy, rendererLocation } from '../../electron/main/renderer-policy.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, RESULTS_DIR, UI_DIR, UI_TEST_MS, uiSuiteName, WAIT_MS } from '../helpers/browser.ts';
import { openBridgedPage, pushEvent } from '../helpers/desktop-bridge.ts';
import { waitFor } from '../helpers/headless.ts';

const loc = rendererLocation({ packaged: true, devServerUrl: undefined });
const CSP = contentSecurityPolicy(loc);

async function listenOn(server: Server | HttpServer, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as { port: number }).port;
}

describe.skipIf(!hasChromium)(uiSuiteName('the desktop window (app:// handler, IPC guard) in Chromium'), () => {
  let engine: Engine;
  let listener: InboundListener;
  let blocker: Server;
  let takenPort: number;
  let pageServer: HttpServer;
  let pageUrl: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const ipcLog: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(UI_DIR, 'index.html'))) throw new Error(`${join(UI_DIR, 'index.html')} is missing: run npm run build first`);
    // Another program holds the port the desktop app asks for.
    blocker = createServer((s) => s.destroy());
    takenPort = await listenOn(blocker);

    engine = new Engine({ databasePath: ':memory:', clock: new FakeClock('2026-03-02T12:00:00Z'), channels: builtinChannels({ show: async () => {} }), keepBackups: 0 });
    await engine.start();
    await engine.invoke('setup.update', { status: 'done', step: 'done' });
    const policy = (await engine.invoke('escalationPolicies.list', {}))[0]!;
    const service = await engine.invoke('services.create', { name: 'Shop', escalationPolicyId: policy.id });
    await engine.invoke('integrations.create', { serviceId: service.id, type: 'events_v2', name: 'Events', rateLimitPerMinute: 0 });
    // The port was picked in Settings at an earlier run; the shell starts the listener as main/index.ts does.
    await engine.invoke('system.setInboundPort', { port: takenPort });
    const choice = desktopInboundPort(undefined, engine.inboundAddress.storedPort());
    listener = new InboundListener(engine, { host: '127.0.0.1', http: { token: 'd'.repeat(32) }, wantedFrom: choice.from, live: true, log: () => {} });
    await listener.start(choice.port);

    // The app:// handler, reached over loopback HTTP: every answer is exactly what protocol.handle would return.
    pageServer = createHttpServer((req, res) => {
      void appResponse({ url: `${APP_ORIGIN}${req.url ?? '/'}`, method: req.method ?? 'GET' }, { root: UI_DIR, csp: CSP }).then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    pageUrl = `http://127.0.0.1:${await listenOn(pageServer)}/index.html`;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(WAIT_MS);
    // The preload's bridge: invoke goes through the IPC guard as the main window's top frame on our page.
    page = await openBridgedPage(context, { caller: engine, loc, log: (l) => ipcLog.push(l), problems });
    // The shell's event push (ipc.ts): every engine event to the window.
    engine.on((e: ApiEvent) => pushEvent(page, e));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    await listener?.close();
    await engine?.stop();
    await new Promise((resolve) => blocker?.close(resolve));
  });

  it(
    'runs under the window CSP, shows the port really used, and moves to the port Settings picks',
    async () => {
      const res = await page.goto(pageUrl);
      expect(res?.headers()['content-security-policy']).toBe(CSP);
      const fallback = (await engine.invoke('system.info', {})).inbound;
      expect(fallback.port).not.toBe(takenPort);

      // The banner says the port was taken and where alerts arrive instead.
      const banner = page.locator('[data-testid="health-banner"][data-code="inbound"]');
      await banner.waitFor();
      expect(await banner.textContent()).toContain(`Port ${takenPort} is taken by another program, so Standby takes alerts on ${fallback.url} instead.`);

      // The service's integrations show the address really used.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Services' }).click();
      await page.getByRole('button', { name: /Shop/ }).first().click();
      const urls = page.getByTestId('inbound-urls');
      await urls.waitFor();
      expect(await urls.textContent()).toContain(`${fallback.url}/v2/enqueue`);
      expect(await urls.textContent()).not.toContain(':8730');

      // Settings: the address, the problem, and the port field.
      await banner.getByRole('button', { name: 'Pick a port' }).click();
      const panel = page.getByRole('region', { name: 'Where alerts arrive' });
      await panel.getByTestId('inbound-problem').waitFor();
      expect(await panel.getByTestId('inbound-address').textContent()).toContain(fallback.url!);
      const field = panel.getByLabel('Port of the desktop app');
      expect(await field.inputValue()).toBe(String(takenPort));
      await page.screenshot({ path: join(RESULTS_DIR, 'desktop-window-port-taken.png') });

      // Still taken: refused, nothing moves.
      await panel.getByRole('button', { name: 'Save port' }).click();
      await panel.getByRole('alert').filter({ hasText: `port: ${takenPort} is taken by another program` }).waitFor();
      expect((await engine.invoke('system.info', {})).inbound.url).toBe(fallback.url);

      // A port below 1024 is refused by the engine's rule, next to the field.
      await field.fill('80');
      await panel.getByRole('button', { name: 'Save port' }).click();
      await panel.getByText('must be a whole number from 1024 to 65535').waitFor();

      // The other program quits; the same port is picked again and the window follows the move.
      await new Promise((resolve) => blocker.close(resolve));
      await field.fill(String(takenPort));
      await panel.getByRole('button', { name: 'Save port' }).click();
      await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await waitFor(async () => ((await panel.getByTestId('inbound-address').textContent()) ?? '').includes(`http://127.0.0.1:${takenPort}`), 'the new address in Settings');
      await waitFor(async () => (await banner.count()) === 0, 'the inbound banner to go');
      expect(await panel.getByTestId('inbound-problem').count()).toBe(0);
      expect(engine.inboundAddress.storedPort()).toBe(takenPort);

      await page.screenshot({ path: join(RESULTS_DIR, 'desktop-window-inbound.png'), fullPage: true });
      // A refused save logs nothing as an error in the console (errors are data over IPC); no CSP violation, no page error.
      expect(problems).toEqual([]);
      expect(ipcLog).toEqual([]);
    },
    UI_TEST_MS,
  );

  it(
    'Settings → Desktop app switches start at login and saves the alarm (shown only in the window)',
    async () => {
      await page.goto(`${pageUrl}#/settings`);
      const panel = page.getByRole('region', { name: 'Desktop app' });
      const startAtLogin = panel.getByTestId('start-at-login');
      await startAtLogin.waitFor();
      expect(await startAtLogin.isChecked()).toBe(true);
      await startAtLogin.uncheck();
      await waitFor(async () => !(await engine.invoke('desktop.settings', {})).startAtLogin, 'start at login off in the engine');

      await panel.getByLabel('Volume').fill('40');
      await panel.getByLabel('Quiet hours (the window opens without sound)').check();
      await panel.getByLabel('From').fill('22:30');
      await panel.getByLabel('to', { exact: true }).fill('06:45');
      await panel.getByRole('button', { name: 'Save alarm' }).click();
      await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect(await engine.invoke('desktop.settings', {})).toEqual({ startAtLogin: false, alarm: { sound: true, volume: 40, quietHours: { from: '22:30', to: '06:45' } } });
      expect(problems).toEqual([]);
      expect(ipcLog).toEqual([]);
    },
    UI_TEST_MS,
  );
});
