/** Secrets from environment variables (the explicit opt-in), the default store's choice, and secrets through the API. */
import { describe, expect, it } from 'vitest';
import { defaultSecretStore } from '../../../electron/engine/secrets/default-store.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { KeytarSecretStore } from '../../../electron/engine/secrets/keytar-store.ts';
import { envVarFor, MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';

describe('EnvSecretStore', () => {
  it('reads STANDBY_SECRET_<REF>, the reference in capitals with other characters as "_"', async () => {
    expect(envVarFor('twilio.authToken')).toBe('STANDBY_SECRET_TWILIO_AUTHTOKEN');
    expect(envVarFor('slack:ops-hook')).toBe('STANDBY_SECRET_SLACK_OPS_HOOK');
    const store = new EnvSecretStore({ STANDBY_SECRET_TWILIO_AUTHTOKEN: 'tok', STANDBY_SECRET_EMPTY: '' });
    expect([await store.get('twilio.authToken'), await store.get('empty'), await store.get('missing')]).toEqual(['tok', null, null]);
  });

  it('is read-only, and says which variable to set instead', async () => {
    const store = new EnvSecretStore({});
    await expect(store.set('pushover.token')).rejects.toThrow('set STANDBY_SECRET_PUSHOVER_TOKEN where Standby starts');
    await expect(store.delete('pushover.token')).rejects.toThrow('unset STANDBY_SECRET_PUSHOVER_TOKEN');
  });
});

describe('defaultSecretStore', () => {
  it('is the OS keychain unless STANDBY_SECRETS_FROM_ENV=1 opts in to environment variables', () => {
    expect(defaultSecretStore({})).toBeInstanceOf(KeytarSecretStore);
    expect(defaultSecretStore({ STANDBY_SECRETS_FROM_ENV: 'yes' })).toBeInstanceOf(KeytarSecretStore);
    expect(defaultSecretStore({ STANDBY_SECRETS_FROM_ENV: '1' })).toBeInstanceOf(EnvSecretStore);
  });
});

describe('secrets through the API', () => {
  async function engine(secrets = new MemorySecretStore()) {
    const e = new Engine({ databasePath: ':memory:', clock: new FakeClock(), channels: new ChannelRegistry(), secrets });
    await e.start();
    return { e, secrets };
  }

  it('stores a token by reference; channels.get says it is there, never what it is', async () => {
    const { e, secrets } = await engine();
    await e.invoke('channels.update', { kind: 'twilio', settings: { accountSid: `AC${'f'.repeat(32)}`, from: '+14155550100' } });
    const destination = `https://api.twilio.com/Accounts/AC${'f'.repeat(32)}`;
    expect((await e.invoke('channels.get', { kind: 'twilio' })).secrets).toEqual([{ field: 'authTokenRef', ref: 'twilio.authToken', present: false, destination, bound: false }]);
    expect(await e.invoke('secrets.set', { ref: 'twilio.authToken', value: 'hunter2-token' })).toEqual({ ref: 'twilio.authToken', stored: true, boundTo: [{ ref: 'twilio.authToken', what: 'channels.twilio.authTokenRef', destination, bound: true }] });
    const view = await e.invoke('channels.get', { kind: 'twilio' });
    expect(view).toEqual({
      kind: 'twilio',
      settings: { accountSid: `AC${'f'.repeat(32)}`, from: '+14155550100' },
      secrets: [{ field: 'authTokenRef', ref: 'twilio.authToken', present: true, destination, bound: true }],
      secretStore: { kind: 'memory', error: null },
    });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(await secrets.get(e.secrets.entryName('twilio.authToken'))).toBe('hunter2-token');
    expect(e.store.db.prepare("SELECT COUNT(*) AS n FROM channel_settings WHERE config_json LIKE '%hunter2%'").get()).toEqual({ n: 0 });
    await e.invoke('secrets.delete', { ref: 'twilio.authToken' });
    expect(await secrets.get(e.secrets.entryName('twilio.authToken'))).toBeNull();
    await e.stop();
  });

  it('answers 409 with the fix when the secret store cannot store it', async () => {
    const { e } = await engine(new EnvSecretStore({}) as unknown as MemorySecretStore);
    await expect(e.call('secrets.set', { ref: 'telegram.botToken', value: '123:abc' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('STANDBY_SECRET_TELEGRAM_BOTTOKEN') });
    await e.stop();
  });

  it('removes a section with null and exports settings in the configuration file, never secrets', async () => {
    const { e } = await engine();
    await e.invoke('channels.update', { kind: 'email', settings: { host: 'smtp.example.com', user: 'me', from: 'me@example.com' } });
    await e.invoke('secrets.set', { ref: 'email.password', value: 'pa55word' });
    const exported = (await e.invoke('config.export', { format: 'yaml' })).text;
    expect(exported).toContain('host: smtp.example.com');
    expect(exported).not.toContain('pa55word');
    await e.invoke('config.import', { text: exported });
    expect((await e.invoke('channels.get', { kind: 'email' })).settings).toEqual({ host: 'smtp.example.com', user: 'me', from: 'me@example.com' });
    await e.invoke('channels.update', { kind: 'email', settings: null });
    expect((await e.invoke('channels.get', { kind: 'email' })).settings).toBeNull();
    await e.stop();
  });
});
