/**
 * What a failed SQLite call means for a person: a full disk, a disk that fails, a file that cannot
 * be written, a damaged file. `node:sqlite` throws an Error with `errcode` (SQLite's result code)
 * and `errstr`; storageError turns the ones that are about the disk or the file into a
 * StorageError whose message names the file, e.g. `SQLITE_FULL: the disk holding
 * /home/ada/.config/Standby/standby.db is full`. Other SQLite errors (a constraint, a bug) are left
 * alone.
 */
import { ApiError } from '../../shared/errors.ts';

/** StorageKind is the class of a storage failure: it decides the health message and how recovery is noticed. */
export type StorageKind = 'full' | 'io' | 'readonly' | 'corrupt' | 'cantopen';

/** SQLite's primary result codes that are about the disk or the file (https://www.sqlite.org/rescode.html). */
const CODES: Record<number, { name: string; kind: StorageKind; words: (path: string, detail: string) => string }> = {
  3: { name: 'SQLITE_PERM', kind: 'readonly', words: (p) => `permission to write ${p} was denied` },
  8: { name: 'SQLITE_READONLY', kind: 'readonly', words: (p) => `${p} cannot be written (the file, its folder or its disk is read-only)` },
  10: { name: 'SQLITE_IOERR', kind: 'io', words: (p, d) => `the disk holding ${p} failed to read or write (${d})` },
  11: { name: 'SQLITE_CORRUPT', kind: 'corrupt', words: (p, d) => `${p} is damaged (${d})` },
  13: { name: 'SQLITE_FULL', kind: 'full', words: (p) => `the disk holding ${p} is full` },
  14: { name: 'SQLITE_CANTOPEN', kind: 'cantopen', words: (p, d) => `${p} cannot be opened (${d})` },
  26: { name: 'SQLITE_NOTADB', kind: 'corrupt', words: (p, d) => `${p} is not a database (${d})` },
};

/** StorageError is a storage failure as the API answers it (500, code `internal`) with the file named in its message. */
export class StorageError extends ApiError {
  /** sqliteCode is SQLite's name for the primary result code, such as SQLITE_FULL. */
  readonly sqliteCode: string;
  readonly kind: StorageKind;
  readonly path: string;

  constructor(sqliteCode: string, kind: StorageKind, path: string, message: string, cause?: unknown) {
    super('internal', message);
    this.name = 'StorageError';
    this.sqliteCode = sqliteCode;
    this.kind = kind;
    this.path = path;
    if (cause !== undefined) this.cause = cause;
  }
}

/** sqliteCodeOf reads the result code off an error `node:sqlite` threw (undefined for any other error). */
export function sqliteCodeOf(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: unknown; errcode?: unknown };
  return e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number' ? e.errcode : undefined;
}

/**
 * storageError explains err when it is SQLite saying something about the disk or the file at path;
 * it answers undefined for every other error. Extended result codes (SQLITE_IOERR_WRITE) are read by
 * their primary code.
 */
export function storageError(err: unknown, path: string): StorageError | undefined {
  if (err instanceof StorageError) return err;
  const code = sqliteCodeOf(err);
  if (code === undefined) return undefined;
  const known = CODES[code & 0xff];
  if (!known) return undefined;
  const detail = (err as Error & { errstr?: string }).errstr ?? (err as Error).message;
  return new StorageError(known.name, known.kind, path, `${known.name}: ${known.words(path, detail)}`, err);
}

/** The file system's errors that mean the same things (a backup's own writes, the disk probe). */
const ERRNOS: Record<string, { kind: StorageKind; words: (path: string) => string }> = {
  ENOSPC: { kind: 'full', words: (p) => `the disk holding ${p} is full` },
  EDQUOT: { kind: 'full', words: (p) => `the disk quota for ${p} is used up` },
  EROFS: { kind: 'readonly', words: (p) => `${p} cannot be written (its disk is read-only)` },
  EACCES: { kind: 'readonly', words: (p) => `permission to write ${p} was denied` },
  EPERM: { kind: 'readonly', words: (p) => `permission to write ${p} was denied` },
  EIO: { kind: 'io', words: (p) => `the disk holding ${p} failed to read or write` },
};

/** fileSystemError explains a Node file system error (ENOSPC, EROFS, EIO...) about path like storageError does. */
export function fileSystemError(err: unknown, path: string): StorageError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : ERRNOS[code];
  return known && code ? new StorageError(code, known.kind, path, `${code}: ${known.words(path)}`, err) : undefined;
}
