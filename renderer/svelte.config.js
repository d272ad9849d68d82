/**
 * The renderer's root is renderer/, where vite-plugin-svelte looks for its config: use the
 * project's (runes everywhere, TypeScript in components).
 */
export { default } from '../svelte.config.js';
