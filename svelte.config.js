import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Svelte 5 with TypeScript in components (runes everywhere). */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
