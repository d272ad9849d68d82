/**
 * The HTTP transport's API token. The headless server prints a URL ending in `#token=...`; the
 * page reads the token from the fragment once, keeps it in sessionStorage (this tab only) and
 * removes it from the visible URL so it does not end up in history, bookmarks or screenshots.
 */

/** TOKEN_KEY is the sessionStorage key of the API token. */
export const TOKEN_KEY = 'standby.token';

/** adoptTokenFromUrl moves a `#token=` fragment into sessionStorage and returns the token in effect (or null). */
export function adoptTokenFromUrl(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = params.get('token');
  if (fromUrl !== null) {
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
    if (fromUrl.trim() !== '') sessionStorage.setItem(TOKEN_KEY, fromUrl.trim());
  }
  return sessionToken();
}

/** sessionToken is the token this tab holds, or null. */
export function sessionToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** forgetToken drops a token the server rejected. */
export function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage unavailable: nothing to forget.
  }
}

/** PAIRED_COOKIE is set (beside the box's HttpOnly session cookie) on a browser paired with a code; it holds no secret. */
export const PAIRED_COOKIE = 'standby_paired';

/** pairedBrowser tells whether this browser was paired with the box (its session is then its cookie, not a token). */
export function pairedBrowser(): boolean {
  try {
    return document.cookie.split(';').some((c) => c.trim() === `${PAIRED_COOKIE}=1`);
  } catch {
    return false;
  }
}

/** forgetPairing drops the paired mark of a browser the box no longer accepts (it was unpaired there). */
export function forgetPairing(): void {
  try {
    document.cookie = `${PAIRED_COOKIE}=; Max-Age=0; path=/; SameSite=Strict`;
  } catch {
    // No cookies: nothing to forget.
  }
}
