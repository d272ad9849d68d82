/**
 * Process: a local process, found by name or by the pid in a pid file, is running. On Linux it reads
 * /proc (the name is the kernel's `comm`, at most 15 characters, or the base name of argv[0]);
 * elsewhere it asks `ps`. Zombies (exited, not yet reaped) do not count as running.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { defineMonitorType, errorText } from '../monitor-type.ts';

/** COMM_LENGTH is the longest process name Linux keeps in /proc/<pid>/comm (TASK_COMM_LEN 16, with the NUL; see proc(5)). */
export const COMM_LENGTH = 15;

/** ProcessConfig is a process monitor's settings: a name or a pid file. */
export const ProcessConfig = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters').regex(/^[^/\0]+$/, 'must be a process name, without a path').optional(),
    pidFile: z.string().trim().min(1, 'must not be empty').max(4096).regex(/^\//, 'must be an absolute path').optional(),
    /** minCount: at least this many processes with the name must run. */
    minCount: z.number().int('must be a whole number').min(1, 'must be 1 to 10000').max(10_000, 'must be 1 to 10000').default(1),
  })
  .superRefine((c, ctx) => {
    if ((c.name === undefined) === (c.pidFile === undefined)) ctx.addIssue({ code: 'custom', path: ['name'], message: 'give either name or pidFile (one of them)' });
    if (c.pidFile !== undefined && c.minCount !== 1) ctx.addIssue({ code: 'custom', path: ['minCount'], message: 'applies to a name, not a pid file' });
  });
export type ProcessConfig = z.infer<typeof ProcessConfig>;

interface ProcessInfo {
  pid: number;
  comm: string;
  state: string;
}

/** readStat reads /proc/<pid>/stat: its name (comm) and state letter; undefined if the process is gone. */
async function readStat(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    return { pid, comm: stat.slice(open + 1, close), state: stat.slice(close + 2, close + 3) };
  } catch {
    return undefined;
  }
}

async function argv0(pid: number): Promise<string | undefined> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0')[0] || undefined;
  } catch {
    return undefined;
  }
}

/** matchesName tells whether a process is called `name`: its comm (as Linux truncates it) or argv[0]'s base name. */
async function matchesName(p: ProcessInfo, name: string): Promise<boolean> {
  if (p.comm === name || (name.length > COMM_LENGTH && p.comm === name.slice(0, COMM_LENGTH))) return true;
  const a0 = await argv0(p.pid);
  return a0 !== undefined && basename(a0) === name;
}

/** findByName lists the pids of running (not zombie) processes with a name. */
export async function findByName(name: string, signal: AbortSignal): Promise<number[]> {
  if (process.platform === 'linux') {
    const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
    const found: number[] = [];
    for (const pid of pids) {
      const p = await readStat(pid);
      if (p && p.state !== 'Z' && (await matchesName(p, name))) found.push(pid);
    }
    return found;
  }
  const { stdout } = await promisify(execFile)('ps', ['-A', '-o', 'pid=,stat=,comm='], { signal, maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[2]!.startsWith('Z') && (m[3] === name || basename(m[3]!) === name))
    .map((m) => Number(m[1]));
}

/** isRunning tells whether a pid is a live process (not a zombie). */
export async function isRunning(pid: number): Promise<boolean> {
  if (process.platform === 'linux') {
    const p = await readStat(pid);
    return p !== undefined && p.state !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** processMonitor checks that a process is running. */
export const processMonitor = defineMonitorType({
  kind: 'process',
  label: 'Process',
  description: 'Checks that a local process is running, found by name or by the pid in a pid file.',
  schema: ProcessConfig,
  confirmsFailures: true,
  startsEarly: true,
  needsNetwork: () => false,
  async check(c, ctx) {
    if (c.pidFile !== undefined) {
      let text: string;
      try {
        text = await readFile(c.pidFile, 'utf8');
      } catch (err) {
        return { status: 'down', message: `cannot read the pid file ${c.pidFile}: ${errorText(err)}`, details: { pidFile: c.pidFile } };
      }
      const pid = Number(text.trim());
      if (!Number.isInteger(pid) || pid <= 0) return { status: 'down', message: `the pid file ${c.pidFile} holds no process id`, details: { pidFile: c.pidFile } };
      const alive = await isRunning(pid);
      return alive
        ? { status: 'up', message: `process ${pid} (from ${c.pidFile}) is running` }
        : { status: 'down', message: `process ${pid} (from ${c.pidFile}) is not running`, details: { pidFile: c.pidFile, pid } };
    }
    const name = c.name!;
    const pids = await findByName(name, ctx.signal);
    if (pids.length >= c.minCount) return { status: 'up', message: `${pids.length} process${pids.length === 1 ? '' : 'es'} named "${name}" running`, details: { pids: pids.slice(0, 20) } };
    const message = pids.length === 0 ? `no process named "${name}" is running` : `${pids.length} process${pids.length === 1 ? '' : 'es'} named "${name}" running, fewer than ${c.minCount}`;
    return { status: 'down', message, details: { name, running: pids.length, minCount: c.minCount } };
  },
});
