/**
 * The inbound HTTP routes, on the same server as the API but outside /api: they are authorized by
 * an integration's key, not by the API token. `POST /v2/enqueue` and `POST /v2/change/enqueue`
 * speak PagerDuty's Events API v2; `POST /integrations/alertmanager` takes Alertmanager's webhook.
 */
import type { Context, Hono } from 'hono';
import type { Engine } from '../engine.ts';
import { retryAfterSeconds } from '../http/auth-throttle.ts';
import { readLimited } from '../http/read-body.ts';
import type { AuthGuard } from '../http/server.ts';
import { alertmanagerWebhook, enqueueChangeEvent, enqueueEvent, tooLarge, type InboundAnswer } from './intake.ts';

/** EVENTS_BODY_LIMIT is PagerDuty's Events API payload limit, 512 KB (https://developer.pagerduty.com/docs/events-api-v2/overview/#size-limits). */
export const EVENTS_BODY_LIMIT = 512 * 1024;
/** ALERTMANAGER_BODY_LIMIT bounds a webhook body: a notification carries a whole alert group (limit it with max_alerts). */
export const ALERTMANAGER_BODY_LIMIT = 4 * 1024 * 1024;

function answer(c: Context, a: InboundAnswer, guard?: AuthGuard) {
  if (a.rejectedKey !== undefined) guard?.fail(c, 'integration', a.rejectedKey);
  for (const [k, v] of Object.entries(a.headers ?? {})) c.header(k, v);
  return c.json(a.body, a.status);
}

/**
 * throttledAnswer is what an address that presented too many wrong keys gets, before its body is read:
 * 429 for the Events API (PagerDuty's clients retry it), 503 for Alertmanager, which retries 5xx only.
 */
function throttledAnswer(waitMs: number, status: 429 | 503): InboundAnswer {
  const seconds = retryAfterSeconds(waitMs);
  return {
    status,
    headers: { 'Retry-After': seconds, Connection: 'close' },
    body: { status: 'throttle event', message: 'Request Limit Exceeded', errors: [`too many wrong integration keys from this address; retry in ${seconds} s`] },
  };
}

/** route answers a request from its raw body, read within the size limit (over it: 413); an address the guard holds back gets throttledStatus first. */
function route(max: number, handle: (c: Context, text: string) => Promise<InboundAnswer>, guard?: AuthGuard, throttledStatus: 429 | 503 = 429) {
  return async (c: Context) => {
    const wait = guard?.retryAfterMs(c, 'integration') ?? 0;
    if (wait > 0) return answer(c, throttledAnswer(wait, throttledStatus));
    const text = await readLimited(c, max);
    return answer(c, text === undefined ? tooLarge(max) : await handle(c, text), guard);
  };
}

function bearer(c: Context): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return m?.[1];
}

function wrongMethod(c: Context) {
  c.header('Allow', 'POST');
  return c.json({ status: 'invalid request', message: `${c.req.method} is not allowed here: send events with POST and a JSON body` }, 405);
}

const INBOUND_PATH = /^\/(?:v2\/enqueue|v2\/change\/enqueue|integrations\/alertmanager(?:\/[^/]+)?)$/;

/**
 * inboundPath forgives what a client's configured base URL adds to an inbound path: a doubled slash
 * (go-pagerduty joins "http://host:8730/" and "/v2/enqueue") and a trailing one. A 404 is not retried
 * by these clients, so the alert would be lost; other paths are left exactly as they came.
 */
export function inboundPath(path: string): string {
  if (!path.includes('//') && !path.endsWith('/')) return path;
  const tidy = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return INBOUND_PATH.test(tidy) ? tidy : path;
}

/** mountInboundRoutes adds the inbound routes to the HTTP app; guard (the auth throttle) counts wrong keys per client address. */
export function mountInboundRoutes(app: Hono, engine: Engine, guard?: AuthGuard): void {
  const inbound = engine.inbound;
  app.post('/v2/enqueue', route(EVENTS_BODY_LIMIT, (_c, text) => enqueueEvent(inbound, text), guard));
  app.post('/v2/change/enqueue', route(EVENTS_BODY_LIMIT, (_c, text) => enqueueChangeEvent(inbound, text), guard));
  // The key is checked before a (possibly 4 MB) body is read: an unknown sender gets its 401 at once.
  const alertmanager = (keyOf: (c: Context) => string | undefined) => async (c: Context) => {
    const wait = guard?.retryAfterMs(c, 'integration') ?? 0;
    if (wait > 0) return answer(c, throttledAnswer(wait, 503));
    const key = keyOf(c);
    const known = key === undefined ? undefined : inbound.authenticate(key);
    if (known?.type !== 'alertmanager') return answer(c, await alertmanagerWebhook(inbound, key, ''), guard);
    return route(ALERTMANAGER_BODY_LIMIT, (_c, text) => alertmanagerWebhook(inbound, key, text), guard, 503)(c);
  };
  app.post('/integrations/alertmanager', alertmanager(bearer));
  app.post('/integrations/alertmanager/:key', alertmanager((c) => c.req.param('key')));
  for (const path of ['/v2/enqueue', '/v2/change/enqueue', '/integrations/alertmanager', '/integrations/alertmanager/:key']) app.all(path, wrongMethod);
}
