/**
 * Opening the database file, carefully. A missing `standby.db` is a new installation: it is built
 * under a temporary name and renamed once every migration is in, so an empty `standby.db` is never a
 * legitimate state. An existing file is checked before Standby trusts it: not empty, a SQLite header,
 * not shorter than its header says, and `PRAGMA quick_check`. A file that fails is never replaced
 * or repaired: Standby refuses to start with a message naming the file and the newest backup.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { backupsDirOf, describeBackup, fsyncPath, newestBackup, type BackupFile } from './backup-files.ts';
import { fileSystemError, storageError } from './storage-error.ts';

/** DatabaseDamagedError says the database file cannot be trusted; its message names the file, the newest backup and how to restore it. */
export class DatabaseDamagedError extends Error {
  readonly path: string;
  readonly newestBackup: BackupFile | undefined;

  constructor(path: string, problem: string) {
    const dataDir = dirname(path);
    const backups = backupsDirOf(path);
    const newest = newestBackup(backups);
    const next = newest
      ? `The newest backup is ${describeBackup(newest)}. To restore it, stop every Standby using ${dataDir} and run: standby restore --data-dir "${dataDir}" (from a checkout: npm run standby -- restore --data-dir "${dataDir}"). The damaged file is moved aside, not deleted.`
      : `There is no backup in ${backups}. Move ${path} aside (keep it) to start with a new, empty database, or rescue what it holds with the sqlite3 tool's .recover command.`;
    super(`Standby will not start: its database ${path} ${problem}. Nothing was changed.\n${next}`);
    this.name = 'DatabaseDamagedError';
    this.path = path;
    this.newestBackup = newest;
  }
}

/**
 * WAL_AUTOCHECKPOINT_PAGES is how many pages the write-ahead log gathers before a commit copies them
 * into the database file (SQLite's default is 1,000). The pages a busy moment writes again and again
 * (the ends of the incidents, timeline and jobs tables and of their indexes: each commit writes them
 * anew) reach the database file once per checkpoint, not once per commit, so fewer checkpoints mean
 * less copying, and fewer fsyncs of the database file (a Raspberry Pi's SD card wears with each). A
 * checkpoint runs inside the commit that crosses the mark, on the engine's thread. Ingest at
 * concurrency 16 with every event paging the desktop (docs/performance.md, eighth round): the
 * server's CPU per paged event 0.290-0.302 ms against 0.302-0.365 ms at 1,000, paging ratio 71-78 %
 * against 67-70 %; CPU per HTTP check unchanged. The log then grows to about 16 MB between checkpoints.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4_000;

/**
 * WAL_SIZE_LIMIT_BYTES is the size the write-ahead log file is cut back to when it starts over after
 * a checkpoint, so one that grew past the mark (a long backup held the checkpoint back) does not keep
 * its size on disk for ever; twice the mark's 16 MB, so a log of the usual size is reused as it is.
 */
export const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;

/** configure sets the connection up the way the engine needs it. */
export function configure(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
  // FULL: a transaction is on disk when COMMIT returns, so an answered request survives a power cut too.
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  // Savepoint journals (the group commit gives each operation of a batch a savepoint) and sorts in
  // memory: spilled to /var/tmp, each savepoint's copies of the pages it changes were written to a
  // deleted file, about 80 KB of writes per paged event.
  db.exec('PRAGMA temp_store = MEMORY');
  db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
}

/** quickCheck runs `PRAGMA quick_check` and answers its findings (empty when the file is sound). */
export function quickCheck(db: DatabaseSync): string[] {
  const rows = (db.prepare('PRAGMA quick_check').all() as Array<{ quick_check: string }>).map((r) => r.quick_check);
  if (rows.length === 1 && rows[0] === 'ok') return [];
  // One finding per line, without the "*** in database main ***" heading.
  return rows.flatMap((r) => r.split('\n')).filter((l) => l.trim() !== '' && !/^\*\*\* in database \w+ \*\*\*$/.test(l.trim()));
}

const MAGIC = 'SQLite format 3\0';

/** headerProblem reads the first 100 bytes (https://www.sqlite.org/fileformat.html#the_database_header) and says what is wrong, if anything. */
function headerProblem(path: string, size: number): string | undefined {
  if (size === 0) return 'is empty (0 bytes), so it holds none of your configuration or incidents; a new database is never made over it';
  if (size < 100) return `is truncated: ${size} bytes, shorter than a database's 100-byte header`;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1', 0, 16) !== MAGIC) return 'is not a SQLite database (it does not start with "SQLite format 3")';
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  // The page count is valid only when the change counter matches "version valid for" (offsets 24 and 92).
  const countValid = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92);
  const walBytes = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
  // With a write-ahead log still to apply, the file may lawfully be shorter than the log's last state.
  if (countValid && walBytes === 0 && size < pages * pageSize) return `is truncated: ${size} bytes, but its header says ${pages * pageSize}`;
  return undefined;
}

/**
 * createFresh builds a new database at path: under a temporary name, with every migration applied
 * and the file synced, then renamed into place.
 */
function createFresh(path: string, migrate: (db: DatabaseSync) => void): void {
  const tmp = `${path}.creating`;
  for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  try {
    const db = new DatabaseSync(tmp);
    try {
      configure(db);
      migrate(db);
    } finally {
      db.close();
    }
    fsyncPath(tmp);
    renameSync(tmp, path);
    fsyncPath(dirname(path));
  } catch (err) {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    throw storageError(err, path) ?? fileSystemError(err, path) ?? err;
  }
}

/**
 * openDatabaseFile opens (or, when there is none, creates) the database at path and checks it. It
 * throws DatabaseDamagedError for a file it will not trust; `migrate` applies the migrations to a
 * new file before it takes the database's name.
 */
export function openDatabaseFile(path: string, migrate: (db: DatabaseSync) => void): DatabaseSync {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new DatabaseDamagedError(path, 'is not a file');
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) {
      throw new DatabaseDamagedError(path, `is missing, but its write-ahead log ${path}-wal (recent changes) is there and would be lost`);
    }
    createFresh(path, migrate);
    size = statSync(path).size;
  }
  const problem = headerProblem(path, size);
  if (problem) throw new DatabaseDamagedError(path, problem);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    configure(db);
    const findings = quickCheck(db);
    if (findings.length > 0) throw new DatabaseDamagedError(path, `is damaged (quick_check: ${findings.slice(0, 3).join('; ')}${findings.length > 3 ? `; and ${findings.length - 3} more` : ''})`);
    return db;
  } catch (err) {
    if (db?.isOpen) db.close();
    if (err instanceof DatabaseDamagedError) throw err;
    const s = storageError(err, path);
    if (s?.kind === 'corrupt') throw new DatabaseDamagedError(path, `is damaged (${s.sqliteCode}: ${(err as { errstr?: string }).errstr ?? (err as Error).message})`);
    throw s ?? err;
  }
}
