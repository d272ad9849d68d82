/**
 * The app:// scheme the window loads from: its privileges, the path rules (nothing outside the
 * renderer folder, however the path is spelled), the answers (type, CSP, 404, 405), and, statically,
 * that the shell registers and serves exactly these (Electron cannot run here).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, appResponse, contentType, resolveAppPath } from '../../electron/main/app-protocol.ts';
import { contentSecurityPolicy, rendererLocation } from '../../electron/main/renderer-policy.ts';
import { PROJECT_DIR } from '../../scripts/start.ts';

let dir: string;
let root: string;
const CSP = contentSecurityPolicy({ kind: 'app', indexUrl: APP_INDEX_URL });
const get = (path: string, method = 'GET') => appResponse({ url: `${APP_ORIGIN}${path}`, method }, { root, csp: CSP });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'standby-app-protocol-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Standby</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'space name.svg'), '<svg/>');
  writeFileSync(join(root, 'assets', 'blob.bin'), 'x');
  // What a traversal would reach: a secret beside the renderer folder, and a sibling whose name starts like it.
  writeFileSync(join(dir, 'secret.txt'), 'SECRET');
  mkdirSync(join(dir, 'renderer-evil'));
  writeFileSync(join(dir, 'renderer-evil', 'x.js'), 'SECRET');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the app:// scheme', () => {
  it('is registered as standard and secure, with CORS for module scripts, and never bypasses the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual([
      {
        scheme: 'app',
        privileges: {
          standard: true,
          secure: true,
          corsEnabled: true,
          codeCache: true,
          supportFetchAPI: false,
          bypassCSP: false,
          allowServiceWorkers: false,
          stream: false,
          allowExtensions: false,
        },
      },
    ]);
    expect(APP_INDEX_URL).toBe('app://standby/index.html');
  });

  it('is what the shell registers before ready and serves with the window CSP (static check: Electron cannot run here)', () => {
    const index = readFileSync(join(PROJECT_DIR, 'electron/main/index.ts'), 'utf8');
    const window = readFileSync(join(PROJECT_DIR, 'electron/main/window.ts'), 'utf8');
    // Registered at the top level, before anything waits for ready.
    const register = index.indexOf('protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES)');
    expect(register).toBeGreaterThan(0);
    expect(register).toBeLessThan(index.indexOf('app.whenReady()'));
    expect(index.match(/registerSchemesAsPrivileged\(/g)).toHaveLength(1);
    expect(window).toContain('s.protocol.handle(APP_SCHEME, (request) => appResponse(request, { root: RENDERER_DIR, csp }))');
    expect(window).toContain("RENDERER_DIR = join(import.meta.dirname, '../renderer')");
    // The page is never a file:// URL any more, packaged or not (without a dev server).
    expect(index).not.toMatch(/pathToFileURL|file:\/\//);
    expect(rendererLocation({ packaged: false, devServerUrl: undefined })).toEqual({ kind: 'app', indexUrl: APP_INDEX_URL });
  });
});

describe('resolveAppPath', () => {
  it('maps our URLs to files under the root, / to index.html', () => {
    expect(resolveAppPath(root, 'app://standby/')).toEqual({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppPath(root, 'app://standby/index.html')).toEqual({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppPath(root, 'app://standby/assets/index-abc.js?v=1#x')).toEqual({ ok: true, file: join(root, 'assets', 'index-abc.js') });
    expect(resolveAppPath(root, 'app://standby/assets/space%20name.svg')).toEqual({ ok: true, file: join(root, 'assets', 'space name.svg') });
  });

  it.each([
    ['a dot-dot path', 'app://standby/../secret.txt'],
    ['an encoded dot-dot', 'app://standby/%2e%2e/secret.txt'],
    ['a double-encoded dot-dot', 'app://standby/%252e%252e/secret.txt'],
    ['an encoded slash and dot-dot', 'app://standby/assets%2F..%2F..%2Fsecret.txt'],
    ['a backslash', 'app://standby/..%5Csecret.txt'],
    ['a sibling folder', 'app://standby/..%2Frenderer-evil%2Fx.js'],
    ['an encoded absolute path', 'app://standby/%2Fetc%2Fpasswd'],
    ['a drive letter', 'app://standby/C:%5CWindows%5Cwin.ini'],
    ['a NUL byte', 'app://standby/index.html%00.js'],
    ['an empty segment', 'app://standby//etc/passwd'],
    ['a dot segment', 'app://standby/./index.html/.'],
  ])('keeps %s inside the root or refuses it', (_what, url) => {
    const r = resolveAppPath(root, url);
    if (r.ok) expect(r.file.startsWith(join(root, '/'))).toBe(true);
    else expect(r.status).toBe(404);
  });

  it('answers only our origin', () => {
    expect(resolveAppPath(root, 'app://evil/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://standby:99/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'file:///index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://u:p@standby/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://standby/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'nonsense')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('appResponse', () => {
  it('serves index.html and the bundle with their types, the CSP and nosniff', async () => {
    const page = await get('/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html><title>Standby</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');

    const js = await get('/assets/index-abc.js');
    expect([js.status, js.headers.get('content-type'), await js.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
    expect((await get('/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/assets/space%20name.svg')).headers.get('content-type')).toBe('image/svg+xml');
    expect((await get('/assets/blob.bin')).headers.get('content-type')).toBe('application/octet-stream');
    expect(contentType('X.WOFF2')).toBe('font/woff2');
  });

  it('answers 404 without a path for a missing file, a folder, or a way out, and never reads outside the root', async () => {
    const read: string[] = [];
    const spy = async (f: string) => (read.push(f), new Uint8Array(readFileSync(f)));
    for (const path of ['/missing.js', '/assets', '/assets/', '/../secret.txt', '/%2e%2e/secret.txt', '/..%2Fsecret.txt', '/..%5Csecret.txt', '/..%2Frenderer-evil%2Fx.js']) {
      const r = await appResponse({ url: `${APP_ORIGIN}${path}`, method: 'GET' }, { root, csp: CSP, readFile: spy });
      const body = await r.text();
      expect([path, r.status, body]).toEqual([path, 404, 'Not found']);
      expect(r.headers.get('content-security-policy')).toBe(CSP);
    }
    expect(read.every((f) => f.startsWith(join(root, '/')))).toBe(true);
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    const head = await get('/index.html', 'HEAD');
    expect([head.status, await head.text(), head.headers.get('content-type')]).toEqual([200, '', 'text/html; charset=utf-8']);
    const post = await get('/index.html', 'POST');
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
