/** The process monitor against a child process the test starts and kills. */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processMonitor } from '../../../../electron/engine/monitors/types/process.ts';
import { tempDir } from '../../../helpers/headless.ts';
import { runCheck } from './check.ts';

const SLEEP = ['/bin/sleep', '/usr/bin/sleep'].find((p) => existsSync(p));
const children: ChildProcess[] = [];

/** startNamed runs `sleep 60` under a unique name (a copy of the binary), so no other process can match it. */
function startNamed(): { name: string; child: ChildProcess } {
  const name = `sbt-${randomBytes(4).toString('hex')}`;
  const bin = join(tempDir('standby-proc-'), name);
  copyFileSync(SLEEP!, bin);
  const child = spawn(bin, ['60'], { stdio: 'ignore' });
  children.push(child);
  return { name, child };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) await kill(c);
});

describe.skipIf(!SLEEP)('process monitor (needs a sleep binary)', () => {
  it('is up while a process with the name runs, down once it is killed', async () => {
    const { name, child } = startNamed();
    await new Promise((r) => child.once('spawn', r));
    const up = await runCheck(processMonitor, { name });
    expect([up.status, up.message]).toEqual(['up', `1 process named "${name}" running`]);
    expect(up.details).toEqual({ pids: [child.pid] });
    expect((await runCheck(processMonitor, { name, minCount: 2 })).message).toBe(`1 process named "${name}" running, fewer than 2`);
    await kill(child);
    const down = await runCheck(processMonitor, { name });
    expect([down.status, down.message]).toEqual(['down', `no process named "${name}" is running`]);
  });

  it('follows a pid file', async () => {
    const { child } = startNamed();
    await new Promise((r) => child.once('spawn', r));
    const pidFile = join(tempDir('standby-pid-'), 'daemon.pid');
    writeFileSync(pidFile, `${child.pid}\n`);
    expect((await runCheck(processMonitor, { pidFile })).message).toBe(`process ${child.pid} (from ${pidFile}) is running`);
    await kill(child);
    expect((await runCheck(processMonitor, { pidFile })).message).toBe(`process ${child.pid} (from ${pidFile}) is not running`);
    expect((await runCheck(processMonitor, { pidFile: '/no/such.pid' })).message).toMatch(/cannot read the pid file \/no\/such\.pid: ENOENT/);
  });
});

describe('process monitor settings', () => {
  it('takes a name or a pid file, not both', () => {
    expect(processMonitor.schema.safeParse({}).error!.issues[0]!.message).toBe('give either name or pidFile (one of them)');
    expect(processMonitor.schema.safeParse({ name: 'nginx', pidFile: '/run/nginx.pid' }).success).toBe(false);
    expect(processMonitor.schema.safeParse({ name: '/usr/sbin/nginx' }).error!.issues[0]!.message).toBe('must be a process name, without a path');
    expect(processMonitor.needsNetwork({ name: 'nginx', minCount: 1 })).toBe(false);
  });
});
