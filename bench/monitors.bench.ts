/**
 * `node bench/monitors.bench.ts`: the built-in monitors under load, on loopback only, each row in a
 * fresh Node process against the same loopback target (its own process, so its CPU is not counted).
 * 1. The floor: a bare `http.request` prober (bench/lib/bare-prober.ts) with 2,000 URLs at 10 s.
 * 2. Standby with 0, 100, 1,000 and 2,000 HTTP monitors at 10 s: checks/s, CPU per check, RSS,
 *    lateness p50/p99; 2,000 once with Node's defaults and once with the V8 flags Standby ships.
 *    CPU per check at 2,000 is printed against the floor, with the ratio (goal: at most 2x): the two
 *    run side by side, each in its own process, over the same 20 s, three times.
 * 3. Standby's reported total time for one URL against curl's `time_total` (median difference).
 * 4. Idle cost of the headless server: CPU % of one core and RSS with 20 monitors at 60 s.
 * Goals (issue 14): ratio <= 2x, RSS < 100 MB, lateness p99 < 50 ms at 2,000 monitors; within 1 ms
 * of curl. Also `standby serve` itself at 2,000 monitors, from its bundle and from its sources
 * (`--served` runs only those two rows). Runs in about 6 minutes.
 *
 * Long mode: `STANDBY_BENCH_LONG=60 npm run bench -- monitors` (or `node bench/monitors.bench.ts
 * --long 60`) runs `standby serve` with 2,000 monitors for 60 minutes and prints the highest RSS of each minute (read every second), then the last minute
 * against the first (goal: within 10 %). STANDBY_BENCH_LONG_EVERY_S changes the minute (for a short try).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SERVER_FLAGS } from '../electron/engine/runtime-flags.ts';
import { startBareProber } from './lib/bare-prober.ts';
import { longRun } from './lib/long-run.ts';
import { procStat, startServe, stopServe } from './lib/serve-child.ts';

const ROOT = resolve(import.meta.dirname, '..');
const INTERVAL_S = 10;
const WARMUP_S = Number(process.env.STANDBY_BENCH_WARMUP_S ?? 12);
const MEASURE_S = 20;
const IDLE_S = 30;
const CURL_PAIRS = 60;
/** RATIO_PAIRS is how many times the bare prober and Standby run side by side, for the CPU ratio (the median of the pairs'). */
const RATIO_PAIRS = 3;
/** PAIR_START_S is how long a side-by-side pair's two processes have to start before their common warm-up begins. */
const PAIR_START_S = 5;
/** SHIPPED_FLAGS are the V8 flags the headless server runs with (electron/engine/runtime-flags.ts). */
const SHIPPED_FLAGS = [...SERVER_FLAGS];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SERVER = `require('http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'text/plain' }); s.end('ok'); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

/** startTarget runs the loopback HTTP server in its own process, so its CPU is not counted as Standby's. */
async function startTarget(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}/`, child };
}

function config(url: string, n: number, intervalSeconds: number): string {
  return JSON.stringify({
    version: 1,
    profile: { name: 'Bench', email: '', phone: '', timeZone: 'UTC' },
    escalationPolicies: [{ name: 'Default', levels: [{ delayMinutes: 15, targets: [{ kind: 'me' }] }] }],
    services: [{ name: 'Bench', escalationPolicy: 'Default' }],
    monitors: Array.from({ length: n }, (_, i) => ({ name: `m${i + 1}`, kind: 'http', service: 'Bench', config: { url }, intervalSeconds, timeoutSeconds: 5 })),
    monitoring: { referenceTargets: [] },
  });
}

const pct = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
const median = (xs: number[]) => pct([...xs].sort((a, b) => a - b), 0.5);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** LoadRow is one row of the load table. */
interface LoadRow {
  who: 'standby' | 'bare';
  n: number;
  checksPerSecond: number;
  cpuMsPerCheck: number;
  rssMax: number;
  /** anonMax is the RSS that is the process's own memory, without the pages of Node's binary it runs (RssAnon, Linux only). */
  anonMax: number;
  heapMax: number;
  p50: number;
  p99: number;
  down: number;
}

