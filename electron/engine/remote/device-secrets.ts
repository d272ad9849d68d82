/**
 * Where the desktop app keeps its device token for a box: the OS keychain, as every other secret of
 * the desktop app, or the secrets file in the data directory (mode 0600) where STANDBY_SECRETS_FILE=1
 * says there is no keychain to use.
 */
import { defaultSecretStore } from '../secrets/default-store.ts';
import { FileSecretStore, secretsFilePath } from '../secrets/file-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';

/** deviceSecretStore is the store for the device token of the app whose data is in dataDir. */
export function deviceSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretStore {
  return env.STANDBY_SECRETS_FILE === '1' ? new FileSecretStore(secretsFilePath(dataDir)) : defaultSecretStore(env);
}
