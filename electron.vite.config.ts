import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './electron/shared/csp.ts';

/** CSP_PLACEHOLDER is what renderer/index.html's CSP `<meta>` holds until the build writes the policy. */
const CSP_PLACEHOLDER = '%STANDBY_CSP%';

/**
 * cspMeta writes the UI's Content-Security-Policy (electron/shared/csp.ts, the one the HTTP server
 * sends as a header) into index.html's `<meta>`, in `electron-vite dev` and in the build alike, so the
 * two cannot differ. 'self' also covers the dev server's HMR WebSocket (CSP Level 3 matches ws: to
 * an http: origin). An index.html without the placeholder fails the build.
 */
function cspMeta(): Plugin {
  return {
    name: 'standby-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(`content="${CSP_PLACEHOLDER}"`)) throw new Error(`renderer/index.html must have <meta http-equiv="Content-Security-Policy" content="${CSP_PLACEHOLDER}" />`);
        return html.replace(CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY);
      },
    },
  };
}

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
    plugins: [svelte(), cspMeta()],
    build: {
      // electron-vite leaves bundles unminified; the renderer is also served over HTTP, so minify it.
      minify: true,
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
