/**
 * `node bench/monitors.bench.ts`: the built-in monitors under load, on loopback only.
 * 1. 100, 1,000 and 2,000 HTTP monitors at a 10 s interval against a loopback HTTP server (in its
 *    own process): checks per second, CPU per check, RSS, and how late checks start (p50/p99).
 * 2. Standby's reported total time for one URL against curl's `time_total` (median difference).
 * 3. Idle cost of the headless server: CPU % of one core and RSS over 60 s with 20 monitors at 60 s.
 * Goals (issue 3): 2,000 monitors with lateness p99 < 100 ms and RSS < 200 MB; latency within 1 ms
 * of curl; idle under 1 % of one core. Runs in about 3 minutes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SystemClock } from '../electron/engine/clock.ts';
import { importConfig } from '../electron/engine/config/config-file.ts';
import { Engine } from '../electron/engine/engine.ts';
import { httpMonitor } from '../electron/engine/monitors/types/http.ts';
import { ChannelRegistry } from '../electron/engine/notify/registry.ts';
import { V8_FLAGS } from '../electron/engine/runtime-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WARMUP_S = 12;
const MEASURE_S = 20;
const IDLE_S = 60;
const CURL_PAIRS = 60;
/** SHIPPED_FLAGS are the V8 flags Standby runs with (electron/engine/runtime-flags.ts); the last row uses them. */
const SHIPPED_FLAGS = [...V8_FLAGS];
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
  n: number;
  checksPerSecond: number;
  cpuMsPerCheck: number;
  rssMax: number;
  heapMax: number;
  p50: number;
  p99: number;
  down: number;
}

/** load runs n monitors for WARMUP_S + MEASURE_S seconds in this process and measures the MEASURE_S part. */
async function load(url: string, n: number): Promise<LoadRow> {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-'));
  const engine = new Engine({ databasePath: join(dir, 'standby.db'), clock: new SystemClock(), channels: new ChannelRegistry() });
  importConfig(engine.store, config(url, n, 10));
  await engine.start();
  await sleep(WARMUP_S * 1000);
  engine.monitors.flush();
  engine.monitors.scheduler.takeLateness();
  const count = () => (engine.store.db.prepare('SELECT COUNT(*) AS n FROM monitor_results').get() as { n: number }).n;
  const before = count();
  const cpu0 = process.cpuUsage();
  let rssMax = 0;
  let heapMax = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssMax = Math.max(rssMax, m.rss);
    heapMax = Math.max(heapMax, m.heapUsed);
  }, 250);
  await sleep(MEASURE_S * 1000);
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const lateness = engine.monitors.scheduler.takeLateness().sort((a, b) => a - b);
  engine.monitors.flush();
  const checks = count() - before;
  const down = (engine.store.db.prepare("SELECT COUNT(*) AS n FROM monitor_results WHERE status != 'up'").get() as { n: number }).n;
  await engine.stop();
  return { n, checksPerSecond: checks / MEASURE_S, cpuMsPerCheck: checks ? (cpu.user + cpu.system) / 1000 / checks : NaN, rssMax, heapMax, p50: pct(lateness, 0.5), p99: pct(lateness, 0.99), down };
}

/** loadInChild runs one load row in a fresh Node process (with extra V8 flags), so one row's memory does not show in the next. */
async function loadInChild(url: string, n: number, flags: string[] = []): Promise<LoadRow & { flags: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, import.meta.filename, '--load', String(n), url], { maxBuffer: 1024 * 1024 });
  return { ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadRow), flags };
}

/** versusCurl alternates Standby's HTTP check and curl on the same URL; both open a fresh connection each time. */
async function versusCurl(url: string) {
  const run = promisify(execFile);
  const standby: number[] = [];
  const curl: number[] = [];
  for (let i = 0; i < CURL_PAIRS; i++) {
    const r = await httpMonitor.check(httpMonitor.schema.parse({ url }), { signal: AbortSignal.timeout(5000), timeoutMs: 5000, now: Date.now, heartbeat: () => undefined });
    standby.push(r.phases!.total!);
    const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', url]);
    curl.push(Number(stdout) * 1000);
  }
  const diffs = standby.map((s, i) => s - curl[i]!);
  return { standby: median(standby), curl: median(curl), diff: median(diffs) };
}

