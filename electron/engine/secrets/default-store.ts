/** defaultSecretStore picks the secret store for a real run: the OS keychain, or environment variables when opted in. */
import { EnvSecretStore } from './env-store.ts';
import { KeytarSecretStore } from './keytar-store.ts';
import type { SecretStore } from './secret-store.ts';

/** defaultSecretStore returns an EnvSecretStore when STANDBY_SECRETS_FROM_ENV=1, otherwise the OS keychain through keytar. */
export function defaultSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  return env.STANDBY_SECRETS_FROM_ENV === '1' ? new EnvSecretStore(env) : new KeytarSecretStore();
}
