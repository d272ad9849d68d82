/**
 * The HTTP transport of the API contract, on 127.0.0.1 by default: `POST /api/<method>` with a JSON
 * body and `Authorization: Bearer <token>`, server-sent events at `GET /api/events`, `GET /healthz`,
 * and the same Svelte UI the Electron window shows, served from the built renderer.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type { ApiEvent } from '../../shared/api.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { ApiError } from '../../shared/errors.ts';
import type { Engine } from '../engine.ts';
import { mountInboundRoutes } from '../inbound/routes.ts';
import { mountBackupRoutes } from './backup-routes.ts';
import { mountHeartbeatRoutes } from '../monitors/heartbeat-routes.ts';
import { mountAckRoutes } from '../notify/ack-routes.ts';

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

/** createHttpApp builds the Hono app around an engine. */
export function createHttpApp(engine: Engine, opts: HttpOptions): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  // 200 while Standby can keep its promise (warnings listed), 503 with the reason while it cannot (a full disk, a damaged database).
  app.get('/healthz', (c) => {
    if (!(opts.ready?.() ?? true)) return c.json({ status: 'starting' }, 503);
    const health = engine.health.status();
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });

  // Alerts from monitoring tools (Events API v2, Alertmanager), authorized by integration keys, not the API token.
  mountInboundRoutes(app, engine);
  // Signed ack links from notifications (GET shows a confirmation page, POST acts), authorized by the link's signature.
  mountAckRoutes(app, engine);
  // Heartbeat pings from cron jobs (/ping/<key>), authorized by the key in the URL, not the API token.
  mountHeartbeatRoutes(app, engine.monitors, () => engine.clock.now());

  const authorized = (c: Context, allowQuery: boolean): boolean => {
    const header = c.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    return tokenMatches(bearer ?? (allowQuery ? c.req.query('token') : undefined), opts.token);
  };
  const unauthorized = new ApiError('unauthorized', 'missing or wrong API token: send "Authorization: Bearer <token>" (the token is printed when the server starts)');

  app.get('/api/events', (c) => {
    if (!authorized(c, true)) return errorResponse(c, unauthorized);
    return streamSSE(c, async (stream) => {
      const queue: ApiEvent[] = [];
      let wake: (() => void) | undefined;
      const off = engine.on((e) => {
        queue.push(e);
        wake?.();
      });
      // Headless, an open event stream is a desktop that can show (and confirm) notifications.
      const detach = engine.desktopRelay?.attach();
      stream.onAbort(() => {
        off();
        detach?.();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted) {
        const e = queue.shift();
        if (e) {
          await stream.writeSSE({ event: e.type, data: JSON.stringify(e.data) });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 15_000).unref();
        });
        wake = undefined;
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      off();
      detach?.();
    });
  });

  app.post(
    '/api/:method',
    bodyLimit({ maxSize: API_BODY_LIMIT, onError: (c) => errorResponse(c, new ApiError('invalid_input', `body: must be at most ${API_BODY_LIMIT} bytes`, [{ path: 'body', message: `must be at most ${API_BODY_LIMIT} bytes` }])) }),
    async (c) => {
      if (!authorized(c, false)) return errorResponse(c, unauthorized);
      const text = await c.req.text();
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
        return c.json((await engine.call(c.req.param('method'), input)) as object);
      } catch (err) {
        if (err instanceof ApiError) return errorResponse(c, err);
        console.error(`API ${c.req.param('method')} failed:`, err);
        return errorResponse(c, new ApiError('internal', 'internal error; see the server log'));
      }
    },
  );

  // Backup downloads (GET, for a browser's "Download"), authorized like the API.
  mountBackupRoutes(app, engine, (c) => (authorized(c, false) ? undefined : errorResponse(c, unauthorized)));

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
