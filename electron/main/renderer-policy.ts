/**
 * Where the window's page comes from and what it may do, as plain functions over strings (no
 * `electron` import), so the rules are unit-tested in Node: which URLs count as our renderer, the
 * Content-Security-Policy, and which links may leave for the system browser.
 */
import { UI_CSP_DIRECTIVES, formatCsp, withDirectives } from '../shared/csp.ts';
import { APP_INDEX_URL } from './app-protocol.ts';

/** RendererLocation is our page: the built renderer on the `app://` scheme, or the electron-vite dev server in development. */
export type RendererLocation = { kind: 'app'; indexUrl: string } | { kind: 'dev'; url: string };

/** RendererLocationInput is what rendererLocation decides from. */
export interface RendererLocationInput {
  /** packaged is app.isPackaged: a packaged app never trusts the dev server variable. */
  packaged: boolean;
  /** devServerUrl is process.env.ELECTRON_RENDERER_URL, set by `electron-vite dev`. */
  devServerUrl: string | undefined;
}

/** rendererLocation picks the dev server (unpackaged, with an http(s) URL on this machine) or the built renderer at app://standby/index.html. */
export function rendererLocation(i: RendererLocationInput): RendererLocation {
  if (!i.packaged && i.devServerUrl) {
    const url = parseUrl(i.devServerUrl);
    if (url && (url.protocol === 'http:' || url.protocol === 'https:') && isLocalHost(url.hostname)) return { kind: 'dev', url: url.href };
  }
  return { kind: 'app', indexUrl: APP_INDEX_URL };
}

/** isTrustedRendererUrl tells whether a frame's URL is our page (any #route): the exact index.html, or the dev server's origin. */
export function isTrustedRendererUrl(frameUrl: string, loc: RendererLocation): boolean {
  const url = parseUrl(frameUrl);
  if (!url) return false;
  if (loc.kind === 'dev') return url.origin === new URL(loc.url).origin;
  const index = new URL(loc.indexUrl);
  return url.protocol === index.protocol && url.host === index.host && url.pathname === index.pathname && url.search === '' && !url.username && !url.password;
}

/** rendererUrlFor is the URL that opens our page on a route such as `/incidents/12` (the hash router's part after `#`). */
export function rendererUrlFor(loc: RendererLocation, route = '/'): string {
  const url = new URL(loc.kind === 'dev' ? loc.url : loc.indexUrl);
  url.hash = route;
  return url.href;
}

/** SETTINGS_ROUTE is the renderer's Settings page (where the inbound port is picked). */
export const SETTINGS_ROUTE = '/settings';

/** CONNECT_ROUTE is the renderer's screen that pairs this computer with a box (or returns it to local mode). */
export const CONNECT_ROUTE = '/connect';

/** incidentRoute is the renderer's route of one incident. */
export function incidentRoute(incidentId: number): string {
  return `/incidents/${Math.trunc(incidentId)}`;
}

/**
 * contentSecurityPolicy is the window's CSP: the UI's policy (electron/shared/csp.ts, also the HTTP
 * header and index.html's `<meta>`) with one directive narrowed. The window reaches the engine over
 * IPC, so it connects nowhere (`connect-src 'none'`); the dev server adds its HMR socket.
 */
export function contentSecurityPolicy(loc: RendererLocation): string {
  if (loc.kind === 'app') return formatCsp(withDirectives(UI_CSP_DIRECTIVES, { 'connect-src': ["'none'"] }));
  const origin = new URL(loc.url);
  const socket = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}`;
  return formatCsp(withDirectives(UI_CSP_DIRECTIVES, { 'connect-src': ["'self'", socket] }));
}

/**
 * allowsPermission answers the session's permission checks and requests: everything is refused but
 * writing plain text to the clipboard (the "copy" buttons) from our own page.
 */
export function allowsPermission(permission: string, requestingUrl: string | undefined, loc: RendererLocation): boolean {
  return permission === 'clipboard-sanitized-write' && requestingUrl !== undefined && isTrustedRendererUrl(requestingUrl, loc);
}

/** externalLink is the URL to hand to the system browser when the page asks to open one (http and https only), else undefined. */
export function externalLink(target: string): string | undefined {
  const url = parseUrl(target);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  return url.href;
}

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function isLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