/** procStat reads a process's CPU time (ms) and RSS (bytes) from /proc. */
function procStat(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5), in clock ticks (USER_HZ, 100 on Linux).
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpuMs: ticks * 10, rss: rssKb * 1024 };
}

/** idle starts the headless server with 20 monitors at 60 s and measures it for IDLE_S seconds. */
async function idle(url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-idle-'));
  const file = join(dir, 'standby.json');
  writeFileSync(file, config(url, 20, 60));
  const child = spawn(process.execPath, [...SHIPPED_FLAGS, join(ROOT, 'electron/engine/headless/cli.ts'), 'serve', '--port', '0', '--data-dir', join(dir, 'data'), '--config', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening on') && r()));
  await sleep(5000);
  const a = procStat(child.pid!);
  await sleep(IDLE_S * 1000);
  const b = procStat(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { cpuPercent: ((b.cpuMs - a.cpuMs) / (IDLE_S * 1000)) * 100, rss: b.rss };
}

if (process.argv[2] === '--load') {
  console.log(JSON.stringify(await load(process.argv[4]!, Number(process.argv[3]))));
  process.exit(0);
}

const target = await startTarget();
try {
  const rows = [];
  for (const n of [0, 100, 1000, 2000]) rows.push(await loadInChild(target.url, n));
  // Node's defaults first, then the flags Standby ships with (runtime-flags.ts): V8 sizes its young
  // generation by allocation rate and got allocates a lot per request.
  rows.push(await loadInChild(target.url, 2000, SHIPPED_FLAGS));
  const curl = await versusCurl(target.url);
  const idleCost = process.platform === 'linux' ? await idle(target.url) : undefined;

  console.log('| HTTP monitors (10 s) | checks/s (expected) | CPU per check | RSS (max) | JS heap (max) | lateness p50 | lateness p99 | not up |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const cpu = Number.isFinite(r.cpuMsPerCheck) ? `${r.cpuMsPerCheck.toFixed(2)} ms` : '-';
    const late = r.n === 0 ? '- | -' : `${r.p50} ms | ${r.p99} ms`;
    const label = r.n === 0 ? '0 (the engine alone)' : `${r.n}${r.flags.length ? ` (node ${r.flags.join(' ')})` : ''}`;
    console.log(`| ${label} | ${r.checksPerSecond.toFixed(1)} (${r.n / 10}) | ${cpu} | ${mb(r.rssMax)} | ${mb(r.heapMax)} | ${late} | ${r.down} |`);
  }
  console.log('\n| loopback GET, fresh connection | median total |');
  console.log('|---|---:|');
  console.log(`| Standby (the check's reported total: got's request events, timed with performance.now()) | ${curl.standby.toFixed(3)} ms |`);
  console.log(`| curl time_total | ${curl.curl.toFixed(3)} ms |`);
  console.log(`| median difference (Standby - curl), ${CURL_PAIRS} pairs | ${curl.diff.toFixed(3)} ms |`);
  if (idleCost) {
    console.log(`\n| headless server, 20 monitors at 60 s, over ${IDLE_S} s | CPU (% of one core) | RSS |`);
    console.log('|---|---:|---:|');
    console.log(`| idle | ${idleCost.cpuPercent.toFixed(2)} % | ${mb(idleCost.rss)} |`);
  } else {
    console.log('\nidle cost: skipped (reads /proc, Linux only)');
  }
  console.log(`\nGoals: 2,000 monitors with lateness p99 < 100 ms and RSS < 200 MB; within 1 ms of curl; idle < 1 % of one core. Node ${process.version}, ${WARMUP_S} s warm-up, ${MEASURE_S} s measured per row.`);
} finally {
  target.child.kill();
}
