/**
 * A tiny file system for disk-full tests: a tmpfs mounted by the test (we run as root here), and a
 * filler file that takes the free space and gives it back. Where mounting is not allowed,
 * tmpfsUnavailable says exactly why, for the test to skip with that reason.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './headless.ts';

/** Tmpfs is a mounted tmpfs; unmount it in the test's cleanup. */
export interface Tmpfs {
  dir: string;
  unmount(): void;
}

/** tmpfsUnavailable says why this process cannot mount a tmpfs (undefined when it can: it runs as root). */
export function tmpfsUnavailable(): string | undefined {
  const uid = process.getuid?.();
  return uid === 0 ? undefined : `mounting a tmpfs needs root, and this test runs as uid ${uid ?? 'unknown'}`;
}

/** mountTmpfs mounts a tmpfs of `size` (such as "2m") on dir (default: a fresh directory); it throws when mount fails. */
export function mountTmpfs(size: string, dir = tempDir('standby-tmpfs-')): Tmpfs {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  return {
    dir,
    unmount: () => {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } catch {
        // already unmounted
      }
    },
  };
}

/** freeBytes is what the file system holding dir has left. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Filler takes a disk's free space until freed. */
export interface Filler {
  path: string;
  free(): void;
}

/** fill writes a file in dir until the disk is full, or until only `leave` bytes are free. */
export function fill(dir: string, leave = 0): Filler {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      const room = freeBytes(dir) - leave;
      if (room <= 0) break;
      try {
        writeSync(fd, chunk, 0, Math.min(chunk.length, room));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { path, free: () => rmSync(path, { force: true }) };
}
