/**
 * Secrets on a box without a keychain: a file only its owner may read (0600), refused when its
 * permissions are wider (as ssh refuses a private key), never overwritten when it cannot be read; and
 * the choice `standby serve` makes at start, said in one line. A real server in its own process with
 * no Secret Service at all stores an integration key in the file and shows it again after a restart.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseSecretStore } from '../../../electron/engine/secrets/choose-store.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { FileSecretStore, secretsFilePath } from '../../../electron/engine/secrets/file-store.ts';
import { KeytarSecretStore } from '../../../electron/engine/secrets/keytar-store.ts';
import { SecretStoreError } from '../../../electron/engine/secrets/secret-store.ts';
import { api, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('the secrets file', () => {
  it('stores, reads and deletes secrets in a file only its owner may read', async () => {
    const path = secretsFilePath(tempDir('standby-file-'));
    const store = new FileSecretStore(path);
    expect(await store.get('twilio.authToken')).toBeNull();
    await store.set('twilio.authToken', 'tw-Auth-3f9a1c7e5b2d4086');
    await store.set('pushover.token', 'azGDORePK8gMaC0QOYAMyEEuzJnyUi');
    expect(mode(path)).toBe('600');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, secrets: { 'twilio.authToken': 'tw-Auth-3f9a1c7e5b2d4086', 'pushover.token': 'azGDORePK8gMaC0QOYAMyEEuzJnyUi' } });
    expect(await new FileSecretStore(path).get('twilio.authToken')).toBe('tw-Auth-3f9a1c7e5b2d4086');
    await store.delete('twilio.authToken');
    expect(await store.get('twilio.authToken')).toBeNull();
    expect(await store.get('pushover.token')).toBe('azGDORePK8gMaC0QOYAMyEEuzJnyUi');
    expect(mode(path)).toBe('600');
  });

  it.skipIf(process.platform === 'win32')('refuses a file other users may read, saying how to fix it, and does not overwrite it', async () => {
    const path = secretsFilePath(tempDir('standby-file-'));
    const store = new FileSecretStore(path);
    await store.set('a', 'one');
    chmodSync(path, 0o644);
    await expect(store.get('a')).rejects.toThrow(SecretStoreError);
    await expect(store.get('a')).rejects.toThrow(/has permissions 644, so other users may read it; .*chmod 600/);
    await expect(store.set('b', 'two')).rejects.toThrow(/chmod 600/);
    chmodSync(path, 0o600);
    expect(JSON.parse(readFileSync(path, 'utf8')).secrets).toEqual({ a: 'one' });
  });

  it('refuses a damaged file with a clear error and never replaces it (the secrets in it would be lost)', async () => {
    const path = secretsFilePath(tempDir('standby-file-'));
    writeFileSync(path, '{"version": 1, "secrets": {"a": ', { mode: 0o600 });
    const store = new FileSecretStore(path);
    await expect(store.get('a')).rejects.toThrow(/is not valid JSON .*restore it from a copy, or remove it/);
    await expect(store.set('b', 'two')).rejects.toThrow(/is not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "secrets": {"a": ');
    writeFileSync(path, '{"version": 1, "secrets": {"a": 7}}');
    await expect(store.get('a')).rejects.toThrow(/is not a Standby secrets file/);
  });
});

describe('which secret store `standby serve` uses', () => {
  const fails = () => Promise.reject(new Error('No OS keychain (Secret Service) is available: … (Cannot autolaunch D-Bus without X11 $DISPLAY)'));

  it('environment variables when opted in; the file when it exists or is asked for; the keychain when it answers', async () => {
    const dir = tempDir('standby-choose-');
    const probe = async () => null;
    expect((await chooseSecretStore({ dataDir: dir, env: { STANDBY_SECRETS_FROM_ENV: '1' }, probe })).store).toBeInstanceOf(EnvSecretStore);
    const keychain = await chooseSecretStore({ dataDir: dir, env: {}, probe });
    expect([keychain.store, keychain.line]).toEqual([expect.any(KeytarSecretStore), 'Secrets: the OS keychain.']);
    const asked = await chooseSecretStore({ dataDir: dir, env: { STANDBY_SECRETS_FILE: '1' }, probe });
    expect(asked.store).toBeInstanceOf(FileSecretStore);
    expect(asked.line).toBe(`Secrets: kept in ${secretsFilePath(dir)}, readable only by this user (mode 0600).`);
    await asked.store.set('a', 'one');
    expect((await chooseSecretStore({ dataDir: dir, env: {}, probe })).store).toBeInstanceOf(FileSecretStore);
  });

  it('no keychain and a new data directory: the file, saying why; a data directory that used the keychain stays there and says how to move', async () => {
    const fresh = tempDir('standby-choose-');
    const chosen = await chooseSecretStore({ dataDir: fresh, env: {}, probe: fails });
    expect(chosen.store).toBeInstanceOf(FileSecretStore);
    expect(chosen.line).toBe(`Secrets: no OS keychain answered (Cannot autolaunch D-Bus without X11 $DISPLAY), so they are kept in ${secretsFilePath(fresh)}, readable only by this user (mode 0600). To give them as environment variables instead, set STANDBY_SECRETS_FROM_ENV=1.`);

    const used = tempDir('standby-choose-');
    writeFileSync(join(used, 'standby.db'), '');
    const kept = await chooseSecretStore({ dataDir: used, env: {}, probe: fails });
    expect(kept.store).toBeInstanceOf(KeytarSecretStore);
    expect(kept.line).toMatch(/^Secrets: the OS keychain, which does not answer now \(Cannot autolaunch D-Bus without X11 \$DISPLAY\)\. .*STANDBY_SECRETS_FILE=1/);
  });

  it('a keychain that does not answer counts as none after the probe time, and the exit knows the probe still waits', async () => {
    let answer: (v: null) => void = () => {};
    const chosen = await chooseSecretStore({ dataDir: tempDir('standby-choose-'), env: {}, probe: () => new Promise((resolve) => (answer = resolve)), probeTimeoutMs: 50 });
    expect(chosen.store).toBeInstanceOf(FileSecretStore);
    expect(chosen.line).toContain('no OS keychain answered (it did not answer within 0.05 s)');
    expect(chosen.probing()).toBe(true);
    answer(null);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chosen.probing()).toBe(false);
  });
});

describe('a real server with no Secret Service at all', () => {
  const TOKEN = 'file-store-test-token-0123456789-ABCDEFGHIJ';
  let child: ChildServer | undefined;
  afterEach(async () => {
    child?.child.kill('SIGKILL');
    await child?.exited;
  });

  it('keeps an integration key in the 0600 file, never in the database, and shows it again after a restart', { timeout: 120_000 }, async () => {
    const dir = tempDir('standby-nokeychain-');
    // No session bus: libsecret cannot reach any Secret Service.
    const env = { STANDBY_TOKEN: TOKEN, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/standby-test-bus', DISPLAY: '', STANDBY_SECRETS_FROM_ENV: '' };
    child = await startChild(['--data-dir', dir], env);
    await waitFor(() => child!.output().includes('Secrets: no OS keychain answered'), 'the line saying where secrets are kept');
    expect(child.output()).toContain(`so they are kept in ${secretsFilePath(dir)}, readable only by this user (mode 0600)`);
    const serviceId = (await api(child.url, TOKEN, 'services.list')).body[0].id;
    const created = await api(child.url, TOKEN, 'integrations.create', { serviceId, type: 'events_v2', name: 'Grafana' });
    expect(created.status).toBe(200);
    const key = created.body.key as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(mode(secretsFilePath(dir))).toBe('600');
    expect(readFileSync(secretsFilePath(dir), 'utf8')).toContain(key);
    expect(readFileSync(join(dir, 'standby.db')).includes(Buffer.from(key))).toBe(false);

    child.child.kill('SIGKILL');
    await child.exited;
    child = await startChild(['--data-dir', dir], env);
    // The line comes after the address and the token's.
    await waitFor(() => child!.output().includes(`Secrets: kept in ${secretsFilePath(dir)}`), 'the line saying the file is used');
    const listed = (await api(child.url, TOKEN, 'integrations.list')).body as Array<{ name: string; key: string | null }>;
    expect(listed.find((i) => i.name === 'Grafana')?.key).toBe(key);
    // An alert with that key is accepted.
    const res = await fetch(`${child.url}/v2/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routing_key: key, event_action: 'trigger', payload: { summary: 'Disk full', source: 'db-1', severity: 'critical' } }) });
    expect(res.status).toBe(202);
    expect(existsSync(join(dir, 'standby.db'))).toBe(true);
  });
});
