/**
 * The always-on box's install (docs/box.md) and its systemd unit: the unit passes `systemd-analyze
 * verify`, runs `standby serve` as its own user with the data in /var/lib/standby and restarts it on
 * failure, and the guide's commands name the files and flags that exist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/headless.ts';

const UNIT = join(ROOT, 'deploy/systemd/standby.service');
const unit = readFileSync(UNIT, 'utf8');
const guide = readFileSync(join(ROOT, 'docs/box.md'), 'utf8');
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasAnalyze = analyze.status === 0;

/** setting reads one `Key=value` line of the unit (the last one wins, as in systemd). */
const setting = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]).at(-1);

describe('the systemd unit for a box', () => {
  it('runs standby serve as the standby user, data in /var/lib/standby, restarted on failure', () => {
    expect(setting('User')).toBe('standby');
    expect(setting('Restart')).toBe('on-failure');
    expect(setting('StateDirectory')).toBe('standby');
    expect(setting('StateDirectoryMode')).toBe('0700');
    expect(setting('UMask')).toBe('0077');
    expect(setting('ProtectSystem')).toBe('strict');
    expect(setting('ReadWritePaths')).toBe('/var/lib/standby');
    const exec = setting('ExecStart')!.split(' ');
    expect(exec[0]).toBe('/usr/bin/node');
    const script = exec.find((a) => a.startsWith('/opt/standby/'))!;
    expect(existsSync(join(ROOT, script.slice('/opt/standby/'.length)))).toBe(true);
    expect(exec.slice(exec.indexOf(script) + 1)).toEqual(['serve', '--data-dir', '/var/lib/standby']);
    // Bound to loopback unless the person opts in (docs/box.md, step 7).
    expect(exec).not.toContain('--host');
  });

  it.skipIf(!hasAnalyze)(`passes systemd-analyze verify${hasAnalyze ? '' : ' (skipped: systemd-analyze is not installed here)'}`, () => {
    // verify checks that ExecStart's program exists: where /usr/bin/node does not, the Node running this test stands in.
    const copy = join(tempDir('standby-unit-'), 'standby.service');
    writeFileSync(copy, existsSync('/usr/bin/node') ? unit : unit.replaceAll('/usr/bin/node', process.execPath));
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('docs/box.md installs this unit and its drop-in keeps the same command, adding only the network flags', () => {
    expect(guide).toContain('sudo cp /opt/standby/deploy/systemd/standby.service /etc/systemd/system/');
    const dropIn = /#\s+ExecStart=(\/usr\/bin\/node .+)$/m.exec(guide)![1]!;
    expect(dropIn).toBe(`${setting('ExecStart')} --host 0.0.0.0 --allow-lan`);
    const steps = [...guide.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1]));
    expect(steps).toEqual(steps.map((_, i) => i + 1));
  });
});
