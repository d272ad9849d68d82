/**
 * The real app under Playwright's Electron driver: the window opens, the page has `window.standby`
 * and no Node. On machines without the Electron binary (CI: it cannot be downloaded) the suite is
 * skipped, and its name says why; the shell's logic is covered by the Node tests beside this one.
 */
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, findElectronBinary } from '../../scripts/start.ts';

const electron = findElectronBinary();
const built = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].every((f) => existsSync(join(PROJECT_DIR, f)));
const skipReason = !electron.available ? `Electron is not available on this machine: ${electron.reason}` : !built ? 'the app is not built: run npm run build' : '';

describe.skipIf(skipReason !== '')(`the Electron app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let app: ElectronApplication;
  let home: string; // the app's private data directory

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'standby-electron-'));
    app = await _electron.launch({
      executablePath: electron.available ? electron.path : undefined,
      args: [PROJECT_DIR],
      env: { ...process.env, STANDBY_DATA_DIR: home },
      timeout: 20_000,
    });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('opens the dashboard with window.standby and without Node', async () => {
    const page = await app.firstWindow();
    const globals = await page.evaluate(() => ({
      bridge: Object.keys((window as unknown as { standby: object }).standby).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ bridge: ['invoke', 'onEvent'], require: 'undefined', process: 'undefined' });
  });

  it('is served from app://standby as a secure context, not from file://', async () => {
    const page = await app.firstWindow();
    expect(page.url()).toMatch(/^app:\/\/standby\/index\.html#/);
    expect(await page.evaluate(() => ({ origin: location.origin, secure: window.isSecureContext }))).toEqual({ origin: 'app://standby', secure: true });
    // The handler refuses a way out of the renderer folder.
    expect(await page.evaluate(() => fetch('app://standby/%2e%2e/main/index.js').then((r) => r.status, () => 'blocked'))).toBe('blocked'); // connect-src 'none'
  });

  it('answers API calls over IPC, errors as data', async () => {
    const page = await app.firstWindow();
    const bridge = (method: string, input: unknown) =>
      page.evaluate(([m, i]) => (window as unknown as { standby: { invoke(m: string, i: unknown): Promise<unknown> } }).standby.invoke(m as string, i), [method, input] as const);
    expect(await bridge('incidents.list', {})).toMatchObject({ ok: true, value: { total: 0 } });
    expect(await bridge('__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await bridge('incidents.snooze', { id: 1, minutes: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('stays on its page: navigation away and window.open are refused', async () => {
    const page = await app.firstWindow();
    const before = page.url();
    // file: URLs, so a refused link is only logged; an http(s) one would open the system browser.
    const opened = await page.evaluate(() => window.open('file:///etc/hostname') === null);
    await page.evaluate(() => {
      location.href = 'file:///etc/hostname';
    });
    await page.waitForTimeout(500);
    expect(opened).toBe(true);
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });
});
