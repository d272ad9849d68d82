/**
 * Ingest benchmark: Events API v2 triggers against a headless Standby in a child process on
 * loopback, over keep-alive HTTP. Prints events/s and p50/p99 latency from request to 202 at
 * concurrency 1, 16 and 64, for new incidents (that page the desktop, and that page nobody) and for
 * a dedup storm (10,000 triggers on one key, which must yield one incident). At concurrency 16 the
 * two new-incident scenarios run five times each, alternating, and the paging ratio is of the medians; on Linux it also prints the server's CPU per event. Then the
 * same pair twice more with the UI's event stream closed: each desktop page waits for a UI, nothing sent. Every 202 is durable:
 * the group commit answers once its write-ahead log is flushed to disk (store/wal-flusher.ts).
 *
 * `node bench/ingest.bench.ts` (or `npm run bench -- ingest`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_FLAGS } from '../electron/engine/runtime-flags.ts';
import { probeHealthz, slowDiskEnv, type HealthzTimes } from './lib/slow-disk.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token-0123456789abcdef-ABCDEFGHIJKLMNOP';
/** RUN_LIMIT_MS bounds each measured run, so the benchmark ends in about a minute whatever the machine. */
const RUN_LIMIT_MS = 15_000;

interface Server {
  url: string;
  /** cpuMs is the server's CPU time so far (user + system, all its threads), from /proc; undefined off Linux. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** cpuMsOf reads a process's CPU time from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function startServer(dir: string, env: Record<string, string> = {}): Promise<Server> {
  // STANDBY_BENCH_PROFILE=<dir> writes the server's CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.STANDBY_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.STANDBY_BENCH_PROFILE] : [];
  // With the server's V8 flags, as `npm run serve` and the systemd unit start it.
  const child = spawn(process.execPath, [...SERVER_FLAGS, ...profile, join(ROOT, 'electron/engine/headless/cli.mjs'), 'serve', '--port', '0', '--data-dir', dir], {
    cwd: ROOT,
    env: { ...process.env, ...env, STANDBY_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      if (out.length < 10_000) out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    cpuMs: () => cpuMsOf(child.pid),
    stop: () => new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}

function post(agent: Agent, url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function api<T>(agent: Agent, url: string, method: string, input: unknown): Promise<T> {
  const r = await post(agent, url, `/api/${method}`, JSON.stringify(input), { authorization: `Bearer ${TOKEN}` });
  if (r.status !== 200) throw new Error(`${method}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}

/**
 * openDesktop is the browser tab a headless desktop page needs: it follows the event stream and
 * confirms every `notification.desktop`, as the web UI does (renderer/src/lib/confirmations.ts: the
 * confirmations of the same 20 ms go in one `notifications.confirmMany`), so "paging the desktop" is
 * delivered (with no UI connected, each desktop page would fail at once instead). It returns the
 * count confirmed and the stop function.
 */
function openDesktop(agent: Agent, url: string): { confirmed: () => number; close: () => void } {
  let confirmed = 0;
  const queued: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const deliveryIds = queued.splice(0, 500);
    if (queued.length) timer = setTimeout(flush, 0);
    void api<{ confirmed: string[] }>(agent, url, 'notifications.confirmMany', { deliveryIds }).then((r) => (confirmed += r.confirmed.length), () => {});
  };
  const req = request(`${url}/api/events?token=${TOKEN}`, (res) => {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (d: string) => {
      buffer += d;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.includes('event: notification.desktop')) continue;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        const deliveryId = data ? (JSON.parse(data) as { deliveryId?: string }).deliveryId : undefined;
        if (!deliveryId) continue;
        queued.push(deliveryId);
        timer ??= setTimeout(flush, 20);
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return { confirmed: () => confirmed, close: () => req.destroy() };
}

interface RunResult {
  events: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
}

/** run sends up to `count` events with `concurrency` workers (bounded by RUN_LIMIT_MS) and measures each request. */
async function run(url: string, concurrency: number, count: number, body: (i: number) => string): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count && performance.now() - started < RUN_LIMIT_MS) {
      const i = next++;
      const t0 = performance.now();
      try {
        const r = await post(agent, url, '/v2/enqueue', body(i));
        if (r.status === 202) latencies.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  return { events: latencies.length, seconds, p50: at(50), p99: at(99), errors };
}

const event = (key: string, dedupKey: string, i: number) =>
  JSON.stringify({ routing_key: key, event_action: 'trigger', dedup_key: dedupKey, payload: { summary: `Load test event ${i}`, source: 'bench.example.com', severity: 'critical', custom_details: { i, note: 'x'.repeat(200) } } });

/** prepare makes the bench's services on a fresh server, each with an Events API key: one paging the desktop, one paging nobody, one for the dedup storm. */
async function prepare(agent: Agent, url: string) {
  const policies = await api<Array<{ id: number }>>(agent, url, 'escalationPolicies.list', {});
  const newService = (name: string, urgencyRule: unknown) => api<{ id: number }>(agent, url, 'services.create', { name, escalationPolicyId: policies[0]!.id, urgencyRule, autoResolveMinutes: 0, ackTimeoutMinutes: 0 });
  const keyFor = async (serviceId: number) => (await api<{ key: string }>(agent, url, 'integrations.create', { serviceId, type: 'events_v2', name: 'bench', rateLimitPerMinute: 0 })).key;
  // Pages the desktop at once for every new incident (the seeded high-urgency rule), as a real alert would.
  const paging = await newService('Bench (paging)', { type: 'constant', urgency: 'high' });
  // Low urgency with no low-urgency rule left: incidents open, nobody is notified. Ingest alone.
  const quiet = await newService('Bench (quiet)', { type: 'constant', urgency: 'low' });
  const rules = await api<Array<{ id: number; urgency: string }>>(agent, url, 'notificationRules.list', {});
  for (const r of rules.filter((r) => r.urgency === 'low')) await api(agent, url, 'notificationRules.delete', { id: r.id });
  const storm = await newService('Bench (storm)', { type: 'constant', urgency: 'high' });
  return { keys: { paging: await keyFor(paging.id), quiet: await keyFor(quiet.id), storm: await keyFor(storm.id) }, storm, paging };
}

/**
 * slowDisk is the slow-disk mode (`STANDBY_BENCH_SLOW_DISK_MS`): each of the server's disk flushes made
 * that much slower, quiet and paging runs at concurrency 16 while `GET /healthz` is asked every 5 ms,
 * against the same asked of the idle server first. The answer time is how long the event loop was
 * busy elsewhere, in COMMIT among others.
 */
async function slowDisk(delayMs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-slow-disk-'));
  const server = await startServer(dir, slowDiskEnv(delayMs));
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const desktop = openDesktop(new Agent({ keepAlive: true, maxSockets: 8 }), server.url);
  try {
    const { keys } = await prepare(agent, server.url);
    const rows = ['| scenario | events/s | /healthz answers | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|---:|'];
    const row = (name: string, rate: string, t: HealthzTimes) => rows.push(`| ${name} | ${rate} | ${t.count} | ${t.p50.toFixed(2)} | ${t.p99.toFixed(2)} | ${t.max.toFixed(2)} |`);
    const idle = probeHealthz(server.url);
    await new Promise((r) => setTimeout(r, 2_000));
    row('idle', '-', await idle.stop());
    let paged = 0;
    for (const [name, key] of [['new incidents, low urgency (no page)', keys.quiet], ['new incidents, paging the desktop', keys.paging]] as const) {
      const probe = probeHealthz(server.url);
      const r = await run(server.url, 16, 4_000, (i) => event(key, `slow-${name.length}-${i}`, i));
      row(name, String(Math.round(r.events / r.seconds)), await probe.stop());
      if (key !== keys.paging) continue;
      paged += r.events;
      const t0 = performance.now();
      while (desktop.confirmed() < paged && performance.now() - t0 < 120_000) await new Promise((ok) => setTimeout(ok, 20));
    }
    console.log(`Each disk flush ${delayMs} ms slower (bench/lib/slow-fsync.c), concurrency 16, 4,000 events each:\n`);
    console.log(rows.join('\n'));
  } finally {
    desktop.close();
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-ingest-'));
  const server = await startServer(dir);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const rows: string[] = [];
  const desktop = openDesktop(new Agent({ keepAlive: true, maxSockets: 8 }), server.url);
  try {
    const { keys, storm, paging } = await prepare(agent, server.url);

    rows.push('| scenario | concurrency | events | events/s | p50 ms | p99 ms | errors |', '|---|---:|---:|---:|---:|---:|---:|');
    const report = (name: string, c: number, r: RunResult) =>
      rows.push(`| ${name} | ${c} | ${r.events} | ${Math.round(r.events / r.seconds)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} |`);
    let n = 0;
    const drains: string[] = [];
    const at16: { quiet: number[]; paging: number[] } = { quiet: [], paging: [] };
    // The server's CPU per event at concurrency 16 (Linux): steadier than a rate on a shared machine.
    const cpu16: { quiet: number[]; paging: number[]; pagingWithDeliveries: number[] } = { quiet: [], paging: [], pagingWithDeliveries: [] };
    let paged = 0;
    /** once runs one scenario at concurrency c; after a paging run it waits until the UI confirmed every page, so the next run starts quiet. */
    const once = async (key: string, c: number, count: number): Promise<RunResult> => {
      const cpu0 = server.cpuMs();
      const r = await run(server.url, c, count, (i) => event(key, `bench-${n}-${i}`, i));
      const cpu1 = server.cpuMs();
      n++;
      const scenario = key === keys.paging ? 'paging' : 'quiet';
      if (c === 16) at16[scenario].push(r.events / r.seconds);
      if (c === 16 && cpu0 !== undefined && cpu1 !== undefined) cpu16[scenario].push((cpu1 - cpu0) / r.events);
      if (key !== keys.paging) return r;
      paged += r.events;
      const t0 = performance.now();
      while (desktop.confirmed() < paged && performance.now() - t0 < 120_000) await new Promise((ok) => setTimeout(ok, 20));
      const cpu2 = server.cpuMs();
      if (c === 16 && cpu0 !== undefined && cpu2 !== undefined) cpu16.pagingWithDeliveries.push((cpu2 - cpu0) / r.events);
      const total = r.seconds + (performance.now() - t0) / 1000;
      drains.push(`| ${c} | ${r.events} | ${(total).toFixed(1)} | ${Math.round(r.events / total)} | ${desktop.confirmed() >= paged ? 'yes' : 'NO'} |`);
      return r;
    };
    for (const [name, key] of [['new incidents, low urgency (no page)', keys.quiet], ['new incidents, paging the desktop', keys.paging]] as const) {
      for (const [c, count] of [[1, 1_000], [16, 10_000], [64, 10_000]] as const) report(name, c, await once(key, c, count));
    }
    // The ratio's two rates move by a third from one short run to the next on a shared machine: four more
    // runs of each at concurrency 16, alternating, and the ratio of the medians (of five).
    for (let round = 0; round < 4; round++) {
      report('new incidents, low urgency (no page), again', 16, await once(keys.quiet, 16, 10_000));
      report('new incidents, paging the desktop, again', 16, await once(keys.paging, 16, 10_000));
    }
    // With no UI connected, each desktop page waits for one (nothing is sent): the same pair of runs twice more, the desktop closed.
    desktop.close();
    await new Promise((ok) => setTimeout(ok, 1_000)); // for the server to see the stream closed
    const noUi: { quiet: number[]; paging: number[] } = { quiet: [], paging: [] };
    for (let round = 0; round < 2; round++) {
      for (const [scenario, key] of [['quiet', keys.quiet], ['paging', keys.paging]] as const) {
        const r = await run(server.url, 16, 10_000, (i) => event(key, `no-ui-${round}-${scenario}-${i}`, i));
        noUi[scenario].push(r.events / r.seconds);
        report(`new incidents, ${scenario === 'quiet' ? 'low urgency (no page)' : 'paging the desktop'}, no UI connected`, 16, r);
      }
    }
    const stormRun = await run(server.url, 64, 10_000, (i) => event(keys.storm, 'storm', i));
    report('dedup storm: 10,000 triggers, one dedup key', 64, stormRun);
    const stormIncidents = await api<{ total: number; incidents: Array<{ alertCount: number }> }>(agent, server.url, 'incidents.list', { serviceId: storm.id });
    console.log(rows.join('\n'));
    console.log(`\nDedup storm: ${stormRun.events} triggers answered 202 -> ${stormIncidents.total} incident(s) with ${stormIncidents.incidents[0]?.alertCount ?? 0} alerts.`);
    console.log('\nDesktop pages, from the first trigger to the last confirmation by the connected UI:\n');
    console.log(['| concurrency | pages | seconds | pages delivered/s | all confirmed |', '|---:|---:|---:|---:|---|', ...drains].join('\n'));
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const ratio = median(at16.paging) / median(at16.quiet);
    const rates = (v: number[]) => v.map((x) => Math.round(x)).join(', ');
    console.log(`\nIngest at concurrency 16, every event paging the desktop: ${Math.round(median(at16.paging))} events/s (median of ${rates(at16.paging)}) against ${Math.round(median(at16.quiet))} without paging (median of ${rates(at16.quiet)}), ${(ratio * 100).toFixed(0)} % (goal: at least 70 %).`);
    console.log(`Each pair in turn: ${at16.quiet.map((q, i) => `${((at16.paging[i]! / q) * 100).toFixed(0)} %`).join(', ')}.`);
    // The last paged incident's desktop page: with no UI connected it waits for one, nothing sent.
    const last = (await api<{ incidents: Array<{ id: number }> }>(agent, server.url, 'incidents.list', { serviceId: paging.id, limit: 1 })).incidents[0]!;
    const waited = (await api<{ timeline: Array<{ type: string; data: { outcome?: string } }> }>(agent, server.url, 'incidents.get', { id: last.id })).timeline.some((e) => e.type === 'notify' && e.data.outcome === 'waiting');
    console.log(`With no UI connected (the same pair twice more, the desktop closed; each page waits for a UI${waited ? '' : ': NOT SEEN in the last incident'}): ${Math.round(Math.max(...noUi.paging))} against ${Math.round(Math.max(...noUi.quiet))} events/s (the higher of two runs each), ${((Math.max(...noUi.paging) / Math.max(...noUi.quiet)) * 100).toFixed(0)} %.`);
    if (cpu16.quiet.length > 0 && cpu16.paging.length > 0) {
      const ms = (v: number[]) => median(v).toFixed(3);
      console.log(`The server's CPU per event at concurrency 16 (all its threads, medians): ${ms(cpu16.quiet)} ms without paging; ${ms(cpu16.paging)} ms paging, during the run (with the deliveries made meanwhile); ${ms(cpu16.pagingWithDeliveries)} ms with all of its deliveries.`);
    }
    console.log(`Machine: ${process.platform} ${process.arch}, Node ${process.version}; database in ${tmpdir()} (WAL; synchronous=FULL, the group commit NORMAL with the log flushed off the event loop before any answer).`);
  } finally {
    desktop.close();
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const slowDiskMs = process.env.STANDBY_BENCH_SLOW_DISK_MS;
if (slowDiskMs === undefined) await main();
else if (!(Number(slowDiskMs) > 0 && Number(slowDiskMs) <= 1_000)) throw new Error(`STANDBY_BENCH_SLOW_DISK_MS must be a number of milliseconds above 0 and at most 1000, not "${slowDiskMs}"`);
else await slowDisk(Number(slowDiskMs));
