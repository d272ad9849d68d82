/**
 * KeytarSecretStore keeps secrets in the OS keychain (the Secret Service on Linux, Keychain on macOS,
 * Credential Manager on Windows) through keytar. keytar is archived upstream, so it stays behind the
 * SecretStore interface, and it is loaded on first use: a machine without libsecret only fails when a
 * secret is actually needed, with an error that names the fix.
 */
import { LOCKED_KEYCHAIN_FIX, NO_KEYCHAIN_FIX, SecretStoreError, type SecretStore } from './secret-store.ts';

/** KEYCHAIN_SERVICE is the service name Standby's entries are stored under. */
export const KEYCHAIN_SERVICE = 'Standby';

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

let loaded: Promise<Keytar> | undefined;

function keytar(): Promise<Keytar> {
  loaded ??= import('keytar').then(
    (m) => ((m as { default?: Keytar }).default ?? (m as unknown as Keytar)),
    (err: Error) => {
      loaded = undefined;
      throw new SecretStoreError(`${NO_KEYCHAIN_FIX} (keytar could not be loaded: ${err.message})`);
    },
  );
  return loaded;
}

/** KeytarSecretStore stores each reference as an account under one service name. */
export class KeytarSecretStore implements SecretStore {
  readonly kind = 'OS keychain';
  private readonly service: string;

  /** service is the keychain service name; tests use their own so they never touch the person's entries. */
  constructor(service = KEYCHAIN_SERVICE) {
    this.service = service;
  }

  async get(ref: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, ref));
  }

  async set(ref: string, value: string): Promise<void> {
    await this.call((k) => k.setPassword(this.service, ref, value));
  }

  async delete(ref: string): Promise<void> {
    await this.call((k) => k.deletePassword(this.service, ref));
  }

  private async call<T>(fn: (k: Keytar) => Promise<T>): Promise<T> {
    const k = await keytar();
    try {
      return await fn(k);
    } catch (err) {
      // keytar's messages come from libsecret/D-Bus ("Cannot autolaunch D-Bus without X11 $DISPLAY",
      // "The name org.freedesktop.secrets was not provided by any .service files", "Cannot create an
      // item in a locked collection"); they hold no secret.
      const message = (err as Error).message;
      throw new SecretStoreError(`${/\blocked\b/i.test(message) ? LOCKED_KEYCHAIN_FIX : NO_KEYCHAIN_FIX} (${message})`);
    }
  }
}
