/**
 * The `standby` command's entry (`npm run serve`, `npm run standby`; the commands are in cli-main.ts).
 * It turns on Node's module compile cache before the engine loads: from the second start on, Node
 * reads each module's compiled code from the cache instead of stripping its TypeScript types again,
 * so the TypeScript stripper (a WebAssembly module that never gives its memory back) is not loaded at
 * all, and startup takes about half the time. Then it runs the engine's prebuilt bundle when it is
 * fresh, else the sources (engine-bundle.ts). Measured by bench/monitors.bench.ts (docs/performance.md).
 * The cache lives in Node's default place (NODE_COMPILE_CACHE, or the system's temporary directory)
 * and holds only compiled code.
 */
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { engineModule } from './engine-bundle.ts';

enableCompileCache();
const projectDir = join(import.meta.dirname, '../../..');
const engine = engineModule(projectDir);
const { main } = (await import(pathToFileURL(engine.path).href)) as typeof import('./cli-main.ts');
const code = await main(process.argv.slice(2), { uiDir: join(projectDir, 'out/renderer') });
if (code >= 0) process.exit(code);
