/**
 * The monitors bench's long run (`STANDBY_BENCH_LONG=60 npm run bench -- monitors`): `standby serve`
 * (its bundle when fresh) on a configuration, for `minutes`. Its RSS and RssAnon are read from /proc
 * every second and printed per `everyS` window (the highest and the mean), then the last window's
 * highest against the first's (goal: within 10 %). Linux only. One reading a minute, as before the
 * eighteenth round, can fall at the same point of something the server does every minute and miss
 * its peaks (docs/performance.md, eighteenth round).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, stopServe } from './serve-child.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const mb1 = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** SAMPLE_MS is how often RSS is read within a window. */
const SAMPLE_MS = 1_000;

/** longRun prints the table, a row per window, and the change from the first window to the last. */
export async function longRun(o: { configText: string; minutes: number; everyS: number; flags: string[] }): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('long run: skipped (it reads /proc, Linux only)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-long-'));
  const file = join(dir, 'standby.json');
  writeFileSync(file, o.configText);
  const child = await startServe({ dataDir: join(dir, 'data'), configFile: file, flags: o.flags, timeoutMs: 60_000 });
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(dir, 'data', 'standby.db'), { readOnly: true });
  const samples: Array<{ minute: number; rss: number; meanRss: number; anon: number }> = [];
  const t0 = Date.now();
  const read = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) * 1024;
    return { rss: kb('VmRSS'), anon: kb('RssAnon') };
  };
  try {
    console.log(`| minute | RSS (highest) | RSS (mean) | own memory (RssAnon, highest) | checks stored |\n|---:|---:|---:|---:|---:|`);
    for (let i = 1; (Date.now() - t0) / 60_000 < o.minutes; i++) {
      const window: Array<{ rss: number; anon: number }> = [];
      const end = t0 + i * o.everyS * 1000;
      while (Date.now() < end) {
        window.push(read());
        await sleep(Math.min(SAMPLE_MS, Math.max(0, end - Date.now())));
      }
      window.push(read());
      const checks = (db.prepare('SELECT COUNT(*) AS n FROM monitor_results').get() as { n: number }).n;
      const minute = (Date.now() - t0) / 60_000;
      const rss = Math.max(...window.map((w) => w.rss));
      const meanRss = window.reduce((a, w) => a + w.rss, 0) / window.length;
      const anon = Math.max(...window.map((w) => w.anon));
      samples.push({ minute, rss, meanRss, anon });
      console.log(`| ${minute.toFixed(1)} | ${mb1(rss)} | ${mb1(meanRss)} | ${mb(anon)} | ${checks} |`);
    }
  } finally {
    db.close();
    await stopServe(child);
    rmSync(dir, { recursive: true, force: true });
  }
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const most = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  console.log(`\nRSS at the end (the last window's highest) ${mb1(last.rss)} against ${mb1(first.rss)} in the first window: ${(((last.rss - first.rss) / first.rss) * 100).toFixed(1)} % (goal: within 10 %).`);
  console.log(`RSS at most ${mb1(most.rss)}, first in the window ending at minute ${most.minute.toFixed(1)} (goal: under 100 MB); own memory (RssAnon) ${mb(first.anon)} in the first window, ${mb(last.anon)} in the last.`);
}
