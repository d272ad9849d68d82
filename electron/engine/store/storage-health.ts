/**
 * StorageHealth turns the store's storage failures into the `storage` health error (so `/healthz`
 * answers 503 with the reason and the UI shows a banner) and notices by itself when they are over.
 * A full, read-only or failing disk clears when a write works again: after a commit that worked, or
 * when the health is read, if a probe file of PROBE_BYTES can be written and synced beside the
 * database and SQLite can allocate pages for a transaction it then rolls back. A damaged file clears
 * only when `PRAGMA quick_check` passes, tried at most once per CORRUPT_RECHECK_MS.
 */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Health } from '../health.ts';
import { backupsDirOf, describeBackup, newestBackup } from './backup-files.ts';
import type { Store } from './database.ts';
import { quickCheck } from './open-database.ts';
import type { StorageError } from './storage-error.ts';

/** PROBE_BYTES is how much free space a write probe needs: room for a few batches of events and a checkpoint, not a single page. */
export const PROBE_BYTES = 256 * 1024;
/** PROBE_FILE is the probe's name in the data directory; it exists only while a probe runs. */
export const PROBE_FILE = '.standby-disk-probe';
/** CORRUPT_RECHECK_MS spaces out quick_check runs while the database is known to be damaged. */
export const CORRUPT_RECHECK_MS = 60_000;

/** storageProblem is the health message for a storage failure: what failed, in SQLite's words and the file's name, and what to do. */
export function storageProblem(err: StorageError): string {
  switch (err.kind) {
    case 'full':
      return `Standby cannot write its database: ${err.message}. Alerts sent meanwhile are answered with a 5xx so that their senders retry. Free some space; Standby notices by itself.`;
    case 'readonly':
      return `Standby cannot write its database: ${err.message}. Make it writable again; Standby notices by itself.`;
    case 'corrupt': {
      const newest = err.path === ':memory:' ? undefined : newestBackup(backupsDirOf(err.path));
      const backup = newest ? `the newest backup, ${describeBackup(newest)}` : 'a backup';
      return `Standby's database is damaged: ${err.message}. Some pages may fail to load. Stop Standby and restore ${backup} with "standby restore" (see docs/backup.md).`;
    }
    default:
      return `Standby cannot read or write its database: ${err.message}. Check the disk; Standby notices by itself when it works again.`;
  }
}

/** StorageHealthDeps are what StorageHealth watches and reports to. */
export interface StorageHealthDeps {
  store: Store;
  health: Health;
  clock: Clock;
}

/** StorageHealth keeps the `storage` health problem in step with the disk. */
export class StorageHealth {
  private readonly d: StorageHealthDeps;
  private current: StorageError | undefined;
  private lastQuickCheck = -Infinity;

  constructor(deps: StorageHealthDeps) {
    this.d = deps;
    deps.store.observe({ failed: (err) => this.failed(err), committed: () => this.committed() });
    deps.health.probe('storage', () => this.probe());
  }

  /** failing is the storage failure current now, if any. */
  get failing(): StorageError | undefined {
    return this.current;
  }

  private failed(err: StorageError): void {
    // A damaged file stays the headline until it is fixed: a full disk on top of it does not hide it.
    if (this.current?.kind === 'corrupt' && err.kind !== 'corrupt') return;
    this.current = err;
    this.d.health.set('storage', 'error', storageProblem(err));
  }

  private committed(): void {
    if (!this.current || this.current.kind === 'corrupt') return;
    if (this.writable()) this.solved();
  }

  private probe(): void {
    if (!this.current) return;
    if (this.current.kind === 'corrupt') {
      const now = this.d.clock.now();
      if (now - this.lastQuickCheck < CORRUPT_RECHECK_MS) return;
      this.lastQuickCheck = now;
      let findings: string[];
      try {
        findings = quickCheck(this.d.store.db);
      } catch {
        return;
      }
      if (findings.length === 0) this.solved();
      return;
    }
    if (this.writable()) this.solved();
  }

  private solved(): void {
    this.current = undefined;
    this.d.health.clear('storage');
  }

  /** writable tells whether writes can work again: the disk takes PROBE_BYTES, and SQLite can allocate pages. */
  private writable(): boolean {
    const { store } = this.d;
    if (!store.db.isOpen) return false;
    if (store.path !== ':memory:') {
      const probe = join(dirname(store.path), PROBE_FILE);
      let fd: number | undefined;
      try {
        fd = openSync(probe, 'w', 0o600);
        writeSync(fd, Buffer.alloc(PROBE_BYTES));
        fsyncSync(fd);
      } catch {
        return false;
      } finally {
        if (fd !== undefined) closeSync(fd);
        rmSync(probe, { force: true });
      }
    }
    if (store.db.isTransaction) return false;
    try {
      // Pages past SQLite's own limits (max_page_count) fail here as a full disk would; nothing is kept.
      store.db.exec('BEGIN IMMEDIATE');
      store.db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (-1, zeroblob(?), 0)').run(PROBE_BYTES / 4);
      return true;
    } catch {
      return false;
    } finally {
      if (store.db.isTransaction) store.db.exec('ROLLBACK');
    }
  }
}
