/**
 * A second host on this machine: a network namespace joined to the test's by a veth pair, with
 * addresses from 198.18.0.0/15 (reserved for network tests, RFC 2544). A test binds Standby to the
 * host side's address and runs a client inside the namespace: a LAN neighbour. Needs root and
 * iproute2; `netnsUnavailable` says why not when they are missing.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/** NetNs is a namespace with its address and the host side's, deleted by remove(). */
export interface NetNs {
  name: string;
  hostAddress: string;
  peerAddress: string;
  /** run runs a command inside the namespace and resolves with its stdout (it rejects with stderr on failure); async, so a server in this process keeps answering. */
  run(command: string, args: string[], input?: string): Promise<string>;
  /** link takes the host side of the veth pair down (a cut cable) or up again. */
  link(up: boolean): void;
  remove(): void;
}

/** netnsUnavailable answers why network namespaces cannot be made here (undefined: they can). */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'making a network namespace needs root';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (`ip`) is not installed';
  return undefined;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** makeNetNs creates a namespace and a veth pair with a /30 between this host and it. */
export function makeNetNs(): NetNs {
  const id = `${process.pid % 10_000}${randomInt(1000)}`;
  const name = `sbtest${id}`;
  const hostIf = `sbh${id}`;
  const peerIf = `sbp${id}`;
  const subnet = randomInt(256);
  const hostAddress = `198.18.${subnet}.1`;
  const peerAddress = `198.18.${subnet}.2`;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf);
    ip('link', 'set', peerIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', name, 'addr', 'add', `${peerAddress}/30`, 'dev', peerIf);
    ip('-n', name, 'link', 'set', peerIf, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    spawnSync('ip', ['netns', 'del', name]);
    spawnSync('ip', ['link', 'del', hostIf]);
    throw err;
  }
  return {
    name,
    hostAddress,
    peerAddress,
    run(command, args, input) {
      return new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', name, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) resolve(out);
          else reject(new Error(`${command} in ${name} failed (${code ?? signal}): ${err}`));
        });
        child.stdin.end(input ?? '');
      });
    },
    link(up) {
      ip('link', 'set', hostIf, up ? 'up' : 'down');
    },
    remove() {
      spawnSync('ip', ['netns', 'del', name]);
      spawnSync('ip', ['link', 'del', hostIf]);
    },
  };
}
