import { describe, expect, it } from 'vitest';
import { API_TOKEN_REF, chooseApiToken } from '../../../electron/engine/headless/api-token.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { MemorySecretStore, SecretStoreError, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';

/** lockedStore answers every call as a locked keychain does. */
const lockedStore: SecretStore = {
  kind: 'OS keychain',
  get: () => Promise.reject(new SecretStoreError('the OS keychain is locked')),
  set: () => Promise.reject(new SecretStoreError('the OS keychain is locked')),
  delete: () => Promise.reject(new SecretStoreError('the OS keychain is locked')),
};

describe('chooseApiToken', () => {
  it('makes a token once, keeps it in the secret store, and gives it back at the next start', async () => {
    const secrets = new MemorySecretStore();
    const first = await chooseApiToken({ secrets });
    expect(first.source).toBe('new');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await secrets.get(API_TOKEN_REF)).toBe(first.token);
    const second = await chooseApiToken({ secrets });
    expect(second).toEqual({ token: first.token, source: 'kept', line: undefined });
  });

  it('replaces the kept token when asked (--new-token), and says so', async () => {
    const secrets = new MemorySecretStore();
    const first = await chooseApiToken({ secrets });
    const rotated = await chooseApiToken({ secrets, rotate: true });
    expect(rotated.token).not.toBe(first.token);
    expect(await secrets.get(API_TOKEN_REF)).toBe(rotated.token);
    expect(rotated.line).toMatch(/^A new API token \(--new-token\)/);
  });

  it('uses STANDBY_TOKEN over the kept one, and stores nothing', async () => {
    const secrets = new MemorySecretStore();
    const own = 'c2VjcmV0LXRva2VuLWZyb20tdGhlLWVudmlyb25tZW50LTAxMjM0NTY3ODk';
    expect(await chooseApiToken({ secrets, fromEnv: own })).toEqual({ token: own, source: 'env', line: undefined });
    expect(await secrets.get(API_TOKEN_REF)).toBeNull();
    expect((await chooseApiToken({ secrets, fromEnv: own, rotate: true })).line).toMatch(/--new-token: ignored, because STANDBY_TOKEN sets the API token/);
  });

  it('falls back to a token for this start when the store cannot keep one, and says why', async () => {
    const locked = await chooseApiToken({ secrets: lockedStore });
    expect(locked.source).toBe('this-start');
    expect(locked.line).toMatch(/^The API token is for this start only \(the OS keychain could not keep it: the OS keychain is locked\)/);
    const env = await chooseApiToken({ secrets: new EnvSecretStore({}) });
    expect(env.source).toBe('this-start');
    expect(env.line).toBe('The API token is for this start only, because secrets come from environment variables (STANDBY_SECRETS_FROM_ENV=1): set STANDBY_TOKEN to keep one across restarts.');
    expect(env.line).not.toContain(env.token);
  });
});
