/**
 * The attacks of the security review, replayed: a stored secret re-pointed at another host through the
 * API or through an imported configuration file never reaches that host. The "attacker" is a real HTTP
 * server on loopback that records every byte it receives; the person's own receiver is another one.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { builtinChannels } from '../../../electron/engine/notify/registry.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { expectNoSecretIn } from '../../helpers/no-leak.ts';
import { FakeHttp } from '../notify/fake-http.ts';

const ok = () => ({ status: 200, body: '{"ok":true}' });
const fake = () => new FakeHttp({ ok, transient: () => ({ status: 503 }), permanent: () => ({ status: 400 }) });

let owner: FakeHttp;
let attacker: FakeHttp;
const engines: Engine[] = [];
const clocks = new WeakMap<Engine, FakeClock>();

beforeAll(async () => {
  owner = await fake().start();
  attacker = await fake().start();
});
afterAll(async () => {
  await owner.close();
  await attacker.close();
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  owner.received.length = 0;
  attacker.received.length = 0;
});

async function engine(secrets: SecretStore = new MemorySecretStore(), databasePath = ':memory:'): Promise<Engine> {
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  const e = new Engine({ databasePath, keepBackups: 0, clock, channels: builtinChannels({ show: async () => undefined }), secrets });
  engines.push(e);
  clocks.set(e, clock);
  await e.start();
  await e.invoke('channels.update', { kind: 'delivery', settings: { retries: 0, timeoutSeconds: 5 } });
  return e;
}

/** restart stops an engine and starts another on the same database and keychain, as a restart of Standby does. */
async function restart(e: Engine, secrets: SecretStore, databasePath: string): Promise<Engine> {
  await e.stop();
  engines.splice(engines.indexOf(e), 1);
  return engine(secrets, databasePath);
}

/** everything the attacker received, as one text. */
const seenByAttacker = () => attacker.received.map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');

/** Test secrets are random letters and digits, so the shared no-leak check can look for any piece of them. */
const TOKEN = 'Gq7Zk3Vw-5f1c9a7e3b2d4680';
const SIGNING = 'Wz4Qx8Lp-0a9b8c7d6e5f4321';
const TWILIO = 'Tk9Rm2Yd-7c6b5a4f3e2d1c0b';
const SID = `AC${'a'.repeat(32)}`;

