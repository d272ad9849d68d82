/**
 * Destinations: the names a secret is bound to (secrets/bindings.ts), made the same way where a channel
 * reads a secret and where a secret is entered. A URL's destination is its origin and path with every
 * credential taken out (so a contact method's URL and the URL kept in the keychain name the same one);
 * an API's is its origin; SMTP's is the server, port and user; Twilio's is the API and the account.
 *
 * credentialFreeUrl is also what Standby shows, stores and exports for a URL that carries a credential:
 * user:password@ dropped, a query replaced by "?…", and token segments (the last segment of a Slack or
 * Discord webhook URL, or any long mixed letters-and-digits segment) replaced by "…".
 */

/** MARK replaces a credential in a URL that is shown or stored; as a path segment or a whole query it is not a credential itself. */
export const MARK = '…';
const MARK_ENCODED = encodeURIComponent(MARK);

/** tokenSegment tells whether a URL's path segment i is a token. */
function tokenSegment(host: string, segments: string[], i: number): boolean {
  const s = segments[i] ?? '';
  if (s === '' || s === MARK_ENCODED) return false;
  // https://api.slack.com/messaging/webhooks: /services/T…/B…/<token>; https://discord.com/developers/docs/resources/webhook: /api/webhooks/<id>/<token>.
  if (i === 4 && host === 'hooks.slack.com' && segments[1] === 'services') return true;
  if (i === 4 && /^(?:ptb\.|canary\.)?discord(?:app)?\.com$/.test(host) && segments[1] === 'api' && segments[2] === 'webhooks') return true;
  return s.length >= 16 && /[A-Za-z]/.test(s) && /\d/.test(s);
}

/** parts splits a URL into what a destination keeps and whether anything was a credential; undefined when it is not a URL. */
function parts(raw: string): { origin: string; protocol: string; host: string; path: string; query: boolean; credential: boolean } | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  const segments = u.pathname.split('/');
  let credential = u.username !== '' || u.password !== '';
  const path = segments
    .map((s, i) => {
      if (!tokenSegment(u.hostname, segments, i)) return s;
      credential = true;
      return MARK_ENCODED;
    })
    .join('/');
  const query = u.search !== '' && u.search !== `?${MARK_ENCODED}`;
  if (query) credential = true;
  return { origin: u.origin, protocol: u.protocol, host: u.host, path, query: query || u.search === `?${MARK_ENCODED}`, credential };
}

/** credentialFreeUrl is the URL without its credentials (unchanged when it has none, or is not a URL). */
export function credentialFreeUrl(raw: string): string {
  const p = parts(raw);
  if (!p || !p.credential) return raw;
  return decodeMark(`${p.protocol}//${p.host}${p.path}${p.query ? `?${MARK_ENCODED}` : ''}`);
}

/** hasCredentials tells whether a URL carries a credential: user:password@, a query, or a token in its path. */
export function hasCredentials(raw: string): boolean {
  return parts(raw)?.credential ?? false;
}

/** urlDestination is where a URL sends a secret: its origin and path, credentials taken out. */
export function urlDestination(raw: string): string {
  const p = parts(raw);
  return p ? decodeMark(`${p.origin}${p.path}`) : raw;
}

/** originDestination is an API's destination: its origin (an API's paths are Standby's to choose). */
export function originDestination(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return raw;
  }
}

/** smtpDestination is an SMTP server's destination: the server, its port and the user the password is for. */
export function smtpDestination(host: string, port: number, user: string): string {
  return `smtp://${encodeURIComponent(user)}@${host.toLowerCase()}:${port}`;
}

/** twilioDestination is a Twilio account's destination: the API's origin and the Account SID. */
export function twilioDestination(baseUrl: string, accountSid: string): string {
  return `${originDestination(baseUrl)}/Accounts/${accountSid}`;
}

function decodeMark(s: string): string {
  return s.split(MARK_ENCODED).join(MARK);
}
