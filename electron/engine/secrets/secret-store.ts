/**
 * The one small interface to secrets (tokens, passwords, webhook secrets, integration keys). The
 * database holds only a reference (a name); the value lives in the OS keychain through keytar, or,
 * when the user opts in on a machine without a Secret Service, in environment variables.
 */

/** SecretStore reads and writes secrets by reference. */
export interface SecretStore {
  /** kind names the backend for messages ("OS keychain", "environment", "memory"). */
  readonly kind: string;
  /**
   * perProcess is true for a store whose entries belong to the one process that reads them (environment
   * variables): their names are not prefixed with the installation id (see InstallationSecretStore).
   * A store without it (the OS keychain) is shared by every data directory of one OS user.
   */
  readonly perProcess?: boolean;
  get(ref: string): Promise<string | null>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
}

/**
 * SecretStoreFailure says why a secret-store call failed: `unavailable` (no keychain, a locked one, an
 * error from it), `timeout` (it did not answer in time: see GuardedSecretStore), or `refused` (this
 * store cannot do that at all, such as writing to environment variables).
 */
export type SecretStoreFailure = 'unavailable' | 'timeout' | 'refused';

/** SecretStoreError says a secret could not be read or written, why, and how to fix it; it never holds a secret. */
export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  /** reason is the kind of failure: the first two are the store's own trouble (health hears of them), `refused` is not. */
  readonly reason: SecretStoreFailure;

  constructor(message: string, reason: SecretStoreFailure = 'unavailable') {
    super(message);
    this.reason = reason;
  }
}

/** NO_KEYCHAIN_FIX is the fix every "no keychain" error names. */
export const NO_KEYCHAIN_FIX =
  'No OS keychain (Secret Service) is available: install and unlock gnome-keyring (or another Secret Service), or set STANDBY_SECRETS_FROM_ENV=1 and put each secret in an environment variable STANDBY_SECRET_<REF>';

/** LOCKED_KEYCHAIN_FIX is what to do when the keychain answers that it is locked (a Secret Service with no one to unlock it). */
export const LOCKED_KEYCHAIN_FIX =
  'The OS keychain is locked: unlock it (log in to the desktop session, or run `gnome-keyring-daemon --unlock` on a machine without one), or set STANDBY_SECRETS_FROM_ENV=1 and put each secret in an environment variable STANDBY_SECRET_<REF>';

/** envVarFor names the environment variable that holds a secret: STANDBY_SECRET_ and the reference in capitals, other characters as "_". */
export function envVarFor(ref: string): string {
  return `STANDBY_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** MemorySecretStore keeps secrets in this process only (tests, and nothing else). */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  private readonly values = new Map<string, string>();

  async get(ref: string): Promise<string | null> {
    return this.values.get(ref) ?? null;
  }

  async set(ref: string, value: string): Promise<void> {
    this.values.set(ref, value);
  }

  async delete(ref: string): Promise<void> {
    this.values.delete(ref);
  }
}
