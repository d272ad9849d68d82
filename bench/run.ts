/**
 * `npm run bench`: runs every `bench/*.bench.ts` script in its own Node process, one after the
 * other, so each prints its own table without the others' memory or CPU in the way.
 * `npm run bench -- ingest` runs only the scripts whose name contains "ingest".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2];
const dir = import.meta.dirname;
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
if (scripts.length === 0) {
  console.error(filter ? `no benchmark matches "${filter}"` : 'no benchmarks in bench/');
  process.exit(1);
}
let failed = 0;
for (const s of scripts) {
  console.log(`\n## ${s.replace(/\.bench\.ts$/, '')}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, s)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${s} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
