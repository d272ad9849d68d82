// @ts-check
/**
 * Which engine `standby` runs: the prebuilt bundle (out/engine/cli-main.js, written by
 * `npm run build`, scripts/build-engine.ts) when it is at least as new as every source file it was
 * built from, else the TypeScript sources themselves. The bundle is one module instead of several
 * hundred, so the engine runs in less memory (docs/performance.md); a bundle older than a source file
 * (an edit, a pull, an update of node_modules without a build) is never run, so a change is never
 * hidden by a stale build. STANDBY_ENGINE=source always runs the sources.
 * Only node:fs and node:path here: this runs before anything else loads. Plain JavaScript (checked by
 * tsc through its JSDoc types), so that starting `standby` never loads Node's TypeScript stripper.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** ENGINE_BUNDLE is the bundle's path from the project root (scripts/build-engine.ts writes it). */
export const ENGINE_BUNDLE = 'out/engine/cli-main.js';

/** SOURCES are what the bundle is built from: a change to any of them makes it stale. */
const SOURCE_DIRS = ['electron/engine', 'electron/shared'];
const SOURCE_FILES = ['package.json', 'node_modules/.package-lock.json'];

/**
 * newestSource is the latest modification time (ms) of the files the bundle is built from.
 * @param {string} projectDir
 * @returns {number}
 */
export function newestSource(projectDir) {
  let newest = 0;
  /** @param {string} path */
  const see = (path) => {
    try {
      newest = Math.max(newest, statSync(path).mtimeMs);
    } catch {
      // a file that is not there cannot be newer
    }
  };
  for (const f of SOURCE_FILES) see(join(projectDir, f));
  for (const dir of SOURCE_DIRS) {
    const root = join(projectDir, dir);
    if (!existsSync(root)) continue;
    for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) if (e.isFile()) see(join(e.parentPath, e.name));
  }
  return newest;
}

/**
 * engineModule is the path of the module to import for the CLI's `main`: the bundle when it is
 * there and fresh, else cli-main.ts. `why` says why the sources run (for --verbose and tests).
 * @param {string} projectDir
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ path: string; bundled: boolean; why?: string }}
 */
export function engineModule(projectDir, env = process.env) {
  const source = join(projectDir, 'electron/engine/headless/cli-main.ts');
  if (env.STANDBY_ENGINE === 'source') return { path: source, bundled: false, why: 'STANDBY_ENGINE=source' };
  const bundle = join(projectDir, ENGINE_BUNDLE);
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return { path: source, bundled: false, why: `${ENGINE_BUNDLE} is not built (npm run build)` };
  }
  if (built < newestSource(projectDir)) return { path: source, bundled: false, why: `${ENGINE_BUNDLE} is older than the sources (npm run build)` };
  return { path: bundle, bundled: true };
}
