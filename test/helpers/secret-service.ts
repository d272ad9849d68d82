/**
 * A real Secret Service of the test's own: a private D-Bus session bus with gnome-keyring in it,
 * its keyrings under a directory the test owns. Started with a password, the login keyring is made
 * (or opened) unlocked; started without one, it stays locked. With an X display (Xvfb), a locked
 * keyring does what it does on a desktop nobody is at: the first read of an entry it holds opens an
 * unlock prompt (gcr-prompter) and waits for it, forever.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOOLS = ['dbus-daemon', 'gnome-keyring-daemon', 'Xvfb'];
const PROMPTER = '/usr/libexec/gcr-prompter';

/** missingSecretServiceTools lists what this machine lacks to run a locked keyring with its prompt (empty: nothing). */
export function missingSecretServiceTools(): string[] {
  const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (!existsSync(PROMPTER)) missing.push(PROMPTER);
  return missing;
}

/** firstLine resolves with the first line a child prints on stdout (or rejects when it exits first or takes over 20 s). */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing in 20 s`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before printing`));
    });
  });
}

/** stopChild ends a child process (and its process group) and waits for it. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await gone;
}

/** XDisplay is a running Xvfb. */
export interface XDisplay {
  display: string;
  stop(): Promise<void>;
}

/** startXvfb starts a virtual X display on a free number. */
export async function startXvfb(): Promise<XDisplay> {
  const x = spawn('Xvfb', ['-displayfd', '1', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  const n = await firstLine(x, 'Xvfb');
  return { display: `:${n}`, stop: () => stopChild(x) };
}

/** SecretService is a running private bus with gnome-keyring; env is what a process needs to use it. */
export interface SecretService {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** startSecretService starts a bus and gnome-keyring with keyrings under dataHome: unlocked with `password`, else locked. */
export async function startSecretService(o: { dataHome: string; password?: string; display?: string }): Promise<SecretService> {
  const env: Record<string, string> = {
    XDG_DATA_HOME: o.dataHome,
    XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'standby-runtime-')),
    DISPLAY: o.display ?? '',
  };
  const base = { ...process.env, ...env };
  delete base.GNOME_KEYRING_CONTROL;
  // Services the bus starts on demand (gnome-keyring's prompter) inherit its environment: DISPLAY included.
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env: base, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  env.DBUS_SESSION_BUS_ADDRESS = await firstLine(bus, 'dbus-daemon');
  const args = o.password === undefined ? ['--start', '--components=secrets'] : ['--unlock', '--components=secrets'];
  const keyring = spawnSync('gnome-keyring-daemon', args, { env: { ...base, ...env }, input: o.password ?? '', encoding: 'utf8', timeout: 20_000 });
  if (keyring.status !== 0) {
    await stopChild(bus);
    throw new Error(`gnome-keyring-daemon ${args.join(' ')} failed (${keyring.status}): ${keyring.stderr}`);
  }
  // gnome-keyring-daemon leaves when its bus goes away; the bus's process group holds the prompter.
  return { env, stop: () => stopChild(bus) };
}
