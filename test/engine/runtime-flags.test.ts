import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { V8_FLAGS } from '../../electron/engine/runtime-flags.ts';
import { ROOT } from '../helpers/headless.ts';

describe('V8 flags', () => {
  it('npm run serve starts Node with the same V8 flags as the app and npm start', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.serve).toBe(`node scripts/check-node.cjs && node ${V8_FLAGS.join(' ')} electron/engine/headless/cli.mjs serve`);
  });

  it('are flags this Node accepts', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [...V8_FLAGS, '-e', 'process.exit(0)']);
    expect([r.status, r.stderr.toString()]).toEqual([0, '']);
  });
});
