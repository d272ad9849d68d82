/**
 * The UI's Content-Security-Policy, written once: the HTTP server sends it as a header with the web
 * UI, the build writes it into renderer/index.html's `<meta>` (electron.vite.config.ts), and the
 * Electron shell derives the window's policy from it (electron/main/renderer-policy.ts). Only the
 * page's own scripts, styles, images and fonts load; nothing is framed, no form is sent anywhere, no
 * `<base>` moves relative URLs, and no plugin runs.
 */

/** CspDirectives maps each directive of a policy to its source list. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * UI_CSP_DIRECTIVES is the web UI's policy. `connect-src 'self'`: in a browser the UI calls the API
 * and its event stream on its own origin. `style-src 'unsafe-inline'`: Svelte sets `style=` on
 * elements (chart sizes); scripts stay strictly 'self'.
 */
export const UI_CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * META_IGNORED_DIRECTIVES are the directives a browser ignores in a `<meta>` policy (CSP Level 3,
 * §3.3: frame-ancestors, report-uri, sandbox); the header carries them.
 */
export const META_IGNORED_DIRECTIVES: readonly string[] = ['frame-ancestors', 'report-uri', 'sandbox'];

/** formatCsp writes directives as a policy string, in their order: `name src src; name src`. */
export function formatCsp(d: CspDirectives): string {
  return Object.entries(d)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** parseCsp reads a policy string into directives (names lower-cased; a repeated directive keeps its first value, as browsers do). */
export function parseCsp(policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
    if (name === undefined) continue;
    const key = name.toLowerCase();
    if (!Object.hasOwn(out, key)) out[key] = sources;
  }
  return out;
}

/** withDirectives is a copy of a policy with some directives replaced (or added at the end). */
export function withDirectives(d: CspDirectives, changes: CspDirectives): CspDirectives {
  return { ...d, ...changes };
}

/** CONTENT_SECURITY_POLICY is the UI's CSP header: nothing but its own scripts, styles and API. */
export const CONTENT_SECURITY_POLICY = formatCsp(UI_CSP_DIRECTIVES);

/** META_CONTENT_SECURITY_POLICY is the same policy for renderer/index.html's `<meta>`, without what a `<meta>` policy cannot carry. */
export const META_CONTENT_SECURITY_POLICY = formatCsp(Object.fromEntries(Object.entries(UI_CSP_DIRECTIVES).filter(([name]) => !META_IGNORED_DIRECTIVES.includes(name))));
