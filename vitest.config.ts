import { defineConfig } from 'vitest/config';

/** Tests run in plain Node 24: the engine never needs Electron. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
