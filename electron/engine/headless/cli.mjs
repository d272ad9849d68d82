// @ts-check
/**
 * The `standby` command's entry (`npm run serve`, `npm run standby`; the commands are in cli-main.ts).
 * Plain JavaScript (checked by tsc through its JSDoc types): Node runs a .ts entry through its
 * TypeScript stripper, a WebAssembly module that never gives its memory back (about 10 MB of the
 * server's resident memory for the life of the process), and the engine's prebuilt bundle needs no
 * stripping at all. It turns on Node's module compile cache before the engine loads (from the second
 * start on, Node reads each module's compiled code from the cache, and starts in about half the
 * time), then runs the bundle when it is fresh, else the sources (engine-bundle.mjs), which do load
 * the stripper. Measured by bench/monitors.bench.ts (docs/performance.md). The cache lives in Node's
 * default place (NODE_COMPILE_CACHE, or the system's temporary directory) and holds only compiled code.
 */
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { engineModule } from './engine-bundle.mjs';

enableCompileCache();
const projectDir = join(import.meta.dirname, '../../..');
const engine = engineModule(projectDir);
/** @type {typeof import('./cli-main.ts')} */
const { main } = await import(pathToFileURL(engine.path).href);
const code = await main(process.argv.slice(2), { uiDir: join(projectDir, 'out/renderer') });
if (code >= 0) process.exit(code);
