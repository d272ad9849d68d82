/**
 * Backups owns the daily backup of the database: one at start when the newest is older than a day,
 * then one a day, kept in `<dataDir>/backups/` (the last `keep`, 7 by default), with time from the
 * engine's clock. A failed backup (a full disk) leaves no partial file and sets the `backup` health
 * warning until a backup works; it is tried again within RETRY_MS. It also serves the backups API
 * methods ("Back up now" in the UI) and finds a backup to download.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiArgs, ApiOutputs, BackupInfo } from '../../shared/api.ts';
import { ApiError } from '../../shared/errors.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import type { Health } from '../health.ts';
import { backupName, backupsDirOf, describeBackup, isBackupName, listBackups, newestBackup, pruneBackups, removePartials, type BackupFile } from './backup-files.ts';
import { takeBackup } from './backup.ts';

/** BACKUP_INTERVAL_MS is how old the newest backup may get before the next is taken. */
export const BACKUP_INTERVAL_MS = 24 * 60 * 60_000;
/** DEFAULT_KEEP_BACKUPS is how many backups are kept unless configured otherwise. */
export const DEFAULT_KEEP_BACKUPS = 7;
/** RETRY_MS is how soon a failed daily backup is tried again. */
export const RETRY_MS = 60 * 60_000;
/** MAX_WAIT_MS caps one timer: timers stop while a laptop sleeps and the wall clock does not, so the schedule looks again this often. */
export const MAX_WAIT_MS = 15 * 60_000;

/** BackupsDeps are the database to back up and where to report. */
export interface BackupsDeps {
  databasePath: string;
  clock: Clock;
  health: Health;
  log: (line: string) => void;
  /** keep is how many backups to keep (at least 1). */
  keep: number;
}

function view(b: BackupFile): BackupInfo {
  return { file: b.file, createdAt: new Date(b.createdAt).toISOString(), bytes: b.bytes };
}

/** Backups takes, keeps and lists the database's backups. */
export class Backups {
  readonly dir: string;
  readonly keep: number;
  private readonly d: BackupsDeps;
  private timer: TimerHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private retryAt = 0;
  private stopped = true;

  constructor(deps: BackupsDeps) {
    this.d = deps;
    this.dir = backupsDirOf(deps.databasePath);
    this.keep = Math.max(1, Math.floor(deps.keep));
  }

  /** start removes what a crash left half written and arms the schedule (a backup at once when the newest is over a day old). */
  start(): void {
    removePartials(this.dir);
    this.stopped = false;
    this.arm();
  }

  /** stop disarms the schedule and waits for a backup in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** list is the backups, newest first. */
  list(): ApiOutputs['backups.list'] {
    return { directory: this.dir, keep: this.keep, backups: listBackups(this.dir).map(view) };
  }

  /** create takes a backup now (after any in progress) and resolves with it once it is on disk and checked. */
  create(reason: 'daily' | 'manual' = 'manual'): Promise<BackupFile> {
    const run = this.chain.then(() => this.take(reason));
    this.chain = run.catch(() => {});
    return run;
  }

  /** pathOf is the path of the backup named file, or undefined when there is no such backup (or the name is not a backup's). */
  pathOf(file: string): string | undefined {
    if (!isBackupName(file)) return undefined;
    const path = join(this.dir, file);
    return existsSync(path) ? path : undefined;
  }

  private async take(reason: 'daily' | 'manual'): Promise<BackupFile> {
    // A backup's time is its name's: to the second.
    const now = Math.floor(this.d.clock.now() / 1000) * 1000;
    const target = join(this.dir, backupName(now, this.dir));
    try {
      const b = await takeBackup(this.d.databasePath, target, now);
      const pruned = pruneBackups(this.dir, this.keep);
      this.d.log(`backup (${reason}): ${b.path}, ${Math.ceil(b.bytes / 1024)} KB in ${b.ms} ms${pruned.length > 0 ? `; removed ${pruned.join(', ')} (keeping ${this.keep})` : ''}`);
      this.retryAt = 0;
      this.d.health.clear('backup');
      return b;
    } catch (err) {
      this.retryAt = this.d.clock.now() + RETRY_MS;
      const newest = newestBackup(this.dir);
      const message = `The ${reason} backup of the database failed: ${(err as Error).message}. ${newest ? `The newest backup is ${describeBackup(newest)}.` : 'There is no backup yet.'} Standby tries again within an hour.`;
      this.d.health.set('backup', 'warning', message);
      throw err;
    }
  }

  /** dueAt is when the next daily backup is due: a day after the newest, not before a retry's time. */
  private dueAt(now: number): number {
    const newest = newestBackup(this.dir);
    return Math.max(newest ? newest.createdAt + BACKUP_INTERVAL_MS : now, this.retryAt);
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.d.clock.now();
    const wait = Math.min(Math.max(0, this.dueAt(now) - now), MAX_WAIT_MS);
    this.timer = this.d.clock.setTimer(async () => {
      this.timer = undefined;
      if (this.stopped) return;
      if (this.d.clock.now() >= this.dueAt(this.d.clock.now())) await this.create('daily').catch(() => {});
      this.arm();
    }, wait);
  }
}

/** BackupMethod names the API methods about backups. */
export type BackupMethod = 'backups.list' | 'backups.create';

/** backupHandlers serves the backups API methods; an engine on an in-memory database (tests) has no backups. */
export function backupHandlers(backups: Backups | undefined): { [M in BackupMethod]: (args: ApiArgs<M>) => Promise<ApiOutputs[M]> | ApiOutputs[M] } {
  return {
    'backups.list': () => backups?.list() ?? { directory: null, keep: 0, backups: [] },
    'backups.create': async () => {
      if (!backups) throw new ApiError('conflict', 'this Standby keeps its database in memory, so there is no file to back up');
      return view(await backups.create('manual'));
    },
  };
}
