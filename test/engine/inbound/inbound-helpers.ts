/** Helpers for the inbound tests: a headless server with integrations, and raw POSTs to the inbound routes. */
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import type { SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import type { WalSync } from '../../../electron/engine/store/wal-flusher.ts';
import { api, tempDir } from '../../helpers/headless.ts';

/** TOKEN is the API token of the test servers. */
export const TOKEN = 'inbound-test-token';

/** Answer is an HTTP answer with its parsed JSON body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
export type Answer = { status: number; body: any; headers: Headers };

/** post sends a body (an object as JSON, or a raw string) to an inbound route. */
export async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** InboundServer is a headless server on a fake clock with one service and integrations on it. */
export interface InboundServer {
  s: HeadlessServer;
  url: string;
  clock: FakeClock;
  serviceId: number;
  /** key is an Events API v2 integration's routing key (no rate limit). */
  key: string;
  /** amGroupKey and amAlertKey are Alertmanager integrations grouping by group and by alert. */
  amGroupKey: string;
  amAlertKey: string;
}

/** startInbound starts a server (fake clock, so no job runs unless the test moves time) with a "Shop" service and its integrations. */
export async function startInbound(o: { secrets?: SecretStore; walSync?: WalSync } = {}): Promise<InboundServer> {
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  const s = await startHeadless({ dataDir: tempDir('standby-inbound-'), port: 0, host: '127.0.0.1', token: TOKEN, clock, log: () => {}, secrets: o.secrets, walSync: o.walSync });
  const policy = (await s.engine.invoke('escalationPolicies.list', {}))[0]!;
  const service = await s.engine.invoke('services.create', { name: 'Shop', escalationPolicyId: policy.id, urgencyRule: { type: 'severity' } });
  const create = async (input: Record<string, unknown>) => {
    const r = await api(s.url, TOKEN, 'integrations.create', { serviceId: service.id, ...input });
    if (r.status !== 200) throw new Error(`integrations.create: ${JSON.stringify(r.body)}`);
    return r.body.key as string;
  };
  const key = await create({ type: 'events_v2', name: 'Events', rateLimitPerMinute: 0 });
  const amGroupKey = await create({ type: 'alertmanager', name: 'AM groups', rateLimitPerMinute: 0 });
  const amAlertKey = await create({ type: 'alertmanager', name: 'AM alerts', groupBy: 'alert', rateLimitPerMinute: 0 });
  return { s, url: s.url, clock, serviceId: service.id, key, amGroupKey, amAlertKey };
}

/** trigger builds a valid Events API v2 trigger event. */
export function trigger(routingKey: string, over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    payload: { summary: 'DISK at 99% on prod-datapipe03', source: 'prod-datapipe03.example.com', severity: 'critical', ...payload },
    ...over,
  };
}

/** incidentsOf lists a service's incidents, oldest first, straight from the engine. */
export function incidentsOf(s: HeadlessServer, serviceId: number) {
  return s.engine.incidents.list({ serviceId, limit: 500, offset: 0 }).incidents.reverse();
}

