/**
 * Notify benchmark, end to end on loopback with real time: an HTTP target monitored every 10 s starts
 * answering 500 at t0; the time from t0 to the desktop notification and to the first webhook
 * delivery, with the monitor's retries at 0 and 2. The goal is every run within
 * interval + timeout + retry time + 1 s. A second table times the delivery path alone (trigger to
 * desktop, and to a webhook that answers 503 first, so one delivery retry is in it).
 *
 * `node bench/notify.bench.ts` (or `npm run bench -- notify`). About two minutes; loopback only.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { apiSchemas } from '../electron/shared/api.ts';
import { SystemClock } from '../electron/engine/clock.ts';
import { Engine } from '../electron/engine/engine.ts';
import { builtinChannels } from '../electron/engine/notify/registry.ts';
import { MemorySecretStore } from '../electron/engine/secrets/secret-store.ts';

const RUNS = Number(process.env.NOTIFY_BENCH_RUNS ?? 3);
const INTERVAL_S = 10;
const TIMEOUT_S = 2;
const RETRY_INTERVAL_S = 5;
/** WAIT_LIMIT_MS bounds one run: no notification after this long is reported as missing. */
const WAIT_LIMIT_MS = 60_000;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (s: Server) => new Promise<void>((ok) => {
  s.closeAllConnections();
  s.close(() => ok());
});

function until(check: () => boolean, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  return new Promise((ok) => {
    const tick = () => (check() ? ok(true) : performance.now() > end ? ok(false) : setTimeout(tick, 5));
    tick();
  });
}

/** Run is one measurement: milliseconds from t0 to the desktop notification and to the webhook, or null when missing. */
interface Run {
  desktop: number | null;
  webhook: number | null;
}

/** setup builds an engine with real time: desktop and a webhook paged at once for high urgency. */
async function setup(webhookFailures: number) {
  const dir = mkdtempSync(join(tmpdir(), 'standby-notify-bench-'));
  const times = { desktop: null as number | null, webhook: null as number | null };
  let failures = webhookFailures;
  const hook = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      if (failures-- > 0) {
        res.writeHead(503).end();
        return;
      }
      times.webhook ??= performance.now();
      res.writeHead(200).end('{}');
    });
  });
  const engine = new Engine({
    databasePath: join(dir, 'standby.db'),
    clock: new SystemClock(),
    channels: builtinChannels({ show: async () => void (times.desktop ??= performance.now()) }),
    secrets: new MemorySecretStore(),
  });
  await engine.start();
  for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
  const desktop = (await engine.invoke('contactMethods.list', {}))[0]!;
  const webhook = await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Bench hook', address: `${hook.url}/hook` });
  for (const c of [desktop, webhook]) await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: c.id });
  await engine.invoke('channels.update', { kind: 'delivery', settings: { retryBaseSeconds: 1, timeoutSeconds: 5 } });
  const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
  return {
    engine,
    times,
    serviceId,
    async stop() {
      await engine.stop();
      await close(hook.server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function monitorRun(retries: number): Promise<Run> {
  let failing = false;
  const target = await listen((_req, res) => res.writeHead(failing ? 500 : 200).end(failing ? 'down' : 'ok'));
  const s = await setup(0);
  let up = false;
  s.engine.on((e) => {
    if (e.type === 'monitor.changed' && (e.data as { monitor: { lastCheck: unknown } }).monitor.lastCheck) up = true;
  });
  const invoke = s.engine.invoke.bind(s.engine) as (m: string, a: unknown) => Promise<unknown>;
  await invoke('monitors.create', { name: 'Bench target', kind: 'http', serviceId: s.serviceId, config: { url: `${target.url}/` }, intervalSeconds: INTERVAL_S, timeoutSeconds: TIMEOUT_S, retries, retryIntervalSeconds: RETRY_INTERVAL_S });
  // Let the first check pass, then fail at a random point of the interval.
  if (!(await until(() => up, (INTERVAL_S + 5) * 1000))) throw new Error('the monitor made no check in an interval');
  await new Promise((ok) => setTimeout(ok, Math.random() * INTERVAL_S * 1000));
  failing = true;
  const t0 = performance.now();
  await until(() => s.times.desktop !== null && s.times.webhook !== null, WAIT_LIMIT_MS);
  const run = { desktop: s.times.desktop && s.times.desktop - t0, webhook: s.times.webhook && s.times.webhook - t0 };
  await s.stop();
  await close(target.server);
  return run;
}

async function deliveryRun(webhookFailures: number): Promise<Run> {
  const s = await setup(webhookFailures);
  const t0 = performance.now();
  await s.engine.invoke('incidents.trigger', { serviceId: s.serviceId, title: 'bench', severity: 'critical' });
  await until(() => s.times.desktop !== null && s.times.webhook !== null, WAIT_LIMIT_MS);
  const run = { desktop: s.times.desktop && s.times.desktop - t0, webhook: s.times.webhook && s.times.webhook - t0 };
  await s.stop();
  return run;
}

const ms = (v: number | null) => (v === null ? 'missing' : `${(v / 1000).toFixed(3)} s`);
const stats = (xs: Array<number | null>) => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? `${ms(Math.min(...ok))} / ${ms(ok.reduce((a, b) => a + b, 0) / ok.length)} / ${ms(Math.max(...ok))}` : 'missing';
};

async function main(): Promise<void> {
  if ('monitors.create' in apiSchemas) {
    console.log(`HTTP target monitored every ${INTERVAL_S} s (timeout ${TIMEOUT_S} s, retry interval ${RETRY_INTERVAL_S} s), failing at a random moment t0; ${RUNS} runs each.\n`);
    console.log('| monitor retries | t0 → desktop (min / mean / max) | t0 → webhook (min / mean / max) | goal (interval + timeout + retry time + 1 s) | every run within |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const retries of [0, 2]) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await monitorRun(retries));
      const goal = (INTERVAL_S + TIMEOUT_S + retries * RETRY_INTERVAL_S + 1) * 1000;
      const within = runs.every((r) => r.desktop !== null && r.webhook !== null && r.desktop <= goal && r.webhook <= goal);
      console.log(`| ${retries} | ${stats(runs.map((r) => r.desktop))} | ${stats(runs.map((r) => r.webhook))} | ${ms(goal)} | ${within ? 'yes' : 'NO'} |`);
    }
  } else {
    console.log('Monitors are not in this build (no `monitors.create` in the API): only the delivery path is measured.');
  }
  console.log(`\nDelivery path alone (trigger → channel), ${RUNS * 2} runs each; delivery retries back off 1 s.\n`);
  console.log('| case | trigger → desktop (min / mean / max) | trigger → webhook (min / mean / max) |');
  console.log('| --- | --- | --- |');
  for (const [label, failures] of [['webhook answers 200', 0], ['webhook answers 503 once, then 200', 1]] as const) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS * 2; i++) runs.push(await deliveryRun(failures));
    console.log(`| ${label} | ${stats(runs.map((r) => r.desktop))} | ${stats(runs.map((r) => r.webhook))} |`);
  }
}

await main();
