/**
 * The `app://` scheme the window's page is served from, instead of `file://`: its privileges (passed
 * to `protocol.registerSchemesAsPrivileged` before the app is ready) and its handler, which answers a
 * request with a file of the built renderer (out/renderer) and the window's Content-Security-Policy.
 * Plain functions over Web `Request`/`Response` with no `electron` value import, so every rule is
 * tested in Node (test/shell/app-protocol.test.ts); `protocol.handle` only calls `appResponse`.
 *
 * A standard scheme gives the page a real origin (`app://standby`), so `'self'` in the CSP means our
 * files and nothing else on the disk; a `file://` page shares its origin with every file, and a CSP
 * header injected on `file://` responses has not worked in every Electron version (electron/electron#23485).
 * See Electron's security checklist, item 18 (https://www.electronjs.org/docs/latest/tutorial/security).
 */
import { promises as fsp } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';

/** APP_SCHEME is the scheme of the window's page. */
export const APP_SCHEME = 'app';
/** APP_HOST is the one host `app://` answers for. */
export const APP_HOST = 'standby';
/** APP_ORIGIN is the page's origin. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** APP_INDEX_URL is the page itself; routes follow as `#/incidents/12`. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * APP_SCHEME_PRIVILEGES registers `app:` before the app is ready: `standard` (a real origin, relative
 * URLs, storage), `secure` (a secure context: the copy buttons' Clipboard API needs one), `corsEnabled`
 * (Vite's `<script type="module" crossorigin>` and stylesheet are fetched in CORS mode) and `codeCache`
 * (V8 caches the bundle). Nothing else: it never bypasses the CSP, runs no service worker, and the page
 * fetches nothing (`connect-src 'none'`; it talks to the engine over IPC), so no `supportFetchAPI`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme[] = [
  {
    scheme: APP_SCHEME,
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
];

/** MIME_TYPES are the Content-Types of the files a Vite build writes; anything else is application/octet-stream. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** AppPath is where an `app://` URL leads: a file under the root, or the status to answer and why. */
export type AppPath = { ok: true; file: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * resolveAppPath maps an `app://standby/<path>` URL to a file under `root` (`/` is index.html). It
 * refuses another scheme or host, a path that does not decode, and any path that could leave the
 * root: `..` or `.` segments (also percent-encoded), backslashes, NUL, and drive letters.
 */
export function resolveAppPath(root: string, requestUrl: string): AppPath {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return { ok: false, status: 404, reason: 'not our origin' };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'the path does not decode' };
  }
  if (path === '/' || path === '') path = '/index.html';
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0') || /^[a-z]:/i.test(s))) {
    return { ok: false, status: 404, reason: 'the path leaves the renderer folder' };
  }
  const base = resolve(root);
  const file = resolve(join(base, ...segments));
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return { ok: false, status: 404, reason: 'the path leaves the renderer folder' };
  return { ok: true, file };
}

/** AppResponseOptions are what appResponse needs besides the request. */
export interface AppResponseOptions {
  /** root is the built renderer folder (out/renderer; inside app.asar when packaged). */
  root: string;
  /** csp is the window's Content-Security-Policy, sent with every answer. */
  csp: string;
  /** readFile reads a file (default: node:fs, which Electron's main process reads asar archives with). */
  readFile?: (file: string) => Promise<Uint8Array>;
}

/** contentType is a file's Content-Type by its extension. */
export function contentType(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * appResponse answers one `app://` request: GET or HEAD of a file under the root, with its
 * Content-Type, the CSP, `nosniff` and no caching; 404 for anything missing or outside the root, 405
 * for other methods. The body of an error names no path.
 */
export async function appResponse(request: Pick<Request, 'url' | 'method'>, o: AppResponseOptions): Promise<Response> {
  const headers = { 'Content-Security-Policy': o.csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
  const fail = (status: number, text: string, extra: Record<string, string> = {}) =>
    new Response(text, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });
  if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405, 'Method not allowed', { Allow: 'GET, HEAD' });
  const where = resolveAppPath(o.root, request.url);
  if (!where.ok) return fail(where.status, where.status === 400 ? 'Bad request' : 'Not found');
  let body: Uint8Array;
  try {
    body = await (o.readFile ?? ((f: string) => fsp.readFile(f)))(where.file);
  } catch {
    // Missing, a folder, or unreadable: all the same to the page.
    return fail(404, 'Not found');
  }
  return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers: { ...headers, 'Content-Type': contentType(where.file) } });
}
