/**
 * V8_FLAGS are the V8 options every Standby process runs with (the Electron app through `js-flags`,
 * the headless server on its node command line). Thousands of HTTP checks allocate briefly and
 * often; a small young generation and V8's size-over-speed mode keep memory flat for that load.
 * Measured by bench/monitors.bench.ts with 2,000 HTTP monitors at 10 s on a 2-core machine:
 * RSS 337 MB with Node's defaults, 162 MB with these flags, lateness p99 still well under 100 ms.
 */
export const V8_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size'] as const;
