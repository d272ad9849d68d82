/**
 * A tiny process for the instance-lock race test: it says "ready", waits for "go <instant>" on stdin
 * (the test sends the same wall-clock instant to two of them), spins until that instant, tries to lock
 * the data directory in argv[2], prints one JSON line ({ pid, locked, tried, message? }) and, when it
 * won, holds the lock until its stdin closes or it is killed.
 */
import { acquireInstanceLock } from '../../electron/engine/instance-lock.ts';

const dataDir = process.argv[2]!;
process.stdout.write('ready\n');
process.stdin.once('data', (d: Buffer) => {
  const at = Number(/go (\d+)/.exec(d.toString())?.[1] ?? 0);
  // Sleep until just before the instant, then spin: both processes leave the loop in the same millisecond.
  const early = at - Date.now() - 3;
  if (early > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, early);
  while (Date.now() < at) {
    // spin
  }
  const tried = Date.now();
  try {
    acquireInstanceLock(dataDir);
    console.log(JSON.stringify({ pid: process.pid, locked: true, tried }));
    process.stdin.on('end', () => process.exit(0));
  } catch (err) {
    console.log(JSON.stringify({ pid: process.pid, locked: false, tried, message: (err as Error).message }));
    process.exitCode = 3;
    process.stdin.destroy();
  }
});
