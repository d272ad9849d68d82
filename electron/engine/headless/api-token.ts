/**
 * The headless server's API token, kept per installation like the other secrets: in the secret store
 * (the OS keychain, under this data directory's own entry name), so a restart keeps it and an open
 * browser tab keeps working. It changes only when the person asks (`--new-token`), which ends every
 * session that used the old one, or when the store cannot keep it (secrets from environment
 * variables, a keychain that is locked or missing): then the token is for this start only, and the
 * start says why (with secrets from the environment, STANDBY_TOKEN is the one variable for it). STANDBY_TOKEN, when set, is the person's own token and wins over the kept one.
 */
import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../secrets/secret-store.ts';

/** API_TOKEN_REF is the secret store entry holding the kept API token. */
export const API_TOKEN_REF = 'standby.apiToken';

/** ApiTokenSource says where a start's token came from. */
export type ApiTokenSource = 'env' | 'kept' | 'new' | 'this-start';

/** ApiTokenChoice is a start's token, where it came from, and the line that tells the person (none when nothing is worth saying). */
export interface ApiTokenChoice {
  token: string;
  source: ApiTokenSource;
  line: string | undefined;
}

/** ApiTokenOptions are what chooseApiToken needs. */
export interface ApiTokenOptions {
  secrets: SecretStore;
  /** fromEnv is STANDBY_TOKEN, when set (already checked for strength). */
  fromEnv?: string | undefined;
  /** rotate makes a new token even when one is kept (`--new-token`). */
  rotate?: boolean | undefined;
}

/** newApiToken is 32 random bytes in base64url. */
export function newApiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** chooseApiToken answers the token of this start: STANDBY_TOKEN, the kept one, or a new one it keeps when it can. It never throws. */
export async function chooseApiToken(o: ApiTokenOptions): Promise<ApiTokenChoice> {
  if (o.fromEnv) return { token: o.fromEnv, source: 'env', line: o.rotate ? '--new-token: ignored, because STANDBY_TOKEN sets the API token; change STANDBY_TOKEN to end the old sessions.' : undefined };
  if (o.secrets.perProcess) {
    // Secrets from environment variables: nothing can be stored, and STANDBY_TOKEN is the variable for this one.
    return { token: newApiToken(), source: 'this-start', line: 'The API token is for this start only, because secrets come from environment variables (STANDBY_SECRETS_FROM_ENV=1): set STANDBY_TOKEN to keep one across restarts.' };
  }
  if (!o.rotate) {
    try {
      const kept = await o.secrets.get(API_TOKEN_REF);
      if (kept) return { token: kept, source: 'kept', line: undefined };
    } catch {
      // Unreadable now (a locked keychain): a token for this start only, said below when keeping it fails too.
    }
  }
  const token = newApiToken();
  try {
    await o.secrets.set(API_TOKEN_REF, token);
    return { token, source: 'new', line: o.rotate ? 'A new API token (--new-token): browser tabs and scripts that used the old one must use the new one.' : undefined };
  } catch (err) {
    return { token, source: 'this-start', line: `The API token is for this start only (the ${o.secrets.kind} could not keep it: ${(err as Error).message}); open browser tabs will need the new link after a restart. Set STANDBY_TOKEN to keep one.` };
  }
}
