/**
 * `npm run bench`: runs every `bench/*.bench.ts` script in its own Node process, one after the
 * other, so each prints its own table without the others' memory or CPU in the way.
 * `npm run bench -- ingest` runs only the scripts whose name contains "ingest".
 * It builds first (`npm run build`, a few seconds), so that the benches measure what a person runs:
 * the web UI's build (the ui bench needs it) and the engine's bundle, which `standby serve` runs only
 * when it is newer than every source (otherwise the sources, slower and larger: docs/performance.md).
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
console.log('Building first (npm run build), so the benches measure the built UI and the engine bundle that `standby serve` runs.');
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: join(dir, '..'), stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error(`npm run build failed (${build.status ?? build.signal}): the benches would measure a stale or missing build; fix the build first`);
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
