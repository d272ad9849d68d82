/**
 * `node scripts/build-engine.ts` (part of `npm run build`): bundles the headless engine
 * (electron/engine/headless/cli-main.ts and everything it imports, with got, hono, zod and yaml) into
 * out/engine/cli-main.js, which `standby serve` runs when it is newer than every source file
 * (electron/engine/headless/engine-bundle.mjs). One module instead of several hundred: the engine starts with
 * about a fifth less memory (docs/performance.md). Native and rarely used packages stay outside it
 * and load from node_modules as before: keytar, and those loaded on first use (nodemailer, the
 * certificate maker).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'rolldown';
import { ENGINE_BUNDLE } from '../electron/engine/headless/engine-bundle.mjs';
import { deferIntl } from './defer-intl.ts';
import { requireBuiltins } from './require-builtins.ts';

/** PROJECT_DIR is the repository root. */
const PROJECT_DIR = join(import.meta.dirname, '..');
/** EXTERNAL are the packages the bundle leaves to node_modules. */
const EXTERNAL = ['keytar', 'nodemailer', '@peculiar/x509', 'reflect-metadata'];

/** buildEngine writes the bundle; it throws with the bundler's message when it cannot. */
export async function buildEngine(projectDir = PROJECT_DIR): Promise<void> {
  rmSync(join(projectDir, 'out/engine'), { recursive: true, force: true });
  await build({
    input: join(projectDir, 'electron/engine/headless/cli-main.ts'),
    platform: 'node',
    logLevel: 'warn',
    plugins: [deferIntl()],
    external: (id) => id.startsWith('node:') || EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
    output: { file: join(projectDir, ENGINE_BUNDLE), format: 'esm', codeSplitting: false, minify: false, comments: { legal: true, annotation: false, jsdoc: false } },
  });
  // ASCII only: V8 keeps a source with one character outside Latin-1 as two bytes per character, so a
  // handful of "…" in messages would double the 1.3 MB the engine's source takes in memory. Each is
  // written as its \u escape, which means the same character in strings, templates and regexes.
  const file = join(projectDir, ENGINE_BUNDLE);
  const code = readFileSync(file, 'utf8');
  const ascii = code.replace(/[^\t\n\r\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, requireBuiltins(ascii));
}

if (import.meta.main) await buildEngine();
