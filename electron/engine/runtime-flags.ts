/**
 * V8_FLAGS are the V8 options every Standby process runs with (the Electron app through `js-flags`,
 * the headless server on its node command line). Thousands of HTTP checks allocate briefly and
 * often; a small young generation and V8's size-over-speed mode keep memory flat for that load.
 * Measured by bench/monitors.bench.ts with 2,000 HTTP monitors at 10 s on a 2-core machine:
 * RSS 337 MB with Node's defaults, 162 MB with these flags, lateness p99 still well under 100 ms.
 */
export const V8_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size'] as const;

/**
 * SERVER_FLAGS are the headless server's (`standby serve`): V8_FLAGS, and V8's optimizing compiler on
 * the main thread instead of its worker threads. Under glibc (plain Node; Electron has its own
 * allocator), each compiler thread keeps the compiler's scratch memory in an arena of its own long
 * after the compile: about 30 MB of the server's resident memory at 2,000 monitors, for no CPU saved
 * (the checks' code is compiled once and stays compiled; bench/monitors.bench.ts, docs/performance.md).
 * The Electron app keeps compiling in the background, where a compile on the main thread would
 * stall its window.
 */
export const SERVER_FLAGS = [...V8_FLAGS, '--no-concurrent-recompilation'] as const;
