import { defineConfig } from 'vitest/config';

/**
 * Tests run in plain Node 24: the engine never needs Electron.
 *
 * Timeouts are sized for a slow, busy 2-core machine (CI with the other core fully busy), not for a
 * quiet one: the slowest test takes about 8 s on a quiet machine and passed at 30 s with only 15 % of
 * one core. A test that starts child processes or Chromium sets its own, larger budget. On 2 cores
 * vitest runs one test file at a time (maxWorkers defaults to cores - 1), so files never compete.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
