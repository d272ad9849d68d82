/**
 * FileSecretStore keeps secrets in one file only its owner may read, for an always-on box with no OS
 * keychain (a server rarely runs a Secret Service). The file is `secrets.json` in the data directory,
 * written whole to a 0600 temporary file and renamed into place (private-file.ts), so a reader never
 * sees half a file; a file that other users may read, or that belongs to someone else, is refused, as
 * ssh refuses a private key with wide permissions. The file holds nothing else, and nothing but this
 * store reads it: secrets stay out of SQLite, logs, exports and errors as with the keychain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateFileError, privateFileProblem, writePrivateFile } from '../private-file.ts';
import { SecretStoreError, type SecretStore } from './secret-store.ts';

/** SECRETS_FILE is the file's name in the data directory. */
export const SECRETS_FILE = 'secrets.json';

/** secretsFilePath is where a data directory keeps its secrets file. */
export function secretsFilePath(dataDir: string): string {
  return join(dataDir, SECRETS_FILE);
}

/** FileSecretStore reads and writes `{"version": 1, "secrets": {"<ref>": "<value>"}}`. */
export class FileSecretStore implements SecretStore {
  readonly kind = 'private file';
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async get(ref: string): Promise<string | null> {
    return this.read()[ref] ?? null;
  }

  async set(ref: string, value: string): Promise<void> {
    // Read, change and write with no await between: one process never loses another call's change.
    const all = this.read();
    all[ref] = value;
    this.write(all);
  }

  async delete(ref: string): Promise<void> {
    const all = this.read();
    if (!(ref in all)) return;
    delete all[ref];
    this.write(all);
  }

  private read(): Record<string, string> {
    const problem = privateFileProblem(this.path);
    if (problem) throw new SecretStoreError(`the secrets file cannot be used: ${problem}`, 'unavailable');
    if (!existsSync(this.path)) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new SecretStoreError(`the secrets file ${this.path} is not valid JSON (${(err as Error).name}); restore it from a copy, or remove it and enter the secrets again`, 'unavailable');
    }
    const secrets = (parsed as { version?: unknown; secrets?: unknown } | null)?.secrets;
    if ((parsed as { version?: unknown }).version !== 1 || typeof secrets !== 'object' || secrets === null || Array.isArray(secrets) || Object.values(secrets).some((v) => typeof v !== 'string')) {
      throw new SecretStoreError(`the secrets file ${this.path} is not a Standby secrets file (expected {"version": 1, "secrets": {"name": "value"}}); restore it from a copy, or remove it and enter the secrets again`, 'unavailable');
    }
    return { ...(secrets as Record<string, string>) };
  }

  private write(all: Record<string, string>): void {
    try {
      writePrivateFile(this.path, `${JSON.stringify({ version: 1, secrets: all }, null, 2)}\n`);
    } catch (err) {
      const why = err instanceof PrivateFileError ? err.message : `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      throw new SecretStoreError(`the secrets file ${this.path} could not be written: ${why}`, 'unavailable');
    }
  }
}
