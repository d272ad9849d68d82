/**
 * `standby backup [FILE]` and `standby restore [FILE]` (`npm run standby -- backup`): a backup of the
 * database taken while Standby runs or not, and putting one back while it does not. See
 * docs/backup.md.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE, defaultDataDir } from '../data-dir.ts';
import { backupName, backupsDirOf } from '../store/backup-files.ts';
import { takeBackup } from '../store/backup.ts';
import { restoreBackup } from '../store/restore.ts';

/** backupUsage is `standby backup --help`. */
export const backupUsage = `usage: standby backup [FILE] [--data-dir DIR]
  Copies the database (VACUUM INTO, then PRAGMA quick_check on the copy) into FILE, or into
  DIR/backups/ under the time's name. Works while Standby runs on DIR.
  --data-dir DIR   the data directory (default: $STANDBY_DATA_DIR or ${defaultDataDir()})`;

/** restoreUsage is `standby restore --help`. */
export const restoreUsage = `usage: standby restore [FILE] [--data-dir DIR]
  Replaces DIR's database with FILE, or with the newest backup in DIR/backups/. Stop Standby first.
  The backup must pass PRAGMA quick_check. The replaced database (with its -wal and -shm) is moved
  aside as DIR/standby-replaced-<time>.db, never deleted.
  --data-dir DIR   the data directory (default: $STANDBY_DATA_DIR or ${defaultDataDir()})`;

function parse(argv: string[], usage: string): { dataDir: string; file: string | undefined } | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    console.error(`name at most one FILE, got ${parsed.positionals.length}\n${usage}`);
    return 2;
  }
  return { dataDir: resolve(parsed.values['data-dir'] ?? process.env.STANDBY_DATA_DIR ?? defaultDataDir()), file: parsed.positionals[0] };
}

/** backupCommand runs `standby backup`; it returns the exit code. */
export async function backupCommand(argv: string[]): Promise<number> {
  const args = parse(argv, backupUsage);
  if (typeof args === 'number') return args;
  const database = join(args.dataDir, DATABASE_FILE);
  if (!existsSync(database)) {
    console.error(`There is no database at ${database} to back up (is --data-dir right?).`);
    return 1;
  }
  const dir = backupsDirOf(database);
  const target = args.file !== undefined ? resolve(args.file) : join(dir, backupName(Date.now(), dir));
  try {
    const b = await takeBackup(database, target);
    console.log(`Backed up ${database} to ${b.path} (${Math.ceil(b.bytes / 1024)} KB in ${b.ms} ms; the copy passed quick_check).`);
    return 0;
  } catch (err) {
    console.error(`The backup failed, nothing was kept: ${(err as Error).message}`);
    return 1;
  }
}

/** restoreCommand runs `standby restore`; it returns the exit code. */
export function restoreCommand(argv: string[]): number {
  const args = parse(argv, restoreUsage);
  if (typeof args === 'number') return args;
  try {
    const r = restoreBackup(args.dataDir, args.file);
    const aside = r.movedAside.length > 0 ? `The database it replaced was moved aside, not deleted: ${r.movedAside.join(', ')}. Delete it once you no longer need it.` : 'There was no database to move aside.';
    console.log(`Restored ${r.database} from ${r.from}.\n${aside}\nStart Standby again.`);
    return 0;
  } catch (err) {
    // A running Standby (InstanceLockedError) is named with its pid; a bad backup says what is wrong with it.
    console.error(`Not restoring: ${(err as Error).message}`);
    return 1;
  }
}
