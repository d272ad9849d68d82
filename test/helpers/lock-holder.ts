/**
 * A tiny process for the instance-lock race test: it waits for the wall-clock instant in argv[3]
 * (so two of them try at the same moment), tries to lock the data directory in argv[2], prints one
 * JSON line ({ pid, locked, message? }) and, when it won, holds the lock until its stdin closes or
 * it is killed.
 */
import { acquireInstanceLock } from '../../electron/engine/instance-lock.ts';

const [dataDir, startAt] = process.argv.slice(2);
// Sleep until just before the instant, then spin: a timer alone would add its own lateness.
const nap = new Int32Array(new SharedArrayBuffer(4));
const early = Number(startAt) - Date.now() - 15;
if (early > 0) Atomics.wait(nap, 0, 0, early);
while (Date.now() < Number(startAt)) {
  // spin
}
const tried = Date.now();
try {
  acquireInstanceLock(dataDir!);
  console.log(JSON.stringify({ pid: process.pid, locked: true, tried }));
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
} catch (err) {
  console.log(JSON.stringify({ pid: process.pid, locked: false, tried, message: (err as Error).message }));
  process.exitCode = 3;
}
