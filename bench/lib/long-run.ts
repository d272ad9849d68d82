/**
 * The monitors bench's long run (`STANDBY_BENCH_LONG=60 npm run bench -- monitors`): `standby serve`
 * (its bundle when fresh) on a configuration, for `minutes`, its RSS and RssAnon read from /proc every
 * `everyS` seconds, then the last sample against the first (goal: within 10 %). Linux only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, stopServe } from './serve-child.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** longRun prints the table, a row per sample, and the change from the first sample to the last. */
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
  const samples: Array<{ minute: number; rss: number; anon: number }> = [];
  const t0 = Date.now();
  try {
    console.log(`| minute | RSS | own memory (RssAnon) | checks stored |\n|---:|---:|---:|---:|`);
    for (let i = 1; (Date.now() - t0) / 60_000 < o.minutes; i++) {
      await sleep(Math.max(0, t0 + i * o.everyS * 1000 - Date.now()));
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) * 1024;
      const checks = (db.prepare('SELECT COUNT(*) AS n FROM monitor_results').get() as { n: number }).n;
      const minute = (Date.now() - t0) / 60_000;
      samples.push({ minute, rss: kb('VmRSS'), anon: kb('RssAnon') });
      console.log(`| ${minute.toFixed(1)} | ${mb(kb('VmRSS'))} | ${mb(kb('RssAnon'))} | ${checks} |`);
    }
  } finally {
    db.close();
    await stopServe(child);
    rmSync(dir, { recursive: true, force: true });
  }
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const most = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  console.log(`\nRSS at the end ${mb(last.rss)} against ${mb(first.rss)} at the first sample: ${(((last.rss - first.rss) / first.rss) * 100).toFixed(1)} % (goal: within 10 %).`);
  console.log(`RSS at most ${(most.rss / 1024 / 1024).toFixed(1)} MB, first reached at minute ${most.minute.toFixed(1)} (goal: under 100 MB); own memory (RssAnon) ${mb(first.anon)} at the first sample, ${mb(last.anon)} at the end.`);
}
