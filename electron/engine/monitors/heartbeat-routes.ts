/**
 * The heartbeat ping routes, as healthchecks.io's: `GET|POST /ping/<key>`, `/ping/<key>/start`,
 * `/ping/<key>/fail` and `/ping/<key>/<exit-status>`. They need no API token: the key in the URL
 * is the secret (a random UUID, stored only as a SHA-256). The answer is "OK", or 404 "not found".
 */
import type { Hono, Context } from 'hono';
import { applyPing, hashPingKey, parsePingAction } from './heartbeats.ts';
import type { HeartbeatConfig } from './types/heartbeat.ts';
import type { MonitorRunner } from './runner.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PingAnswer is what a ping did. */
export type PingAnswer = 'ok' | 'not_found' | 'bad_action';

/** receivePing records a ping for the heartbeat with this key and judges it at once. */
export async function receivePing(runner: MonitorRunner, key: string, action: string | undefined, now: number): Promise<PingAnswer> {
  if (!UUID.test(key)) return 'not_found';
  const ping = parsePingAction(action);
  if (!ping) return 'bad_action';
  const id = runner.repo.idByPingKeyHash(hashPingKey(key));
  const live = id === undefined ? undefined : runner.get(id);
  if (id === undefined || !live || live.rec.kind !== 'heartbeat') return 'not_found';
  const c = live.config as HeartbeatConfig;
  const state = applyPing(runner.repo.heartbeat(id), ping, now, c.periodSeconds * 1000, c.graceSeconds * 1000);
  runner.repo.saveHeartbeat(id, state);
  await runner.checkNow(id);
  return 'ok';
}

/** mountHeartbeatRoutes adds the ping routes to the HTTP app (before any route that needs a token). */
export function mountHeartbeatRoutes(app: Hono, runner: MonitorRunner, now: () => number): void {
  const handle = async (c: Context) => {
    const answer = await receivePing(runner, c.req.param('key') ?? '', c.req.param('action'), now());
    c.header('Cache-Control', 'no-store');
    if (answer === 'ok') return c.text('OK');
    if (answer === 'bad_action') return c.text('unknown ping: use /ping/<key>, /start, /fail or an exit status 0-255', 400);
    return c.text('not found', 404);
  };
  app.on(['GET', 'POST'], '/ping/:key', handle);
  app.on(['GET', 'POST'], '/ping/:key/:action', handle);
}
