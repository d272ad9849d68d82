/**
 * Files only their owner may read: the API token file and the TLS private key. They are written to
 * a temporary file created with mode 0600 and renamed into place, so no reader ever sees a partly
 * written file or one with wider permissions. An existing file that others may read is refused
 * rather than overwritten: whatever was in it may already have been read, and it may not be the
 * file the person meant. (Windows has no such mode bits; there the file inherits its folder's ACL.)
 */
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** PrivateFileError says why a private file cannot be used, naming the file and what to do. */
export class PrivateFileError extends Error {
  override readonly name = 'PrivateFileError';
}

const checksModes = process.platform !== 'win32';

/** privateFileProblem answers why an existing path must not hold a secret (undefined: it is fine, or absent). */
export function privateFileProblem(path: string): string | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (!st.isFile()) return `${path} is not a regular file (a symbolic link or a folder); give the path of a file`;
  if (checksModes && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    return `${path} has permissions ${mode}, so other users may read it; only you may read a file that holds a secret (chmod 600 ${path}, or remove it and Standby writes a new one)`;
  }
  if (checksModes && typeof process.getuid === 'function' && st.uid !== process.getuid()) return `${path} belongs to another user; give a path of your own`;
  return undefined;
}

/** writePrivateFile writes text to path with mode 0600 (atomically); it throws PrivateFileError when an existing file there has wider permissions. */
export function writePrivateFile(path: string, text: string): void {
  const problem = privateFileProblem(path);
  if (problem) throw new PrivateFileError(problem);
  const temp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    rmSync(temp, { force: true });
    fd = openSync(temp, 'wx', 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new PrivateFileError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}