/** rssAnon reads the process's anonymous resident memory (its own, not its binary's pages), 0 where /proc is missing. */
function rssAnon(): number {
  try {
    return Number(/RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Probe is what a load row measures: a running set of checks that counts and reports lateness. */
interface Probe {
  settle(): void;
  checks(): number;
  down(): number;
  takeLateness(): number[];
  stop(): Promise<void>;
}

/** standbyProbe runs Standby's engine; it is imported here, so the bare prober's process never loads it. */
async function standbyProbe(url: string, n: number): Promise<Probe> {
  // As the headless server does (electron/engine/headless/cli.mjs); main() warms the cache first.
  (await import('node:module')).enableCompileCache();
  const { SystemClock } = await import('../electron/engine/clock.ts');
  const { importConfig } = await import('../electron/engine/config/config-file.ts');
  const { Engine } = await import('../electron/engine/engine.ts');
  const { ChannelRegistry } = await import('../electron/engine/notify/registry.ts');
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-'));
  const engine = new Engine({ databasePath: join(dir, 'standby.db'), clock: new SystemClock(), channels: new ChannelRegistry() });
  importConfig(engine.store, config(url, n, INTERVAL_S));
  await engine.start();
  const count = (sql: string) => (engine.store.db.prepare(sql).get() as { n: number }).n;
  return {
    settle: () => engine.monitors.flush(),
    checks: () => count('SELECT COUNT(*) AS n FROM monitor_results'),
    down: () => count("SELECT COUNT(*) AS n FROM monitor_results WHERE status != 'up'"),
    takeLateness: () => engine.monitors.scheduler.takeLateness(),
    stop: async () => {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function bareProbe(url: string, n: number): Probe {
  const p = startBareProber(url, n, INTERVAL_S * 1000);
  return { settle: () => {}, checks: p.checks, down: p.failures, takeLateness: p.takeLateness, stop: async () => p.stop() };
}

/**
 * load runs n checks for WARMUP_S + MEASURE_S seconds in this process and measures the MEASURE_S part.
 * With `measureAt` (a wall-clock time, ms), the measured part starts then instead (at least WARMUP_S
 * after the checks start): two processes given the same time measure the same 20 s.
 */
async function load(who: LoadRow['who'], url: string, n: number, measureAt?: number): Promise<LoadRow> {
  const probe = who === 'bare' ? bareProbe(url, n) : await standbyProbe(url, n);
  await sleep(Math.max(WARMUP_S * 1000, (measureAt ?? 0) - Date.now()));
  probe.settle();
  probe.takeLateness();
  const before = probe.checks();
  const profiler = process.env.STANDBY_BENCH_PROFILE ? await startProfiler() : undefined;
  const cpu0 = process.cpuUsage();
  let rssMax = 0;
  let heapMax = 0;
  let anonMax = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssMax = Math.max(rssMax, m.rss);
    heapMax = Math.max(heapMax, m.heapUsed);
    anonMax = Math.max(anonMax, rssAnon());
  }, 250);
  await sleep(MEASURE_S * 1000);
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  await profiler?.(join(process.env.STANDBY_BENCH_PROFILE!, `${who}-${n}`));
  const lateness = probe.takeLateness().sort((a, b) => a - b);
  probe.settle();
  const checks = probe.checks() - before;
  const down = probe.down();
  await probe.stop();
  return { who, n, checksPerSecond: checks / MEASURE_S, cpuMsPerCheck: checks ? (cpu.user + cpu.system) / 1000 / checks : NaN, rssMax, anonMax, heapMax, p50: pct(lateness, 0.5), p99: pct(lateness, 0.99), down };
}

/**
 * startProfiler records a CPU profile and a sampling heap profile (allocations, including those
 * collected since) of the measured part only; STANDBY_BENCH_PROFILE=<dir> turns it on. The returned
 * function stops and writes `<path>.cpuprofile` and `<path>.heapprofile` (open them in Chrome's DevTools).
 */
async function startProfiler(): Promise<(path: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async (path) => {
    const { profile } = await session.post('Profiler.stop');
    const heap = await session.post('HeapProfiler.stopSampling');
    writeFileSync(`${path}.cpuprofile`, JSON.stringify(profile));
    writeFileSync(`${path}.heapprofile`, JSON.stringify(heap.profile));
    session.disconnect();
  };
}

/** loadInChild runs one load row in a fresh Node process (with extra V8 flags), so one row's memory does not show in the next; `measureAt` as for load(). */
async function loadInChild(who: LoadRow['who'], url: string, n: number, flags: string[] = [], measureAt?: number): Promise<LoadRow & { flags: string[] }> {
  const at = measureAt === undefined ? [] : [String(measureAt)];
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, import.meta.filename, '--load', who, String(n), url, ...at], { maxBuffer: 1024 * 1024 });
  return { ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadRow), flags };
}

/** versusCurl alternates Standby's HTTP check and curl on the same URL; both open a fresh connection each time. */
async function versusCurl(url: string) {
  const { httpMonitor } = await import('../electron/engine/monitors/types/http.ts');
  const run = promisify(execFile);
  const { Agent, request } = await import('node:http');
  const agent = new Agent({ keepAlive: false });
  /** bare times one bare http.request from its call to the response's end, as Standby's check does. */
  const bare = () => new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    }).on('error', reject).end();
  });
  const standby: number[] = [];
  const curl: number[] = [];
  const node: number[] = [];
  const config = httpMonitor.schema.parse({ url });
  for (let i = 0; i < CURL_PAIRS; i++) {
    const r = await httpMonitor.check(config, { signal: AbortSignal.timeout(5000), timeoutMs: 5000, now: Date.now, heartbeat: () => undefined });
    standby.push(r.phases!.total!);
    const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', url]);
    curl.push(Number(stdout) * 1000);
    node.push(await bare());
  }
  agent.destroy();
  const diffs = standby.map((s, i) => s - curl[i]!);
  return { standby: median(standby), curl: median(curl), node: median(node), diff: median(diffs) };
}

