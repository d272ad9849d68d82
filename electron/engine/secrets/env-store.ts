/**
 * EnvSecretStore reads secrets from environment variables, for a headless machine without a Secret
 * Service. It is an explicit opt-in (STANDBY_SECRETS_FROM_ENV=1), and read-only: the person sets the
 * variables where Standby is started (a systemd unit's EnvironmentFile with mode 0600, for example).
 */
import { ACK_KEY_REF } from '../notify/ack-links.ts';
import { checkEnvKey } from './key-strength.ts';
import { envVarFor, SecretStoreError, type SecretStore } from './secret-store.ts';

/** SIGNING_KEY_REFS are the entries that hold keys Standby signs with: given in the environment, each must be at least 32 random bytes (key-strength.ts). */
export const SIGNING_KEY_REFS = [ACK_KEY_REF];

/** EnvSecretStore maps a reference to STANDBY_SECRET_<REF> (see envVarFor). */
export class EnvSecretStore implements SecretStore {
  readonly kind = 'environment';
  /** perProcess: the person names the variables, and they reach one process only, so references keep their plain names. */
  readonly perProcess = true;
  private readonly env: NodeJS.ProcessEnv;

  /** The constructor refuses a signing key that is set but weak (throws an Error naming the variable and the rule), so Standby does not start with it. */
  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
    for (const ref of SIGNING_KEY_REFS) {
      const name = envVarFor(ref);
      const value = env[name];
      if (value) checkEnvKey(name, value);
    }
  }

  async get(ref: string): Promise<string | null> {
    const v = this.env[envVarFor(ref)];
    return v === undefined || v === '' ? null : v;
  }

  async set(ref: string): Promise<void> {
    throw new SecretStoreError(`secrets come from environment variables (STANDBY_SECRETS_FROM_ENV=1), so Standby cannot store one: set ${envVarFor(ref)} where Standby starts, then restart it`, 'refused');
  }

  async delete(ref: string): Promise<void> {
    throw new SecretStoreError(`secrets come from environment variables (STANDBY_SECRETS_FROM_ENV=1), so Standby cannot delete one: unset ${envVarFor(ref)} where Standby starts, then restart it`, 'refused');
  }
}
