/**
 * Which engine `standby` runs: the prebuilt bundle only while it is at least as new as every file it
 * is built from, so an edit, a pull or an update of node_modules without a build never runs stale
 * code; the sources otherwise, or when STANDBY_ENGINE=source says so. Real files in a temporary
 * project; their times are set with utimes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_BUNDLE, engineModule } from '../../../electron/engine/headless/engine-bundle.mjs';
import { ROOT, tempDir } from '../../helpers/headless.ts';

/** project makes a project with a source file in each watched place, all dated at `t` (seconds). */
function project(t: number): { dir: string; touch: (path: string, at: number) => void } {
  const dir = tempDir('standby-bundle-');
  const touch = (path: string, at: number) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), '//');
    utimesSync(join(dir, path), at, at);
  };
  for (const f of ['electron/engine/engine.ts', 'electron/engine/monitors/types/http.ts', 'electron/shared/api.ts', 'package.json', 'node_modules/.package-lock.json']) touch(f, t);
  return { dir, touch };
}

describe('engineModule', () => {
  it('runs the sources when no bundle was built, and says to build it', () => {
    const { dir } = project(1_000);
    expect(engineModule(dir, {})).toEqual({ path: join(dir, 'electron/engine/headless/cli-main.ts'), bundled: false, why: `${ENGINE_BUNDLE} is not built (npm run build)` });
  });

  it('runs the bundle when it is at least as new as every source', () => {
    const { dir, touch } = project(1_000);
    touch(ENGINE_BUNDLE, 1_000);
    expect(engineModule(dir, {})).toEqual({ path: join(dir, ENGINE_BUNDLE), bundled: true });
  });

  it.each(['electron/engine/monitors/types/http.ts', 'electron/shared/api.ts', 'node_modules/.package-lock.json', 'package.json'])('runs the sources when %s changed after the build', (changed) => {
    const { dir, touch } = project(1_000);
    touch(ENGINE_BUNDLE, 2_000);
    touch(changed, 3_000);
    expect(engineModule(dir, {})).toMatchObject({ bundled: false, why: `${ENGINE_BUNDLE} is older than the sources (npm run build)` });
  });

  it('runs the sources when STANDBY_ENGINE=source, even with a fresh bundle', () => {
    const { dir, touch } = project(1_000);
    touch(ENGINE_BUNDLE, 2_000);
    expect(engineModule(dir, { STANDBY_ENGINE: 'source' })).toMatchObject({ bundled: false, why: 'STANDBY_ENGINE=source' });
  });

  it('starts a fresh bundle from plain JavaScript: Node never loads its TypeScript stripper (memory it keeps for the life of the server)', () => {
    const { dir, touch } = project(1_000);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    utimesSync(join(dir, 'package.json'), 1_000, 1_000);
    mkdirSync(join(dir, 'electron/engine/headless'), { recursive: true });
    for (const f of ['cli.mjs', 'engine-bundle.mjs']) {
      copyFileSync(join(ROOT, 'electron/engine/headless', f), join(dir, 'electron/engine/headless', f));
      utimesSync(join(dir, 'electron/engine/headless', f), 1_000, 1_000);
    }
    // A stand-in bundle that says which of Node's own modules the process loaded.
    touch(ENGINE_BUNDLE, 2_000);
    writeFileSync(join(dir, ENGINE_BUNDLE), "export async function main(argv) { console.log(JSON.stringify({ argv, stripper: process.moduleLoadList.some((m) => m.includes('amaro')) })); return 0; }");
    utimesSync(join(dir, ENGINE_BUNDLE), 2_000, 2_000);
    const r = spawnSync(process.execPath, [join(dir, 'electron/engine/headless/cli.mjs'), 'serve', '--port', '0'], { encoding: 'utf8', env: { ...process.env, STANDBY_ENGINE: '' } });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toEqual({ argv: ['serve', '--port', '0'], stripper: false });
  });
});
