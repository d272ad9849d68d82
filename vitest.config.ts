import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Tests run in plain Node 24: the engine never needs Electron.
 *
 * Timeouts are sized for a slow, busy 2-core machine (CI with the other core fully busy), not for a
 * quiet one. With the test processes held to 7 % of one core (the suite then takes 15 times as long)
 * every test passes; with the former 30 s, the fuzz test and three child-process tests ran out of
 * time. A test that starts child processes or Chromium sets its own, larger budget. On 2 cores vitest
 * runs one test file at a time (maxWorkers defaults to cores - 1), so test files never compete.
 *
 * Two projects: `standby` is every test as before; `shell` (test/shell/app) runs the real Electron
 * main process (electron/main/index.ts) with `electron` replaced by the test double in
 * test/helpers/electron-double, by a module alias that exists only in that project.
 */
const SHELL_TESTS = 'test/shell/app/**/*.test.ts';

/** electronViteAssets resolves electron-vite's `?asset` imports (electron/main/assets.ts) to the file's absolute path, as the build does at runtime. */
function electronViteAssets(): Plugin {
  return {
    name: 'standby:electron-vite-assets',
    enforce: 'pre',
    load(id) {
      const [file, query] = id.split('?');
      if (query === 'asset' && file) return `export default ${JSON.stringify(resolve(file))};`;
      return undefined;
    },
  };
}

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'standby', include: ['test/**/*.test.ts'], exclude: [SHELL_TESTS] } },
      {
        extends: true,
        plugins: [electronViteAssets()],
        resolve: { alias: [{ find: /^electron$/, replacement: resolve(import.meta.dirname, 'test/helpers/electron-double/index.ts') }] },
        test: { name: 'shell', include: [SHELL_TESTS] },
      },
    ],
  },
});
