import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/**
 * Layering, checked rather than remembered:
 * - electron/shared/** (the API contract) imports neither `electron` nor `node:*`;
 * - electron/engine/** and everything outside the shell imports no `electron`;
 * - renderer/** imports only the shared contract (and browser-side libraries), never the engine or Node.
 * Only electron/main/** and electron/preload/** may import `electron`.
 */
const noElectron = {
  name: 'electron',
  message: 'Only the Electron shell (electron/main, electron/preload) may import electron; behaviour lives in electron/engine.',
};
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'url', 'events'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: tseslint.parser, svelteConfig },
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The Electron double stands in for `electron` in the shell's tests: it takes Electron's types (so
    // it cannot drift from the real API) but never its values (at runtime `electron` is the double).
    files: ['test/helpers/electron-double/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ ...noElectron, allowTypeImports: true }] }],
    },
  },
  {
    files: ['electron/shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: nodeBuiltins, message: 'The shared contract runs in the renderer too: no Node built-ins.' },
          { group: ['**/engine/**', '**/main/**', '**/preload/**'], message: 'The shared contract depends on nothing but itself.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: nodeBuiltins, message: 'The renderer is a web page: no Node built-ins.' },
          { group: ['**/electron/engine/**', '**/electron/main/**', '**/electron/preload/**'], message: 'The renderer imports only the shared API contract (electron/shared).' },
        ],
      }],
    },
  },
);
