/**
 * `standby serve` as a child process for the benches, measured from outside through /proc (Linux):
 * start it on a configuration file and wait for its "listening on" line; read its CPU time and RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** startServe runs `standby serve --port 0` on dataDir with a configuration file, and answers once it listens. */
export async function startServe(o: { dataDir: string; configFile: string; flags: string[]; env?: Record<string, string>; timeoutMs: number }): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...o.flags, join(ROOT, 'electron/engine/headless/cli.mjs'), 'serve', '--port', '0', '--data-dir', o.dataDir, '--config', o.configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Secrets from the environment: the bench needs no keychain.
    env: { ...process.env, STANDBY_SECRETS_FROM_ENV: '1', ...o.env },
  });
  try {
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`the headless server did not say "listening on" within ${o.timeoutMs / 1000} s`)), o.timeoutMs);
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening on') && (clearTimeout(timer), ok()));
    });
  } catch (err) {
    await stopServe(child);
    throw err;
  }
  return child;
}

/** stopServe ends the child with SIGTERM and waits for it. */
export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** procStat reads a process's CPU time (ms) and RSS (bytes) from /proc. */
export function procStat(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5), in clock ticks (USER_HZ, 100 on Linux).
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpuMs: ticks * 10, rss: rssKb * 1024 };
}
