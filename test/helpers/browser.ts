/**
 * The UI tests' shared setup: Debian's Chromium driven by Playwright, a headless Standby serving the
 * built renderer, and a page whose console errors, page errors and CSP violations are collected so a
 * test can assert there were none.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHeadless, type HeadlessServer } from '../../electron/engine/headless/server.ts';
import type { SecretStore } from '../../electron/engine/secrets/secret-store.ts';
import { ROOT } from './headless.ts';

/** UI_DIR is the built renderer the headless server serves (`npm test` builds it before vitest). */
export const UI_DIR = join(ROOT, 'out/renderer');
/** RESULTS_DIR receives screenshots. */
export const RESULTS_DIR = join(ROOT, 'test-results');
/** CHROMIUM is Debian's build (`apt-get install chromium`); `npx playwright install` cannot download here. */
export const CHROMIUM = '/usr/bin/chromium';
/** CHROMIUM_ARGS keep Chromium off the network it cannot reach here (ENVIRONMENT.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
/**
 * WAIT_MS bounds every wait for the page. The engine answers on loopback in milliseconds, but Chromium
 * rendering on a slow, busy machine can take seconds.
 */
export const WAIT_MS = 20_000;
/** UI_TEST_MS is the budget of one UI test: several page waits, each up to WAIT_MS on a slow machine. */
export const UI_TEST_MS = 90_000;
/** hasChromium tells whether the UI tests can run on this machine. */
export const hasChromium = existsSync(CHROMIUM);
/** EXPECTED_400 is the console message Chromium logs for every non-2xx fetch (a refused form causes one). */
const EXPECTED_400 = /^Failed to load resource: the server responded with a status of 400/;

/** uiSuiteName names a UI suite, saying why it is skipped when Chromium is missing. */
export function uiSuiteName(name: string): string {
  return hasChromium ? name : `${name} (skipped: ${CHROMIUM} does not exist; install it with apt-get install chromium)`;
}

/** UiSession is a headless Standby and a Chromium page on it. */
export interface UiSession {
  server: HeadlessServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** problems are console errors (other than expected 400s), page errors and CSP violations. */
  problems: string[];
  /** expected400 are the console lines of refused requests, which tests count. */
  expected400: string[];
  close(): Promise<void>;
}

/**
 * openUiSession starts a headless server on port 0 in a fresh data directory and opens a page in Chromium
 * (not yet navigated). A fresh data directory starts the guided first run; the session marks it done, as
 * a person who finished it, unless `firstRun` asks for it.
 */
export async function openUiSession(o: { token: string; firstRun?: boolean; prefix: string; viewport: { width: number; height: number }; clipboard?: boolean; args?: string[]; secrets?: SecretStore; secretTimeoutMs?: number; tls?: 'self-signed' }): Promise<UiSession> {
  if (!existsSync(join(UI_DIR, 'index.html'))) {
    throw new Error(`${join(UI_DIR, 'index.html')} is missing: run npm run build first (npm test builds before vitest)`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), o.prefix));
  const server = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: o.token, uiDir: UI_DIR, log: () => {}, secrets: o.secrets, secretTimeoutMs: o.secretTimeoutMs, tls: o.tls });
  if (!o.firstRun) await server.engine.invoke('setup.update', { status: 'done', step: 'done' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(o.args ?? [])] });
  // A self-signed certificate is what a person checks by its fingerprint; the test's browser takes it as the person would after checking.
  const context = await browser.newContext({ viewport: o.viewport, ignoreHTTPSErrors: o.tls !== undefined });
  if (o.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  context.setDefaultTimeout(WAIT_MS);
  // Record CSP violations explicitly (Chromium also logs them as console errors).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const expected400: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (EXPECTED_400.test(m.text())) expected400.push(m.text());
    else problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return {
    server,
    browser,
    context,
    page,
    problems,
    expected400,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
