/**
 * The OS keychain through keytar, against the real Secret Service (gnome-keyring in a D-Bus session:
 * `.ci/run` runs the tests inside one). Without a session bus those tests skip, saying so; the error a
 * person sees without a keychain is checked in a child process either way.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../electron/engine/secrets/keytar-store.ts';
import { ROOT } from '../../helpers/headless.ts';

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
