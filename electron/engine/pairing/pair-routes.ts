/**
 * The pairing route and device sessions over HTTP. `POST /pair` with `{"code", "name", "kind"}` uses a
 * one-time code shown on the box (pairing.ts) and answers the device's own token: in the body for the
 * desktop app (which keeps it in the OS keychain), or as an HttpOnly, SameSite=Strict cookie (Secure
 * over HTTPS) for a browser, whose page never sees it. Wrong codes count as failed authentications of
 * the client's address (auth-throttle.ts): 20 different wrong codes a minute, then 429. The answer
 * also carries the box's certificate fingerprint, which the device pins.
 *
 * deviceAuth then reads a device's token from `Authorization: Bearer sbd_…` (or `?token=` where the API
 * token is also accepted there, the event stream) or from the cookie.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { ApiError } from '../../shared/errors.ts';
import type { Engine } from '../engine.ts';
import type { AuthGuard } from '../http/server.ts';
import { retryAfterSeconds } from '../http/auth-throttle.ts';
import { DEVICE_TOKEN_PREFIX, type DeviceAuth } from './pairing.ts';

/** DEVICE_COOKIE is the browser session's cookie. */
export const DEVICE_COOKIE = 'standby_device';
/**
 * PAIRED_COOKIE tells the page (which cannot read the HttpOnly DEVICE_COOKIE) that this browser was
 * paired, so it asks the box with its cookie instead of showing the pairing page at once. It holds no secret.
 */
export const PAIRED_COOKIE = 'standby_paired';
/** PAIR_BODY_LIMIT bounds what POST /pair reads. */
export const PAIR_BODY_LIMIT = 4096;
/** COOKIE_MAX_AGE_S is how long a browser stays paired without using the box: 400 days, the most browsers keep a cookie. */
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;

const PairBody = z.strictObject({
  code: z.string('must be the code shown on the box, as text').min(1, 'must be the code shown on the box').max(32, 'must be at most 32 characters: the code shown on the box'),
  name: z.string('must be a name for this device, as text').trim().min(1, 'must name this device (for the list of paired devices on the box)').max(64, 'must be at most 64 characters'),
  kind: z.enum(['desktop', 'browser'], 'must be "desktop" or "browser"'),
});

/** mountPairRoutes adds POST /pair (no API token: the one-time code is the authority). */
export function mountPairRoutes(app: Hono, engine: Engine, guard: AuthGuard): void {
  app.post(
    '/pair',
    // A pairing request is a few dozen bytes; nobody is authenticated yet, so nothing bigger is read.
    // Over the limit, the rest of the body is not read: the connection closes (read-body.ts says why).
    bodyLimit({
      maxSize: PAIR_BODY_LIMIT,
      onError: (c) => {
        c.header('Connection', 'close');
        return c.json(new ApiError('invalid_input', `body: must be at most ${PAIR_BODY_LIMIT} bytes`, [{ path: 'body', message: `must be at most ${PAIR_BODY_LIMIT} bytes` }]).toBody(), 400);
      },
    }),
    async (c) => {
    const wait = guard.retryAfterMs(c, 'pair');
    if (wait > 0) {
      c.header('Retry-After', retryAfterSeconds(wait));
      return c.json(new ApiError('unauthorized', `too many wrong pairing codes from this address; try again in ${retryAfterSeconds(wait)} s`).toBody(), 429);
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(new ApiError('invalid_input', 'send JSON: {"code": "7KQM-3XPA", "name": "Laptop", "kind": "desktop"}').toBody(), 400);
    }
    const parsed = PairBody.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(input)', message: i.message }));
      return c.json(new ApiError('invalid_input', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues).toBody(), 400);
    }
    let paired;
    try {
      paired = engine.pairDevice(parsed.data.code, parsed.data.name, parsed.data.kind);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      guard.fail(c, 'pair', parsed.data.code);
      return c.json(err.toBody(), 403);
    }
    const fingerprint256 = engine.serverInfoNow().tls?.fingerprint256 ?? null;
    c.header('Cache-Control', 'no-store');
    if (parsed.data.kind === 'browser') {
      const secure = new URL(c.req.url).protocol === 'https:';
      setCookie(c, DEVICE_COOKIE, paired.token, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge: COOKIE_MAX_AGE_S });
      setCookie(c, PAIRED_COOKIE, '1', { sameSite: 'Strict', secure, path: '/', maxAge: COOKIE_MAX_AGE_S });
      return c.json({ device: paired.device, fingerprint256 });
    }
    return c.json({ device: paired.device, token: paired.token, fingerprint256 });
    },
  );
}

/**
 * deviceAuth checks the device token a request presents (header, query where allowed, or cookie):
 * undefined when it presents none, so the caller checks the API token instead.
 */
export function deviceAuth(c: Context, engine: Engine, presented: string | undefined): DeviceAuth | undefined {
  const token = presented?.startsWith(DEVICE_TOKEN_PREFIX) ? presented : presented === undefined ? getCookie(c, DEVICE_COOKIE) : undefined;
  return token === undefined ? undefined : engine.pairing.authenticate(token);
}
