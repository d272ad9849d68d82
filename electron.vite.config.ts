import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** The Electron build: main and preload bundles under electron/, the Svelte renderer under renderer/. */
export default defineConfig({
  main: {
    build: {
      lib: { entry: resolve(import.meta.dirname, 'electron/main/index.ts') },
      rollupOptions: { external: ['node:sqlite', 'keytar'] },
    },
  },
  preload: {
    // A sandboxed preload is loaded as a CommonJS script, never as an ES module: out/preload/index.cjs.
    build: {
      lib: { entry: resolve(import.meta.dirname, 'electron/preload/index.ts'), formats: ['cjs'] },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [svelte()],
    build: {
      // electron-vite leaves bundles unminified; the renderer is also served over HTTP, so minify it.
      minify: true,
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