describe('a secret goes only where it was entered for: the API', () => {
  it('re-pointing the SMS gateway does not carry its token; entering it again for the new gateway does', async () => {
    const e = await engine();
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${owner.url}/sms` } });
    const sms = await e.invoke('contactMethods.create', { type: 'sms', label: 'Phone', address: '+14155550123', secretRef: null });
    const withSecret = await e.invoke('contactMethods.setSecret', { id: sms.id, value: TOKEN });
    expect(withSecret.secretRef).toMatch(/^contact\.secret\.[0-9a-f]{12}$/);
    expect(await e.invoke('contactMethods.test', { id: sms.id })).toMatchObject({ ok: true });
    expect(owner.received.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    // The review's attack: channels.update points the gateway at another host, then a test send.
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${attacker.url}/sms` } });
    const refused = await e.invoke('contactMethods.test', { id: sms.id });
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(refused.error).toContain(`was stored for ${owner.url}/sms, not for ${attacker.url}/sms`);
    expect(refused.error).toContain('enter the secret again');
    expectNoSecretIn(JSON.stringify(refused), [TOKEN]);
    expect(attacker.received).toHaveLength(0);
    expect((await e.invoke('secrets.list', {})).find((u) => u.ref === withSecret.secretRef)).toMatchObject({ destination: `${attacker.url}/sms`, bound: false });

    // The person enters it again for the new gateway: now it goes there.
    await e.invoke('contactMethods.setSecret', { id: sms.id, value: TOKEN });
    expect(await e.invoke('contactMethods.test', { id: sms.id })).toMatchObject({ ok: true });
    expect(attacker.received.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("another contact method naming a stored secret's entry gets nothing: the webhook signing secret stays with its URL", async () => {
    const e = await engine();
    const hook = await e.invoke('contactMethods.create', { type: 'webhook', label: 'Mine', address: `${owner.url}/hook`, secretRef: null });
    const { secretRef } = await e.invoke('contactMethods.setSecret', { id: hook.id, value: SIGNING });
    const thief = await e.invoke('contactMethods.create', { type: 'sms', label: 'Thief', address: '+14155550199', secretRef });
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${attacker.url}/steal` } });
    const r = await e.invoke('contactMethods.test', { id: thief.id });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/the SMS gateway token of "Thief" was not sent/);
    expect(attacker.received).toHaveLength(0);
    // Re-pointing the webhook itself sends the body unsigned? No: nothing is sent without its secret.
    await e.invoke('contactMethods.update', { id: hook.id, value: { type: 'webhook', label: 'Mine', address: `${attacker.url}/hook`, secretRef } });
    expect((await e.invoke('contactMethods.test', { id: hook.id })).ok).toBe(false);
    expect(seenByAttacker()).not.toContain(SIGNING);
    expect(attacker.received).toHaveLength(0);
  });

  it("Standby's own entries are refused in every reference, and the ack signing key is never sent", async () => {
    const e = await engine();
    await expect(e.call('contactMethods.create', { type: 'webhook', label: 'X', address: `${attacker.url}/x`, secretRef: 'standby.ackSigningKey' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^secretRef: must not name one of Standby's own entries/) });
    await expect(e.call('contactMethods.create', { type: 'webhook', label: 'X', address: `${attacker.url}/x`, secretRef: null, urlSecretRef: 'Standby.Integration.1.routing-key' })).rejects.toMatchObject({ code: 'invalid_input' });
    for (const [kind, settings] of [
      ['twilio', { accountSid: SID, from: '+14155550100', authTokenRef: 'standby.ackSigningKey' }],
      ['ntfy', { tokenRef: 'standby.monitor.1.ping-key' }],
      ['email', { host: 'smtp.example.com', user: 'me', from: 'me@example.com', passwordRef: 'standby.integration.1.routing-key' }],
    ] as const) {
      await expect(e.call('channels.update', { kind, settings })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining("Standby's own entries") });
    }
    await expect(e.call('secrets.set', { ref: 'standby.ackSigningKey', value: 'x'.repeat(43) })).rejects.toMatchObject({ code: 'invalid_input' });
    // Even a row written behind the API's back (an old database) cannot send one: bindings never hold it.
    await e.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: 'https://standby.example.net' } });
    await e.lifecycle.delivery.ack.issue(1).catch(() => undefined);
    e.store.db.prepare("INSERT INTO contact_methods (type, label, address, secret_ref) VALUES ('webhook', 'Old', ?, 'standby.ackSigningKey')").run(`${attacker.url}/old`);
    const old = (await e.invoke('contactMethods.list', {})).find((c) => c.label === 'Old')!;
    expect((await e.invoke('contactMethods.test', { id: old.id })).error).toMatch(/"standby\.ackSigningKey" was stored for no destination yet/);
    expect(attacker.received).toHaveLength(0);
  });

  it("a Twilio token stays with its account: a new baseUrl or Account SID gets nothing", async () => {
    const e = await engine();
    await e.invoke('channels.update', { kind: 'twilio', settings: { accountSid: SID, from: '+14155550100', baseUrl: owner.url } });
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'twilio' } });
    await e.invoke('channels.setSecret', { kind: 'twilio', value: TWILIO });
    const sms = await e.invoke('contactMethods.create', { type: 'sms', label: 'Phone', address: '+14155550123', secretRef: null });
    expect((await e.invoke('contactMethods.test', { id: sms.id })).ok).toBe(true);
    for (const settings of [{ accountSid: SID, from: '+14155550100', baseUrl: attacker.url }, { accountSid: `AC${'b'.repeat(32)}`, from: '+14155550100', baseUrl: owner.url }]) {
      await e.invoke('channels.update', { kind: 'twilio', settings });
      const view = await e.invoke('channels.get', { kind: 'twilio' });
      expect(view.secrets[0]).toMatchObject({ present: true, bound: false });
      expect((await e.invoke('contactMethods.test', { id: sms.id })).error).toMatch(/the Twilio auth token was not sent/);
    }
    expect(attacker.received).toHaveLength(0);
    // One SMS (the test); the SMS responder's reads of the message list (GET) went to the owner too, while it was the destination.
    expect(owner.received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('a secret goes only where it was entered for: an imported file', () => {
  it('an import that re-points the SMS gateway sends no stored secret to the new host, and the next page says why', async () => {
    const e = await engine();
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${owner.url}/sms` } });
    const sms = await e.invoke('contactMethods.create', { type: 'sms', label: 'Phone', address: '+14155550123', secretRef: null });
    await e.invoke('contactMethods.setSecret', { id: sms.id, value: TOKEN });
    const rule = await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: sms.id });
    expect(rule.id).toBeGreaterThan(0);

    // The file a victim is sent: their own export, with the gateway moved to the attacker.
    const doc = YAML.parse((await e.invoke('config.export', { format: 'yaml' })).text) as { channels: { sms: { url: string } } };
    doc.channels.sms.url = `${attacker.url}/sms`;
    await e.invoke('config.import', { text: YAML.stringify(doc) });

    const serviceId = (await e.invoke('services.list', {}))[0]!.id;
    const r = await e.invoke('incidents.trigger', { serviceId, title: 'Disk full', severity: 'critical' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    await clocks.get(e)!.advance(0);
    await e.lifecycle.idle();
    const failed = e.incidents.timeline(r.incident.id).filter((t) => t.type === 'notify' && t.data.contactType === 'sms');
    expect(failed.map((t) => t.data.outcome)).toEqual(['failed']);
    expect(failed[0]!.message).toContain('enter the secret again');
    expect(attacker.received).toHaveLength(0);
  });

  it('a URL with a credential in a file goes to the keychain, never into the database or an export', async () => {
    const e = await engine();
    const slack = `${owner.url}/services/T0001/B0001/XoXbSlackToken0123456789`;
    const text = YAML.stringify({ ...YAML.parse((await e.invoke('config.export', { format: 'yaml' })).text), contactMethods: [{ label: 'This computer', type: 'desktop', address: '' }, { label: 'Chat', type: 'slack', address: slack }] });
    await e.invoke('config.import', { text });
    const chat = (await e.invoke('contactMethods.list', {})).find((c) => c.label === 'Chat')!;
    expect(chat.address).toBe(`${owner.url}/services/T0001/B0001/…`);
    expect(chat.urlSecretRef).toMatch(/^contact\.url\.[0-9a-f]{12}$/);
    expect(JSON.stringify(e.store.db.prepare('SELECT * FROM contact_methods').all())).not.toContain('XoXb');
    expect((await e.invoke('config.export', { format: 'yaml' })).text).not.toContain('XoXb');
    // The page still goes to the whole URL.
    expect(await e.invoke('contactMethods.test', { id: chat.id })).toMatchObject({ ok: true });
    expect(owner.received.at(-1)?.path).toBe('/services/T0001/B0001/XoXbSlackToken0123456789');
  });
});

