/**
 * The desktop window's preload bridge (`window.standby`) in a plain Chromium page, for UI tests of the
 * Electron window without Electron: `invoke` goes through the real IPC guard (handleInvoke) as the main
 * window's top frame on our page, and `pushEvent` is the shell's event push (ipc.ts). Problems (console
 * errors, page errors, CSP violations) are collected for the test to assert there are none.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { ApiEvent } from '../../electron/shared/api.ts';
import { APP_INDEX_URL } from '../../electron/main/app-protocol.ts';
import { handleInvoke, type EngineCaller } from '../../electron/main/ipc-guard.ts';
import type { RendererLocation } from '../../electron/main/renderer-policy.ts';

/** openBridgedPage installs the bridge in the context and opens a page; `problems` fills as they happen. */
export async function openBridgedPage(context: BrowserContext, o: { caller: EngineCaller; loc: RendererLocation; log?: (line: string) => void; problems: string[] }): Promise<Page> {
  await context.exposeFunction('__standbyInvoke', (method: unknown, input: unknown) =>
    handleInvoke(o.caller, { frameUrl: `${APP_INDEX_URL}#/`, isMainFrame: true, isMainWindow: true }, method, input, o.loc, o.log ?? (() => {})),
  );
  await context.addInitScript(() => {
    const listeners = new Set<(e: unknown) => void>();
    const w = window as unknown as Record<string, unknown>;
    w.__standbyEmit = (e: unknown) => listeners.forEach((l) => l(e));
    w.standby = {
      invoke: (method: string, input: unknown) => (w.__standbyInvoke as (m: string, i: unknown) => Promise<unknown>)(method, input),
      onEvent: (l: (e: unknown) => void) => (listeners.add(l), () => listeners.delete(l)),
    };
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') o.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => o.problems.push(`page error: ${e.message}`));
  return page;
}

/** pushEvent sends one engine event to the page, as the shell does over IPC (a page mid-reload misses it, as a window would). */
export function pushEvent(page: Page | undefined, e: ApiEvent): void {
  void page?.evaluate((ev) => (window as unknown as { __standbyEmit(e: unknown): void }).__standbyEmit(ev), e).catch(() => {});
}
