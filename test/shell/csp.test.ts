/**
 * One Content-Security-Policy for the UI (electron/shared/csp.ts), checked directive by directive
 * where it is delivered: the HTTP server's header, the `<meta>` the build writes into index.html
 * (equal, but for what a `<meta>` cannot carry), and the Electron window's header (equal, but that it
 * connects nowhere).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../electron/engine/clock.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { createHttpApp } from '../../electron/engine/http/server.ts';
import { builtinChannels } from '../../electron/engine/notify/registry.ts';
import { APP_INDEX_URL } from '../../electron/main/app-protocol.ts';
import { contentSecurityPolicy } from '../../electron/main/renderer-policy.ts';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, META_IGNORED_DIRECTIVES, UI_CSP_DIRECTIVES, formatCsp, parseCsp } from '../../electron/shared/csp.ts';
import { PROJECT_DIR } from '../../scripts/start.ts';

/** metaPolicyOf reads the content of the one CSP `<meta>` of an HTML file. */
function metaPolicyOf(html: string): string {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/gi)];
  expect(metas, 'exactly one CSP <meta>').toHaveLength(1);
  return metas[0]![1]!;
}

const header = parseCsp(CONTENT_SECURITY_POLICY);
const { 'frame-ancestors': _frameAncestors, ...headerWithoutFrameAncestors } = header;

describe('the UI has one Content-Security-Policy', () => {
  it('reads and writes policies directive by directive', () => {
    expect(parseCsp(formatCsp(UI_CSP_DIRECTIVES))).toEqual(UI_CSP_DIRECTIVES);
    expect(parseCsp(" Script-Src 'self' ;; img-src data:  'self'; script-src *")).toEqual({ 'script-src': ["'self'"], 'img-src': ['data:', "'self'"] });
  });

  it('is strict: own scripts only, no eval, nothing framed, posted, based elsewhere or embedded', () => {
    expect(header).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'frame-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'none'"],
      'connect-src': ["'self'"],
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
  });

  it('the <meta> policy is the header policy without what a <meta> cannot carry', () => {
    expect(META_IGNORED_DIRECTIVES).toEqual(['frame-ancestors', 'report-uri', 'sandbox']);
    expect(parseCsp(META_CONTENT_SECURITY_POLICY)).toEqual(headerWithoutFrameAncestors);
  });

  it("renderer/index.html holds the build's placeholder, not a policy of its own", () => {
    expect(metaPolicyOf(readFileSync(join(PROJECT_DIR, 'renderer/index.html'), 'utf8'))).toBe('%STANDBY_CSP%');
    expect(readFileSync(join(PROJECT_DIR, 'electron.vite.config.ts'), 'utf8')).toMatch(/plugins: \[svelte\(\), cspMeta\(\)\]/);
  });

  const built = join(PROJECT_DIR, 'out/renderer/index.html');
  const skipped = existsSync(built) ? '' : ' (skipped: out/renderer/index.html is missing; run npm run build)';
  it.skipIf(!existsSync(built))(`the built index.html carries the header policy in its <meta>, directive by directive${skipped}`, () => {
    expect(parseCsp(metaPolicyOf(readFileSync(built, 'utf8')))).toEqual(headerWithoutFrameAncestors);
  });

  it("the Electron window's policy is the header policy, but it connects nowhere (IPC, not fetch)", () => {
    const window = parseCsp(contentSecurityPolicy({ kind: 'app', indexUrl: APP_INDEX_URL }));
    expect(window).toEqual({ ...header, 'connect-src': ["'none'"] });
  });

  describe('the HTTP server', () => {
    let engine: Engine;
    let uiDir: string;
    beforeAll(async () => {
      uiDir = mkdtempSync(join(tmpdir(), 'standby-csp-'));
      writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>Standby</title>');
      engine = new Engine({ databasePath: ':memory:', clock: new FakeClock(), channels: builtinChannels({ show: async () => {} }) });
      await engine.start();
    });
    afterAll(async () => {
      await engine.stop();
      rmSync(uiDir, { recursive: true, force: true });
    });

    it('sends exactly this policy with the UI', async () => {
      const app = createHttpApp(engine, { token: 't'.repeat(32), uiDir });
      for (const path of ['/', '/index.html']) {
        const r = await app.request(`http://127.0.0.1${path}`);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      }
    });
  });
});
