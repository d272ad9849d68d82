/**
 * A packaged Standby quits when started with a debugger switch (Chromium's DevTools protocol, Node's
 * inspector), and the shell checks it before it takes the single-instance lock or opens anything
 * (static check: Electron cannot run here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBUG_SWITCHES, refusalMessage, refusedSwitches } from '../../electron/main/launch-guard.ts';
import { PROJECT_DIR } from '../../scripts/start.ts';

const has = (...given: string[]) => (name: string) => given.includes(name);

describe('the launch guard', () => {
  it('refuses every debugger switch when packaged, and names them', () => {
    expect(refusedSwitches(true, has('remote-debugging-port'))).toEqual(['--remote-debugging-port']);
    expect(refusedSwitches(true, has('inspect-brk', 'remote-debugging-pipe'))).toEqual(['--remote-debugging-pipe', '--inspect-brk']);
    expect(refusedSwitches(true, has(...DEBUG_SWITCHES))).toHaveLength(DEBUG_SWITCHES.length);
    expect(refusalMessage(['--remote-debugging-port'])).toBe(
      'Standby does not start with --remote-debugging-port: it would let other programs on this computer control it. Start it without that switch.',
    );
  });

  it('lets ordinary switches through, and any switch when not packaged', () => {
    expect(refusedSwitches(true, has('hidden', 'js-flags', 'enable-logging'))).toEqual([]);
    expect(refusedSwitches(false, has('remote-debugging-port', 'inspect'))).toEqual([]);
  });

  it('is checked by the shell before the single-instance lock and before ready', () => {
    const index = readFileSync(join(PROJECT_DIR, 'electron/main/index.ts'), 'utf8');
    const guard = index.indexOf('refusedSwitches(app.isPackaged, (name) => app.commandLine.hasSwitch(name))');
    expect(guard).toBeGreaterThan(0);
    expect(guard).toBeLessThan(index.indexOf('app.requestSingleInstanceLock()'));
    expect(guard).toBeLessThan(index.indexOf('void start()'));
    expect(index).toMatch(/if \(refused\.length > 0\) \{\n\s+console\.error\(refusalMessage\(refused\)\);\n\s+app\.exit\(2\);\n\s*\} else if \(!app\.requestSingleInstanceLock\(\)\)/);
  });
});