/**
 * idle starts the headless server with 20 monitors at 60 s and measures it for IDLE_S seconds. Its
 * secrets come from the environment (STANDBY_SECRETS_FROM_ENV=1), so it needs no keychain to start.
 */
async function idle(url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-idle-'));
  const file = join(dir, 'standby.json');
  writeFileSync(file, config(url, 20, 60));
  const child = await startServe({ dataDir: join(dir, 'data'), configFile: file, flags: SHIPPED_FLAGS, timeoutMs: 30_000 });
  try {
    await sleep(5000);
    const a = procStat(child.pid!);
    await sleep(IDLE_S * 1000);
    const b = procStat(child.pid!);
    return { cpuPercent: ((b.cpuMs - a.cpuMs) / (IDLE_S * 1000)) * 100, rss: b.rss };
  } finally {
    await stopServe(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * served runs `standby serve` (electron/engine/headless/cli.mjs, as a person starts it, with the
 * shipped V8 flags) with n HTTP monitors at 10 s and measures it from outside for MEASURE_S seconds
 * after WARMUP_S: RSS (max, sampled every 250 ms), RssAnon, and CPU per check (the process's CPU over
 * the checks its database gained). `engine` picks the prebuilt bundle or the TypeScript sources.
 */
async function served(url: string, n: number, engine: 'bundle' | 'source') {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-served-'));
  const file = join(dir, 'standby.json');
  writeFileSync(file, config(url, n, INTERVAL_S));
  const child = await startServe({ dataDir: join(dir, 'data'), configFile: file, flags: SHIPPED_FLAGS, env: { STANDBY_ENGINE: engine === 'source' ? 'source' : '' }, timeoutMs: 60_000 });
  const { DatabaseSync } = await import('node:sqlite');
  let db: InstanceType<typeof DatabaseSync> | undefined;
  try {
    await sleep(WARMUP_S * 1000);
    db = new DatabaseSync(join(dir, 'data', 'standby.db'), { readOnly: true });
    const checks = () => (db!.prepare('SELECT COUNT(*) AS n FROM monitor_results').get() as { n: number }).n;
    const a = procStat(child.pid!);
    const c0 = checks();
    let rssMax = 0;
    let anonMax = 0;
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        rssMax = Math.max(rssMax, Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024);
        anonMax = Math.max(anonMax, Number(/RssAnon:\s+(\d+)/.exec(status)![1]) * 1024);
      } catch {
        // the process ended; the row says so by its numbers
      }
    }, 250);
    await sleep(MEASURE_S * 1000);
    clearInterval(sampler);
    const b = procStat(child.pid!);
    const stored = checks() - c0;
    return { engine, n, rssMax, anonMax, checksPerSecond: stored / MEASURE_S, cpuMsPerCheck: stored ? (b.cpuMs - a.cpuMs) / stored : NaN };
  } finally {
    db?.close();
    await stopServe(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--load') {
  const measureAt = process.argv[6] === undefined ? undefined : Number(process.argv[6]);
  console.log(JSON.stringify(await load(process.argv[3] as LoadRow['who'], process.argv[5]!, Number(process.argv[4]), measureAt)));
  process.exit(0);
}
if (process.argv[2] === '--warm-cache') {
  (await import('node:module')).enableCompileCache();
  await import('../electron/engine/engine.ts');
  process.exit(0);
}

/** servedTable prints `standby serve` at 2,000 monitors from its prebuilt bundle and from its sources, one after the other. */
async function servedTable(url: string): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('\n`standby serve` rows: skipped (they read /proc, Linux only)');
    return;
  }
  const { engineModule } = await import('../electron/engine/headless/engine-bundle.mjs');
  const bundle = engineModule(ROOT);
  if (!bundle.bundled) console.log(`\n(the bundle row runs the sources: ${bundle.why})`);
  console.log(`\n| \`standby serve\`, 2,000 HTTP monitors at 10 s (node ${SHIPPED_FLAGS.join(' ')}) | checks/s (expected) | CPU per check | RSS (max) | own memory (RssAnon, max) |`);
  console.log('|---|---:|---:|---:|---:|');
  let shipped = NaN;
  for (const engine of ['source', 'bundle'] as const) {
    const r = await served(url, 2000, engine);
    const label = engine === 'bundle' ? 'the prebuilt bundle (out/engine, what `standby serve` runs after `npm run build`)' : 'the TypeScript sources (STANDBY_ENGINE=source: no build, or a stale one)';
    console.log(`| ${label} | ${r.checksPerSecond.toFixed(1)} (${2000 / INTERVAL_S}) | ${r.cpuMsPerCheck.toFixed(3)} ms | ${mb(r.rssMax)} | ${mb(r.anonMax)} |`);
    if (engine === 'bundle' && bundle.bundled) shipped = r.rssMax;
  }
  const verdict = Number.isNaN(shipped) ? 'not measured: the bundle row ran the sources (npm run build first)' : `the bundle ${(shipped / 1024 / 1024).toFixed(1)} MB: ${shipped < 100 * 1024 * 1024 ? 'met' : 'NOT met'}`;
  console.log(`Goal: RSS under 100 MB at 2,000 monitors for what \`standby serve\` runs (${verdict}).`);
}

