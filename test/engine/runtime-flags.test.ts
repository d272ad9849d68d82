import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_FLAGS, V8_FLAGS } from '../../electron/engine/runtime-flags.ts';
import { ROOT } from '../helpers/headless.ts';

describe('V8 flags', () => {
  it('npm run serve, npm start headless and the systemd unit start the server with the same V8 flags, its own (not the app\'s)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(SERVER_FLAGS).not.toEqual(V8_FLAGS);
    expect(pkg.scripts.serve).toBe(`node scripts/check-node.cjs && node ${SERVER_FLAGS.join(' ')} electron/engine/headless/cli.mjs serve`);
    expect(readFileSync(join(ROOT, 'deploy/systemd/standby.service'), 'utf8')).toContain(`ExecStart=/usr/bin/node ${SERVER_FLAGS.join(' ')} /opt/standby/electron/engine/headless/cli.mjs serve`);
    expect(readFileSync(join(ROOT, 'scripts/start.ts'), 'utf8')).toContain("[...SERVER_FLAGS, join(PROJECT_DIR, 'electron/engine/headless/cli.mjs'), 'serve'");
  });

  it('are flags this Node accepts', async () => {
    const { spawnSync } = await import('node:child_process');
    for (const flags of [SERVER_FLAGS, V8_FLAGS]) {
      const r = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)']);
      expect([r.status, r.stderr.toString()]).toEqual([0, '']);
    }
  });
});
