/**
 * The ingest bench's slow-disk mode (`STANDBY_BENCH_SLOW_DISK_MS=5`): the server runs with an
 * LD_PRELOAD shim (slow-fsync.c, compiled here with the system's C compiler) that makes each disk
 * flush that much slower, and a prober asks for `GET /healthz` meanwhile. Its answer time is how long
 * the server's event loop was busy elsewhere: what a check due at that moment, or any request, waits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** slowDiskEnv compiles the shim and answers the environment that makes a server's flushes delayMs slower; it throws, saying why, where it cannot (not Linux, no C compiler). */
export function slowDiskEnv(delayMs: number): Record<string, string> {
  if (process.platform !== 'linux') throw new Error('the slow-disk mode needs Linux (an LD_PRELOAD shim around fdatasync)');
  const out = join(mkdtempSync(join(tmpdir(), 'standby-slow-fsync-')), 'slow-fsync.so');
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', out, resolve(import.meta.dirname, 'slow-fsync.c'), '-ldl'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the slow-disk mode compiles bench/lib/slow-fsync.c with cc, which failed: ${(err as Error).message}`, { cause: err });
  }
  return { LD_PRELOAD: out, STANDBY_BENCH_FSYNC_DELAY_US: String(Math.round(delayMs * 1000)) };
}

/** HealthzTimes are the answer times of `GET /healthz` while a probe ran, in ms. */
export interface HealthzTimes {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** probeHealthz asks `url/healthz` one request after another (a fresh connection each, every 5 ms) until stopped. */
export function probeHealthz(url: string): { stop: () => Promise<HealthzTimes> } {
  const times: number[] = [];
  let running = true;
  const once = () =>
    new Promise<void>((done) => {
      const started = performance.now();
      const req = request(`${url}/healthz`, (res) => {
        res.resume();
        res.on('end', () => {
          times.push(performance.now() - started);
          done();
        });
      });
      req.on('error', () => done());
      req.end();
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const sorted = [...times].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
      return { count: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN };
    },
  };
}