if (process.argv[2] === '--served') {
  const target = await startTarget();
  try {
    await servedTable(target.url);
  } finally {
    target.child.kill();
  }
  process.exit(0);
}

const longMinutes = Number(process.argv[2] === '--long' ? process.argv[3] : process.env.STANDBY_BENCH_LONG ?? 0);
const target = await startTarget();
try {
  if (longMinutes > 0) {
    const everyS = Number(process.env.STANDBY_BENCH_LONG_EVERY_S ?? 60);
    console.log(`\`standby serve\` with 2,000 HTTP monitors at ${INTERVAL_S} s for ${longMinutes} min, RSS read every second, a row per ${everyS} s (node ${SHIPPED_FLAGS.join(' ')}):\n`);
    await longRun({ configText: config(target.url, 2000, INTERVAL_S), minutes: longMinutes, everyS, flags: SHIPPED_FLAGS });
  } else {
    // The compile cache is warm for every row, as it is for the headless server from its second start.
    await promisify(execFile)(process.execPath, [import.meta.filename, '--warm-cache']);
    console.log('| HTTP checks at 10 s | checks/s (expected) | CPU per check | RSS (max) | own memory (RssAnon, max) | JS heap (max) | lateness p50 | lateness p99 | not up |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    const print = (r: LoadRow & { flags: string[] }, how?: string) => {
      const cpu = Number.isFinite(r.cpuMsPerCheck) ? `${r.cpuMsPerCheck.toFixed(3)} ms` : '-';
      const late = r.n === 0 ? '- | -' : `${r.p50} ms | ${r.p99} ms`;
      const flags = r.flags.length ? ` (node ${r.flags.join(' ')})` : " (Node's defaults)";
      const label = (r.who === 'bare' ? `bare http.request prober, ${r.n} URLs${flags}` : r.n === 0 ? 'Standby, 0 monitors (the engine alone)' : `Standby, ${r.n} monitors${flags}`) + (how ? `, ${how}` : '');
      console.log(`| ${label} | ${r.checksPerSecond.toFixed(1)} (${r.n / INTERVAL_S}) | ${cpu} | ${mb(r.rssMax)} | ${mb(r.anonMax)} | ${mb(r.heapMax)} | ${late} | ${r.down} |`);
    };
    // The ratio's two sides run side by side, each in its own process over the same 20 s, RATIO_PAIRS
    // times: the machine's noise moves a single 20 s run by a fifth or more (a pair run in turn from 1.3
    // to 2.6x within minutes), and what it does to one side in a window it does to the other.
    const pairs: Array<{ bare: LoadRow & { flags: string[] }; standby: LoadRow & { flags: string[] } }> = [];
    for (let i = 0; i < RATIO_PAIRS; i++) {
      const measureAt = Date.now() + (PAIR_START_S + WARMUP_S) * 1000;
      const [bare, standby] = await Promise.all([
        loadInChild('bare', target.url, 2000, SHIPPED_FLAGS, measureAt),
        loadInChild('standby', target.url, 2000, SHIPPED_FLAGS, measureAt),
      ]);
      print(bare, 'side by side with the next row');
      print(standby, 'side by side with the row before');
      pairs.push({ bare, standby });
    }
    // Alone, for its memory and lateness (side by side, the two share the machine's two cores).
    const shipped = await loadInChild('standby', target.url, 2000, SHIPPED_FLAGS);
    print(shipped, 'alone');
    for (const n of [0, 100, 1000, 2000]) print(await loadInChild('standby', target.url, n));
    const ratios = pairs.map((p) => p.standby.cpuMsPerCheck / p.bare.cpuMsPerCheck);
    const bareMs = median(pairs.map((p) => p.bare.cpuMsPerCheck));
    const standbyMs = median(pairs.map((p) => p.standby.cpuMsPerCheck));
    console.log(`\nCPU per HTTP check at 2,000 monitors / 10 s (both with node ${SHIPPED_FLAGS.join(' ')}, side by side over the same 20 s, ${RATIO_PAIRS} times): Standby ${standbyMs.toFixed(3)} ms, bare http.request ${bareMs.toFixed(3)} ms (medians); ratio ${median(ratios).toFixed(2)}x, the median of the pairs' ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')} (goal: at most 2x).`);
    // This row runs the engine's TypeScript sources inside the bench's own process (Node's type stripper
    // and the bench loaded too): its RSS is not what a person runs. The RSS goal is read from the
    // `standby serve` rows below, the server as it ships.
    console.log(`Standby alone: lateness p99 ${shipped.p99} ms (goal: under 50 ms). Its RSS (${mb(shipped.rssMax)}) is the bench process running the TypeScript sources; the RSS goal is read from \`standby serve\` below.`);

    await servedTable(target.url);

    const curl = await versusCurl(target.url);
    console.log('\n| loopback GET, fresh connection | median total |');
    console.log('|---|---:|');
    console.log(`| Standby (the check's reported total: got's request events, timed with performance.now()) | ${curl.standby.toFixed(3)} ms |`);
    console.log(`| curl time_total | ${curl.curl.toFixed(3)} ms |`);
    console.log(`| bare http.request, from the call to the response's end (Node's own floor) | ${curl.node.toFixed(3)} ms |`);
    console.log(`| median difference (Standby - curl), ${CURL_PAIRS} pairs (goal: within 1 ms) | ${curl.diff.toFixed(3)} ms |`);

    if (process.platform === 'linux') {
      const idleCost = await idle(target.url);
      console.log(`\n| headless server, 20 monitors at 60 s, over ${IDLE_S} s | CPU (% of one core) | RSS |`);
      console.log('|---|---:|---:|');
      console.log(`| idle | ${idleCost.cpuPercent.toFixed(2)} % | ${mb(idleCost.rss)} |`);
    } else {
      console.log('\nidle cost: skipped (reads /proc, Linux only)');
    }
    console.log(`\nNode ${process.version}, ${WARMUP_S} s warm-up, ${MEASURE_S} s measured per row, each row in its own process.`);
  }
} finally {
  target.child.kill();
}
