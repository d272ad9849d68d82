/** How a secret-store failure reaches an API caller. */
import { ApiError } from '../../shared/errors.ts';
import type { SecretStoreError } from './secret-store.ts';

/**
 * secretStoreApiError turns a SecretStoreError into the API's answer: `unavailable` (HTTP 503) when the
 * keychain did not answer, is locked or missing (try again once it works), `conflict` (409) when the
 * store refuses the change (environment variables are read-only). `what` prefixes the message.
 */
export function secretStoreApiError(err: SecretStoreError, what?: string): ApiError {
  const message = what ? `${what}: ${err.message}` : err.message;
  return new ApiError(err.reason === 'refused' ? 'conflict' : 'unavailable', message);
}
