import { defineConfig } from 'vitest/config';

/**
 * Tests run in plain Node 24: the engine never needs Electron.
 *
 * Timeouts are sized for a slow, busy 2-core machine (CI with the other core fully busy), not for a
 * quiet one. With the test processes held to 7 % of one core (the suite then takes 15 times as long)
 * every test passes; with the former 30 s, the fuzz test and three child-process tests ran out of
 * time. A test that starts child processes or Chromium sets its own, larger budget. On 2 cores vitest
 * runs one test file at a time (maxWorkers defaults to cores - 1), so test files never compete.
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
