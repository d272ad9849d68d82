/**
 * The OS keychain through keytar, against the real Secret Service (gnome-keyring in a D-Bus session:
 * `.ci/run` runs the tests inside one). Without a session bus those tests skip, saying so; the error a
 * person sees without a keychain is checked in a child process either way.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../electron/engine/secrets/keytar-store.ts';
import { ROOT, tempDir } from '../../helpers/headless.ts';
import { missingSecretServiceTools, startSecretService } from '../../helpers/secret-service.ts';

const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
const NO_BUS = 'no Secret Service reachable (DBUS_SESSION_BUS_ADDRESS is not set): run under `dbus-run-session` with gnome-keyring unlocked, as .ci/run does';

describe.skipIf(!bus)(`KeytarSecretStore against the real Secret Service${bus ? '' : ` (skipped: ${NO_BUS})`}`, () => {
  // A service name of its own, so the test never touches the person's "Standby" entries.
  const store = new KeytarSecretStore(`standby-test-${process.pid}-${Date.now()}`);

  it('stores, reads, replaces and deletes a secret by reference', async () => {
    expect(await store.get('twilio.authToken')).toBeNull();
    await store.set('twilio.authToken', 'first-token');
    expect(await store.get('twilio.authToken')).toBe('first-token');
    await store.set('twilio.authToken', 'mot de passe ✓ 🔑');
    expect(await store.get('twilio.authToken')).toBe('mot de passe ✓ 🔑');
    await store.delete('twilio.authToken');
    expect(await store.get('twilio.authToken')).toBeNull();
    await store.delete('twilio.authToken');
  });

  it('keeps references apart', async () => {
    await store.set('a', '1');
    await store.set('b', '2');
    expect([await store.get('a'), await store.get('b')]).toEqual(['1', '2']);
    await store.delete('a');
    await store.delete('b');
  });
});

describe('KeytarSecretStore without a Secret Service', () => {
  it('fails with an error that names the fix (gnome-keyring, or STANDBY_SECRETS_FROM_ENV=1)', () => {
    const script = `
      import { KeytarSecretStore } from ${JSON.stringify(join(ROOT, 'electron/engine/secrets/keytar-store.ts'))};
      try { await new KeytarSecretStore('standby-test-nobus').get('x'); console.log('NO ERROR'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/standby-test-bus', DISPLAY: '' };
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/^SecretStoreError: No OS keychain \(Secret Service\) is available: install and unlock gnome-keyring .*, or set STANDBY_SECRETS_FROM_ENV=1 and put each secret in an environment variable STANDBY_SECRET_<REF> \(.+\)/);
  });
});

const missing = missingSecretServiceTools();

describe.skipIf(missing.length > 0)(`KeytarSecretStore on a locked keyring with no screen to ask on${missing.length > 0 ? ` (skipped: this machine lacks ${missing.join(', ')})` : ''}`, () => {
  /** inChild runs keytar calls in a child process on the given bus (libsecret keeps its first bus for the whole process). */
  const inChild = (env: Record<string, string>, calls: string) => {
    const script = `
      import { KeytarSecretStore } from ${JSON.stringify(join(ROOT, 'electron/engine/secrets/keytar-store.ts'))};
      const store = new KeytarSecretStore('standby-test-locked');
      const run = async (f) => { try { console.log(JSON.stringify(await f())); } catch (e) { console.log(e.name + ': ' + e.message); } };
      ${calls}`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }).stdout.trim().split('\n');
  };

  it('reads a stored entry as missing (no prompt can be shown) and refuses writes, naming the unlock fix', async () => {
    const dataHome = tempDir('standby-keyrings-');
    const unlocked = await startSecretService({ dataHome, password: 'standby-test-password' });
    try {
      expect(inChild(unlocked.env, `await run(() => store.set('a', 'kept')); await run(() => store.get('a'));`)).toEqual(['undefined', '"kept"']);
    } finally {
      await unlocked.stop();
    }
    const locked = await startSecretService({ dataHome });
    try {
      const [read, write] = inChild(locked.env, `await run(() => store.get('a')); await run(() => store.set('b', 'x'));`);
      // libsecret answers "not found" when it cannot ask anyone to unlock: the entry is there, but unreadable.
      expect(read).toBe('null');
      expect(write).toMatch(/^SecretStoreError: The OS keychain is locked: unlock it \(log in to the desktop session, or run `gnome-keyring-daemon --unlock` on a machine without one\), or set STANDBY_SECRETS_FROM_ENV=1 .* \(Cannot create an item in a locked collection\)$/);
    } finally {
      await locked.stop();
    }
  });
});