describe('URLs that carry credentials', () => {
  it('are kept in the keychain when entered: the address, the export and the errors hold none of the credential', async () => {
    const e = await engine();
    const url = `${owner.url.replace('http://', 'http://user:Pa55word9x@')}/hook?token=QueryToken42abc`;
    const hook = await e.invoke('contactMethods.create', { type: 'webhook', label: 'Hook', address: url, secretRef: null });
    expect(hook.address).toBe(`${owner.url}/hook?…`);
    const exported = (await e.invoke('config.export', { format: 'json' })).text;
    for (const part of ['Pa55word9x', 'QueryToken42abc', 'token=']) expect(exported).not.toContain(part);
    expect(await e.invoke('contactMethods.test', { id: hook.id })).toMatchObject({ ok: true });
    const got = owner.received.at(-1)!;
    expect(got.path).toBe('/hook?token=QueryToken42abc');
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from('user:Pa55word9x').toString('base64')}`);

    // A failure names the URL without the credential, not even its first characters.
    owner.queue('permanent');
    const failed = await e.invoke('contactMethods.test', { id: hook.id });
    expect(failed.ok).toBe(false);
    expectNoSecretIn(failed.error ?? '', ['Pa55word9x', 'QueryToken42abc']);
    expect(failed.error).not.toContain('user:');

    // Updating the label keeps the URL in the keychain; moving the address elsewhere drops it.
    const renamed = await e.invoke('contactMethods.update', { id: hook.id, value: { type: 'webhook', label: 'Hook 2', address: hook.address, secretRef: null } });
    expect(renamed.urlSecretRef).toBe(hook.urlSecretRef);
    const moved = await e.invoke('contactMethods.update', { id: hook.id, value: { type: 'webhook', label: 'Hook 2', address: `${attacker.url}/hook?…`, secretRef: null, urlSecretRef: hook.urlSecretRef ?? null } });
    expect((await e.invoke('contactMethods.test', { id: moved.id })).ok).toBe(false);
    expect(attacker.received).toHaveLength(0);
  });
});

describe('secrets stored before bindings, and secrets from the environment', () => {
  it('an upgraded installation binds its stored secrets once, to where its configuration sends them at that start', async () => {
    const secrets = new MemorySecretStore();
    const path = join(tempDir(), 'standby.db');
    let e = await engine(secrets, path);
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${owner.url}/sms` } });
    const sms = await e.invoke('contactMethods.create', { type: 'sms', label: 'Phone', address: '+14155550123', secretRef: 'gateway.token' });
    await e.secrets.set('gateway.token', TOKEN);
    // As a database from before bindings: no binding, not seeded.
    e.store.db.exec('DELETE FROM secret_bindings; UPDATE installation SET secret_bindings_seeded = 0');
    expect((await e.invoke('contactMethods.test', { id: sms.id })).ok).toBe(false);
    e = await restart(e, secrets, path);
    expect(await e.invoke('contactMethods.test', { id: sms.id })).toMatchObject({ ok: true });
    // Seeded once: a later re-point is not bound at the next start.
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${attacker.url}/sms` } });
    e = await restart(e, secrets, path);
    expect((await e.invoke('contactMethods.test', { id: sms.id })).ok).toBe(false);
    expect(attacker.received).toHaveLength(0);
  });

  it('a URL with a credential that an older Standby kept in the database moves to the keychain at the next start', async () => {
    const secrets = new MemorySecretStore();
    const path = join(tempDir(), 'standby.db');
    let e = await engine(secrets, path);
    e.store.db.prepare("INSERT INTO contact_methods (type, label, address, secret_ref) VALUES ('slack', 'Old chat', ?, NULL)").run(`${owner.url}/services/T1/B1/OldSlackToken9x8y7z6w`);
    e = await restart(e, secrets, path);
    await expect.poll(() => JSON.stringify(e.store.db.prepare('SELECT * FROM contact_methods').all())).not.toContain('OldSlackToken');
    const chat = (await e.invoke('contactMethods.list', {})).find((c) => c.label === 'Old chat')!;
    expect(chat.address).toBe(`${owner.url}/services/T1/B1/…`);
    expect(await e.invoke('contactMethods.test', { id: chat.id })).toMatchObject({ ok: true });
    expect(owner.received.at(-1)?.path).toBe('/services/T1/B1/OldSlackToken9x8y7z6w');
  });

  it('a secret from the environment is bound at the first start that uses it; STANDBY_REBIND_SECRETS=1 binds anew for one start', async () => {
    const env = new EnvSecretStore({ STANDBY_SECRET_GATEWAY_TOKEN: TOKEN });
    const path = join(tempDir(), 'standby.db');
    let e = await engine(env, path);
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${owner.url}/sms` } });
    const sms = await e.invoke('contactMethods.create', { type: 'sms', label: 'Phone', address: '+14155550123', secretRef: 'gateway.token' });
    expect((await e.invoke('contactMethods.test', { id: sms.id })).ok).toBe(false);
    e = await restart(e, env, path);
    expect(await e.invoke('contactMethods.test', { id: sms.id })).toMatchObject({ ok: true });
    await e.invoke('channels.update', { kind: 'sms', settings: { provider: 'webhook', url: `${attacker.url}/sms` } });
    e = await restart(e, env, path);
    expect((await e.invoke('contactMethods.test', { id: sms.id })).ok).toBe(false);
    expect(attacker.received).toHaveLength(0);
    process.env.STANDBY_REBIND_SECRETS = '1';
    try {
      e = await restart(e, env, path);
    } finally {
      delete process.env.STANDBY_REBIND_SECRETS;
    }
    expect(await e.invoke('contactMethods.test', { id: sms.id })).toMatchObject({ ok: true });
    expect(attacker.received).toHaveLength(1);
  });
});
