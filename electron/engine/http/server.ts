/**
 * The HTTP transport of the API contract, on 127.0.0.1 by default: `POST /api/<method>` with a JSON
 * body and `Authorization: Bearer <token>`, server-sent events at `GET /api/events`, `GET /healthz`,
 * and the same Svelte UI the Electron window shows, served from the built renderer.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { getPath } from 'hono/utils/url';
import type { ApiEvent } from '../../shared/api.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { ApiError } from '../../shared/errors.ts';
import type { Engine } from '../engine.ts';
import { inboundPath, mountInboundRoutes } from '../inbound/routes.ts';
import { mountBackupRoutes } from './backup-routes.ts';
import { mountHeartbeatRoutes } from '../monitors/heartbeat-routes.ts';
import { mountAckRoutes } from '../notify/ack-routes.ts';
import { mountVoiceAnswerRoutes } from '../notify/voice-answers.ts';
import { deviceAuth, mountPairRoutes } from '../pairing/pair-routes.ts';
import { AuthThrottle, retryAfterSeconds, type AuthRealm } from './auth-throttle.ts';
import { EventLog, SSE_BATCH, sseFrame, type LoggedEvent } from './event-log.ts';
import { readLimited } from './read-body.ts';
import { JsonText } from '../json-text.ts';

/** API_BODY_LIMIT bounds a request body to the API (configuration imports are the largest). */
export const API_BODY_LIMIT = 6 * 1024 * 1024;

/** HttpOptions configures the HTTP app. */
export interface HttpOptions {
  /** token authorizes /api routes. */
  token: string;
  /** uiDir is the built renderer (out/renderer); when missing the UI routes say how to build it. */
  uiDir?: string | undefined;
  /** ready tells /healthz whether the engine has finished starting. */
  ready?: () => boolean;
  /** events numbers and keeps the engine's events for the event stream (the listener feeds it from the engine). */
  events?: EventLog;
}

const STATUS: Record<ApiError['code'], 400 | 401 | 404 | 409 | 500 | 503> = { invalid_input: 400, unauthorized: 401, not_found: 404, conflict: 409, unavailable: 503, internal: 500 };

/** tokenMatches compares a presented token with the expected one in constant time. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function errorResponse(c: Context, err: ApiError) {
  return c.json(err.toBody(), STATUS[err.code]);
}

/** clientAddress is the remote address of the connection a request came on (undefined outside a Node server). */
export function clientAddress(c: Context): string | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
}

/** AuthGuard is the auth throttle as the routes use it: how long this request's client must wait, and a wrong secret it presented. */
export interface AuthGuard {
  retryAfterMs(c: Context, realm: AuthRealm): number;
  fail(c: Context, realm: AuthRealm, presented: string): void;
}

/** ownEventLog is an event log fed by the engine for an app made without one (the caller did not make the listener). */
function ownEventLog(engine: Engine): EventLog {
  const log = new EventLog();
  engine.on((e) => void log.add(e));
  return log;
}

