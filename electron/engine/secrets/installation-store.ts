/**
 * InstallationSecretStore gives each data directory its own keychain entries. The OS keychain is one
 * per OS user, shared by every data directory (every Standby) that user runs: with plain names, a
 * second data directory's integration 1 overwrote the first one's key, and both signed ack links with
 * the same key. So a reference `ref` is kept under the entry `<installation id>/<ref>`, where the
 * installation id is random and made with the data directory's database (store/installation-repo.ts).
 * Callers keep using plain references; this is the one place names are made.
 *
 * A per-process store (environment variables, STANDBY_SECRETS_FROM_ENV=1) keeps plain names: the
 * person names the variables (`STANDBY_SECRET_<REF>`), and they reach only the process started with them.
 *
 * A data directory made before installation ids has its entries under the old plain names. Before its
 * first call, this store runs the one-time move of those entries (keychain-migration.ts); every call
 * waits for it, so nobody reads a new name before its value is there. A move that fails (a locked
 * keychain) is tried again at a later call, at most once every MIGRATION_RETRY_MS.
 */
import type { Clock } from '../clock.ts';
import type { GuardedSecretStore } from './guarded-store.ts';
import type { SecretStore } from './secret-store.ts';

/** MIGRATION_RETRY_MS is how long after a failed move of the old entries the next call tries again. */
export const MIGRATION_RETRY_MS = 30_000;

/** installationEntryName is the keychain entry that holds a reference for one installation: `<installation id>/<ref>`. */
export function installationEntryName(installationId: string, ref: string): string {
  return `${installationId}/${ref}`;
}

/** InstallationStoreOptions configure an InstallationSecretStore. */
export interface InstallationStoreOptions {
  /** installationId is this data directory's random id (not a secret). */
  installationId: string;
  clock: Clock;
  /** migrate moves the old shared entries once; it answers true when that is done for good, false to try again later. It must not throw. */
  migrate?: (() => Promise<boolean>) | undefined;
}

/** InstallationSecretStore names every entry after the installation, and moves the old shared entries once before its first call. */
export class InstallationSecretStore implements SecretStore {
  readonly kind: string;
  readonly perProcess: boolean;
  /** installationId is this data directory's random id. */
  readonly installationId: string;
  /** shared is the store behind the names (with its deadline per call); only the keychain migration reads old plain names through it. */
  readonly shared: GuardedSecretStore;
  private readonly clock: Clock;
  private migrate: (() => Promise<boolean>) | undefined;
  private migrating: Promise<void> | undefined;
  private retryAt = 0;

  constructor(shared: GuardedSecretStore, opts: InstallationStoreOptions) {
    this.shared = shared;
    this.kind = shared.kind;
    this.perProcess = shared.perProcess;
    this.installationId = opts.installationId;
    this.clock = opts.clock;
    this.migrate = opts.migrate;
  }

  /** entryName is the name a reference is stored under: the installation's own, or the plain reference in a per-process store. */
  entryName(ref: string): string {
    return this.perProcess ? ref : installationEntryName(this.installationId, ref);
  }

  async get(ref: string): Promise<string | null> {
    await this.ready();
    return this.shared.get(this.entryName(ref));
  }

  async set(ref: string, value: string): Promise<void> {
    await this.ready();
    await this.shared.set(this.entryName(ref), value);
  }

  async delete(ref: string): Promise<void> {
    await this.ready();
    await this.shared.delete(this.entryName(ref));
  }

  /** hung tells whether a keychain call outlived its deadline and has not returned (see GuardedSecretStore). */
  get hung(): boolean {
    return this.shared.hung;
  }

  /** busy tells whether a keychain call occupies a worker thread right now (the shutdown code asks). */
  get busy(): boolean {
    return this.shared.busy;
  }

  /**
   * ready runs the move of the old shared entries while it is still to do (one run at a time; every
   * call waits for it). It never throws: a failed run is tried again at a call MIGRATION_RETRY_MS later.
   */
  async ready(): Promise<void> {
    if (!this.migrate) return;
    if (!this.migrating) {
      if (this.clock.now() < this.retryAt) return;
      const migrate = this.migrate;
      this.migrating = migrate().then(
        (done) => {
          if (done) this.migrate = undefined;
          else this.retryAt = this.clock.now() + MIGRATION_RETRY_MS;
        },
        () => {
          this.retryAt = this.clock.now() + MIGRATION_RETRY_MS;
        },
      ).finally(() => {
        this.migrating = undefined;
      });
    }
    await this.migrating;
  }
}
