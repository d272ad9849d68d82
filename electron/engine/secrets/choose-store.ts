/**
 * Which secret store a headless Standby (`standby serve`, the always-on box) uses, said in one line at
 * start:
 * 1. STANDBY_SECRETS_FROM_ENV=1: environment variables (read-only, an explicit opt-in);
 * 2. a secrets file already in the data directory, or STANDBY_SECRETS_FILE=1: that file (file-store.ts);
 * 3. the OS keychain, if it answers a probe within a few seconds;
 * 4. no keychain answers and the data directory is new: the secrets file, so a box without a Secret
 *    Service can still store a Twilio token and show integration keys again. A data directory that
 *    already kept its secrets in the keychain stays there (its secrets are not in the file): the line
 *    says what is wrong and how to move to a file on purpose.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../data-dir.ts';
import { EnvSecretStore } from './env-store.ts';
import { FileSecretStore, secretsFilePath } from './file-store.ts';
import { KeytarSecretStore } from './keytar-store.ts';
import type { SecretStore } from './secret-store.ts';

/** PROBE_TIMEOUT_MS bounds the keychain probe at start: a Secret Service that does not answer in 3 s counts as none. */
export const PROBE_TIMEOUT_MS = 3_000;

/** SecretStoreChoice is the store and the line that says which one, and why. */
export interface SecretStoreChoice {
  store: SecretStore;
  line: string;
  /** probing tells whether the keychain probe still waits in a worker thread (a hung Secret Service): the exit must not wait for it. */
  probing: () => boolean;
}

/** ChooseOptions are where to look; `probe` reads the keychain once (tests give their own). */
export interface ChooseOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  probe?: () => Promise<unknown>;
  probeTimeoutMs?: number;
}

/** probeKeychain asks the OS keychain for an entry that does not exist: any answer, even "none", means it works. */
function probeKeychain(): Promise<unknown> {
  return new KeytarSecretStore().get('standby.probe');
}

/** chooseSecretStore picks the store for a headless start and says why. */
export async function chooseSecretStore(o: ChooseOptions): Promise<SecretStoreChoice> {
  const env = o.env ?? process.env;
  let pending = false;
  const probing = () => pending;
  if (env.STANDBY_SECRETS_FROM_ENV === '1') return { store: new EnvSecretStore(env), line: 'Secrets: environment variables STANDBY_SECRET_<NAME> (STANDBY_SECRETS_FROM_ENV=1); Standby cannot store one.', probing };
  const file = secretsFilePath(o.dataDir);
  const inFile = `kept in ${file}, readable only by this user (mode 0600)`;
  if (env.STANDBY_SECRETS_FILE === '1' || existsSync(file)) return { store: new FileSecretStore(file), line: `Secrets: ${inFile}.`, probing };
  const ask = o.probe ?? probeKeychain;
  pending = true;
  const problem = await probe(() => ask().finally(() => (pending = false)), o.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
  if (problem === undefined) return { store: new KeytarSecretStore(), line: 'Secrets: the OS keychain.', probing };
  if (!existsSync(join(o.dataDir, DATABASE_FILE))) {
    return { store: new FileSecretStore(file), line: `Secrets: no OS keychain answered (${problem}), so they are ${inFile}. To give them as environment variables instead, set STANDBY_SECRETS_FROM_ENV=1.`, probing };
  }
  return {
    store: new KeytarSecretStore(),
    line: `Secrets: the OS keychain, which does not answer now (${problem}). This data directory keeps its secrets there, so Standby does not move them: unlock the keychain, or set STANDBY_SECRETS_FILE=1 to keep them in ${file} from now on (then enter them again).`,
    probing,
  };
}

/** probe answers why the keychain does not work, or undefined when it answered in time. */
async function probe(ask: () => Promise<unknown>, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ask(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`it did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
        timer.unref();
      }),
    ]);
    return undefined;
  } catch (err) {
    // The keychain's own reason, without the long list of fixes the store adds to it.
    const message = (err as Error).message;
    return /\(([^()]*)\)$/.exec(message)?.[1] ?? message;
  } finally {
    clearTimeout(timer);
  }
}