/** createHttpApp builds the Hono app around an engine. */
export function createHttpApp(engine: Engine, opts: HttpOptions): Hono {
  const app = new Hono({ getPath: (req) => inboundPath(getPath(req)) });
  // Failed authentications are throttled per client address and kind of secret (auth-throttle.ts).
  const throttle = new AuthThrottle(engine.clock);
  const guard: AuthGuard = {
    retryAfterMs: (c, realm) => throttle.retryAfterMs(realm, clientAddress(c)),
    fail: (c, realm, presented) => void throttle.fail(realm, clientAddress(c), presented),
  };

  // Every answer's security headers are set on Node's response, before any route runs (listen.ts).

  // 200 while Standby can keep its promise (warnings listed), 503 with the reason while it cannot (a full disk, a damaged database).
  app.get('/healthz', (c) => {
    if (!(opts.ready?.() ?? true)) return c.json({ status: 'starting' }, 503);
    const health = engine.health.status();
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });

  // Alerts from monitoring tools (Events API v2, Alertmanager), authorized by integration keys, not the API token.
  mountInboundRoutes(app, engine, guard);
  // Signed ack links from notifications (GET shows a confirmation page, POST acts), authorized by the link's signature.
  // A forged or malformed link counts as a failed authentication (a used or expired one does not: it was real).
  app.use('/ack/:token', async (c, next) => {
    const wait = guard.retryAfterMs(c, 'ack');
    if (wait > 0) {
      c.header('Retry-After', retryAfterSeconds(wait));
      c.header('Cache-Control', 'no-store');
      return c.text(`Too many wrong links from this address; try again in ${retryAfterSeconds(wait)} s.`, 429);
    }
    await next();
    if (c.res.status === 400 || c.res.status === 403) guard.fail(c, 'ack', c.req.param('token') ?? '');
  });
  mountAckRoutes(app, engine);
  // A key pressed during a page call (Twilio <Gather>), authorized by Twilio's signature and the key's signed token.
  mountVoiceAnswerRoutes(app, engine);
  // Pairing a device with a one-time code shown on the box (no API token: the code is the authority).
  mountPairRoutes(app, engine, guard);
  // Heartbeat pings from cron jobs (/ping/<key>), authorized by the key in the URL, not the API token.
  mountHeartbeatRoutes(app, engine.monitors, () => engine.clock.now());

  const unauthorized = new ApiError('unauthorized', 'missing or wrong API token: send "Authorization: Bearer <token>" (the server says where to find its token when it starts)');
  /** refuse answers a request whose API token is missing or wrong, or whose address made too many wrong tries (undefined: let it through). */
  const refuse = (c: Context, allowQuery: boolean): Response | undefined => {
    const wait = guard.retryAfterMs(c, 'api');
    if (wait > 0) {
      c.header('Retry-After', retryAfterSeconds(wait));
      return c.json(new ApiError('unauthorized', `too many wrong API tokens from this address; try again in ${retryAfterSeconds(wait)} s`).toBody(), 429);
    }
    const header = c.req.header('authorization');
    const presented = (header?.startsWith('Bearer ') ? header.slice(7) : undefined) ?? (allowQuery ? c.req.query('token') : undefined);
    if (tokenMatches(presented, opts.token)) return undefined;
    // A paired device (pairing/): its own token, or a browser's cookie. A revoked one is told so, to go back to pairing.
    const device = deviceAuth(c, engine, presented);
    if (device?.ok) return undefined;
    guard.fail(c, 'api', presented ?? '');
    return errorResponse(c, device?.reason === 'revoked' ? new ApiError('unauthorized', `${device.message}`) : unauthorized);
  };

  // Every event is numbered and the newest kept, so a client that reconnects with Last-Event-ID catches up (event-log.ts).
  const events = opts.events ?? ownEventLog(engine);

  app.get('/api/events', (c) => {
    const denied = refuse(c, true);
    if (denied) return denied;
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    // A paired device's stream ends when the device is unpaired (it is told why, and goes back to pairing).
    const header = c.req.header('authorization');
    const device = deviceAuth(c, engine, (header?.startsWith('Bearer ') ? header.slice(7) : undefined) ?? c.req.query('token'));
    const deviceId = device?.ok ? device.device.id : undefined;
    return streamSSE(c, async (stream) => {
      // A check result (`monitor.checks`) has no number: it is sent only to a stream that asked, and never replayed.
      const queue: Array<LoggedEvent | { n: null; event: ApiEvent }> = [];
      let wake: (() => void) | undefined;
      const listener = (e: LoggedEvent | { n: null; event: ApiEvent }) => {
        queue.push(e);
        wake?.();
      };
      const off = events.subscribe(listener);
      const offChecks = c.req.query('checks') === '1' ? engine.monitors.feed.watch((data) => listener({ n: null, event: { type: 'monitor.checks', data } })) : undefined;
      // What the client missed since its last event comes first; or, when some of it is lost, a word to reload.
      const missed = events.since(lastEventId);
      const seen = missed.events.at(-1)?.n ?? 0;
      // Headless, an open event stream is a desktop that can show (and confirm) notifications.
      const detach = engine.desktopRelay?.attach();
      // The box lists which paired devices are connected now (Settings → Paired devices).
      const closed = deviceId === undefined ? undefined : engine.pairing.streamOpened(deviceId, () => engine.devicesChanged(deviceId));
      stream.onAbort(() => {
        off();
        offChecks?.();
        detach?.();
        closed?.();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      if (!missed.complete) await stream.writeSSE({ event: 'resync', data: JSON.stringify({ reason: 'some events since your last one are no longer kept (or the server restarted): load everything again' }) });
      for (let i = 0; i < missed.events.length; i += SSE_BATCH) await stream.write(missed.events.slice(i, i + SSE_BATCH).map((m) => sseFrame(m.event.type, m.event.data, m.id)).join(''));
      while (!stream.aborted) {
        if (queue.length > 0) {
          // What queued since the last write goes out as one write: a busy stream (a commit's events, a
          // burst of pages) costs one pass through the stream and one syscall, not one per event.
          const batch = queue.splice(0, SSE_BATCH);
          let text = '';
          let revoked = false;
          for (const e of batch) {
            if (e.n === null) text += sseFrame(e.event.type, e.event.data);
            else if (e.event.type === 'devices.changed' && e.event.data.revoked && e.event.data.deviceId === deviceId) {
              text += sseFrame('revoked', { message: 'this device was unpaired on the box; pair it again with a new code' });
              revoked = true;
              break;
            } else if (e.n > seen) text += sseFrame(e.event.type, e.event.data, e.id);
          }
          if (text) await stream.write(text);
          if (revoked) break;
          continue;
        }
        // One keep-alive timer per wait, cleared when an event wakes it: a busy stream wakes hundreds of
        // times a second, and timers left to run out would pile up (thousands, each held for 15 s). The
        // wake waits for the end of the turn, so the events of this turn (a commit's, the pages that
        // went out together) share one write.
        await new Promise<void>((resolve) => {
          const keepAlive = setTimeout(resolve, 15_000);
          keepAlive.unref();
          wake = () => {
            wake = undefined;
            clearTimeout(keepAlive);
            setImmediate(resolve);
          };
        });
        wake = undefined;
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      off();
      offChecks?.();
      detach?.();
      closed?.();
    });
  });

  app.post('/api/:method', async (c) => {
    const denied = refuse(c, false);
    if (denied) return denied;
    // The token is checked before the body is read (up to 6 MB).
    const text = await readLimited(c, API_BODY_LIMIT);
    if (text === undefined) return errorResponse(c, new ApiError('invalid_input', `body: must be at most ${API_BODY_LIMIT} bytes`, [{ path: 'body', message: `must be at most ${API_BODY_LIMIT} bytes` }]));
    let input: unknown = {};
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text);
      } catch (err) {
        return errorResponse(c, new ApiError('invalid_input', `body: must be valid JSON (${(err as Error).message})`, [{ path: 'body', message: 'must be valid JSON' }]));
      }
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return errorResponse(c, new ApiError('invalid_input', 'body: must be a JSON object', [{ path: 'body', message: 'must be a JSON object' }]));
    }
    try {
      const answer = await engine.call(c.req.param('method'), input, { raw: true });
      // An answer the handler wrote as JSON in parts goes out part by part (json-text.ts).
      if (answer instanceof JsonText) return c.body(answer.stream(), 200, { 'content-type': 'application/json' });
      return c.json(answer as object);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(c, err);
      console.error(`API ${c.req.param('method')} failed:`, err);
      return errorResponse(c, new ApiError('internal', 'internal error; see the server log'));
    }
  });

  // Backup downloads (GET, for a browser's "Download"), authorized like the API.
  mountBackupRoutes(app, engine, (c) => refuse(c, false));

  app.all('/api/*', (c) => errorResponse(c, new ApiError('not_found', `no route ${c.req.method} ${c.req.path}; API methods are POST /api/<method>`)));

  const uiDir = opts.uiDir;
  if (uiDir && existsSync(uiDir)) {
    const root = relative(process.cwd(), uiDir) || '.';
    app.use('*', async (c, next) => {
      await next();
      if (c.res.headers.get('content-type')?.includes('text/html')) c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    });
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  } else {
    app.get('/', (c) => c.text('Standby is running headless, but its UI is not built. Run `npm run build` and restart; the API is at /api.', 503));
  }
  return app;
}
