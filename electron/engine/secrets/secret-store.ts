/**
 * The one small interface to secrets (tokens, passwords, webhook secrets, integration keys). The
 * database holds only a reference (a name); the value lives in the OS keychain through keytar, or,
 * when the user opts in on a machine without a Secret Service, in environment variables.
 */

/** SecretStore reads and writes secrets by reference. */
export interface SecretStore {
  /** kind names the backend for messages ("OS keychain", "environment", "memory"). */
  readonly kind: string;
  get(ref: string): Promise<string | null>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
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
