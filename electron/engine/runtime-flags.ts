/**
 * V8_FLAGS are the V8 options every Standby process runs with (the Electron app through `js-flags`,
 * the headless server on its node command line). Thousands of HTTP checks allocate briefly and
 * often; a small young generation and V8's size-over-speed mode keep memory flat for that load.
 * Measured by bench/monitors.bench.ts with 2,000 HTTP monitors at 10 s on a 2-core machine:
 * RSS 337 MB with Node's defaults, 162 MB with these flags, lateness p99 still well under 100 ms.
 */
export const V8_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size'] as const;

/**
 * SERVER_FLAGS are the headless server's (`standby serve`), chosen for a small always-on box by
 * bench/monitors.bench.ts and alternating runs of the served process (docs/performance.md):
 * - a 1 MB semi-space, with the old generation grown by 35 % after each full collection instead of
 *   V8's size-over-speed mode: the same memory at 2,000 monitors, about a sixth less CPU per check
 *   (that mode also shrinks and compacts the heap at every full collection, and the checks'
 *   short-lived objects then cost more to collect and to re-optimize);
 * - no Maglev, V8's mid-tier compiler: 2 MB of its code and scratch memory never touched; TurboFan
 *   still compiles the hot code;
 * - V8's optimizing compiler on the main thread instead of its worker threads. Under glibc (plain
 *   Node; Electron has its own allocator), each compiler thread keeps the compiler's scratch memory
 *   in an arena of its own long after the compile: about 30 MB at 2,000 monitors, for no CPU saved;
 * - no allocation-site pretenuring: V8 watches where objects are made and, when most of a site's
 *   objects outlive a young-generation collection, makes that site's objects in the old generation
 *   from then on. With a 1 MB semi-space that misfires on got's per-request objects (they live a few
 *   milliseconds): at 2,000 monitors, 88 MB of objects (got's the most) reached the old generation in 20 s, 23 MB
 *   without, and 19 full collections in 32 s against 11. Without it: about a sixth less CPU per
 *   check (served, alternating runs: 0.81-1.00 against 0.96-1.26 ms), the same RSS. The Electron
 *   app's V8_FLAGS (size-over-speed mode) gained nothing measurable from it and keep it.
 * The Electron app keeps V8_FLAGS and compiles in the background, where a compile on the main thread
 * would stall its window.
 */
export const SERVER_FLAGS = ['--max-semi-space-size=1', '--heap-growing-percent=35', '--no-maglev', '--no-concurrent-recompilation', '--no-allocation-site-pretenuring'] as const;
