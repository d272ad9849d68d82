/**
 * The `standby` command's entry (`npm run serve`, `npm run standby`; the commands are in cli-main.ts).
 * It turns on Node's module compile cache before the engine loads: from the second start on, Node
 * reads each module's compiled code from the cache instead of stripping its TypeScript types again,
 * so the TypeScript stripper (a WebAssembly module that never gives its memory back) is not loaded at
 * all, and startup takes about half the time. Measured by bench/monitors.bench.ts (docs/performance.md).
 * The cache lives in Node's default place (NODE_COMPILE_CACHE, or the system's temporary directory)
 * and holds only compiled code.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { main } = await import('./cli-main.ts');
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
