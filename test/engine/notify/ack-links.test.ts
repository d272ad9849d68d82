/**
 * Acknowledge from the phone: messages carry signed, expiring, single-use links (off by default).
 * GET shows a confirmation page and changes nothing; POST acts once. Used, expired, forged and
 * cut-short links do nothing and say why. Through the real HTTP server on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ACK_KEY_REF } from '../../../electron/engine/notify/ack-links.ts';
import { ntfyChannel } from '../../../electron/engine/notify/channels/ntfy.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { FakeHttp } from './fake-http.ts';
import { harness } from './harness.ts';
import { scripted } from './scripted-channel.ts';

const clock = new FakeClock('2026-03-02T12:00:00Z');
const secrets = new MemorySecretStore();
let s: HeadlessServer;
let serviceId: number;

beforeAll(async () => {
  s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: 't', clock, secrets, log: () => {} });
  serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
  await s.engine.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: `${s.url}/`, ttlMinutes: 60 } });
});
afterAll(() => s.close());

async function incident(title: string) {
  const r = await s.engine.invoke('incidents.trigger', { serviceId, title });
  if (r.status === 'suppressed') throw new Error(r.reason);
  const links = await s.engine.lifecycle.delivery.ack.issue(r.incident.id);
  return { id: r.incident.id, number: r.incident.number, links: links! };
}

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, text: await r.text(), csp: r.headers.get('content-security-policy') };
};
const post = async (url: string) => {
  const r = await fetch(url, { method: 'POST' });
  return { status: r.status, text: await r.text() };
};
const status = (id: number) => s.engine.incidents.get(id).status;

describe('ack links', () => {
  it('are short, point at the public URL, and are signed with a key kept in the secret store', async () => {
    const { links } = await incident('links');
    expect(links.acknowledge).toMatch(new RegExp(`^${s.url}/ack/[A-Za-z0-9_-]{28}\\.[A-Za-z0-9_-]{22}$`));
    expect(links.resolve).not.toBe(links.acknowledge);
    expect(links.expiresAt).toBe('2026-03-02T13:00:00.000Z');
    expect(await s.engine.secrets.get(ACK_KEY_REF)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('GET shows a confirmation page and changes nothing; POST acknowledges once; the same link then does nothing', async () => {
    const { id, number, links } = await incident('Disk <full>');
    const page = await get(links.acknowledge);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Acknowledge incident #${number}?`);
    expect(page.text).toContain('Disk &lt;full&gt;');
    expect(page.text).toContain('<form method="post">');
    expect(page.csp).toContain("form-action 'self'");
    expect(status(id)).toBe('triggered');

    const done = await post(links.acknowledge);
    expect([done.status, done.text]).toEqual([200, expect.stringContaining(`Incident #${number} acknowledged`)]);
    expect(status(id)).toBe('acknowledged');
    expect(s.engine.incidents.timeline(id).map((e) => [e.type, e.actor])).toContainEqual(['annotate', 'me']);

    for (const again of [await post(links.acknowledge), await get(links.acknowledge)]) {
      expect(again.status).toBe(409);
      expect(again.text).toContain('already used');
    }
    const resolved = await post(links.resolve);
    expect(resolved.status).toBe(200);
    expect(status(id)).toBe('resolved');
  });

  it('rejects a tampered or cut-short link, and one signed with another key', async () => {
    const { id, links } = await incident('tamper');
    const token = links.acknowledge.split('/ack/')[1]!;
    const swap = (t: string, i: number) => `${t.slice(0, i)}${t[i] === 'Q' ? 'R' : 'Q'}${t.slice(i + 1)}`;
    // Another tag, another incident id or expiry in the payload: the signature no longer matches.
    for (const bad of [swap(token, 32), swap(token, 3), swap(token, 10)]) {
      const r = await post(`${s.url}/ack/${bad}`);
      expect([r.status, r.text]).toEqual([403, expect.stringContaining('was not issued by this Standby')]);
    }
    const cut = await get(`${s.url}/ack/${token.slice(0, 30)}`);
    expect([cut.status, cut.text]).toEqual([400, expect.stringContaining('not a Standby link')]);
    // The tag's last character carries 2 bits and 4 padding bits: another spelling of the same bytes is refused too.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(token.at(-1)!) + 1]}`;
    expect(Buffer.from(respelled.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
    expect((await post(`${s.url}/ack/${respelled}`)).status).toBe(400);
    expect(status(id)).toBe('triggered');

    const other = await harness({ channels: [scripted('desktop')], contact: { type: 'desktop', label: 'x', address: '', secretRef: null }, settings: { ack: { enabled: true, publicBaseUrl: s.url } }, secrets: {} });
    const foreign = (await other.engine.lifecycle.delivery.ack.issue(id))!;
    expect((await post(foreign.acknowledge)).status).toBe(403);
    await other.stop();
    expect(status(id)).toBe('triggered');
  });

  it('rejects an expired link', async () => {
    const { id, links } = await incident('expiry');
    await clock.advance(60 * 60_000);
    const r = await post(links.acknowledge);
    expect([r.status, r.text]).toEqual([410, expect.stringContaining('This link expired at 2026-03-02T1')]);
    expect(status(id)).toBe('triggered');
  });

  it('does nothing, and stays unused, when the incident is already acknowledged', async () => {
    const { id, number, links } = await incident('already');
    await s.engine.invoke('incidents.acknowledge', { id });
    const r = await post(links.acknowledge);
    expect([r.status, r.text]).toEqual([200, expect.stringContaining(`Incident #${number} is already acknowledged; this link does nothing.`)]);
    expect((await post(links.resolve)).status).toBe(200);
    expect(status(id)).toBe('resolved');
  });
});

describe('the signing key', () => {
  it('is made once even when the first deliveries ask for it at the same moment', async () => {
    const h = await harness({ channels: [scripted('desktop')], contact: { type: 'desktop', label: 'x', address: '', secretRef: null }, settings: { ack: { enabled: true, publicBaseUrl: 'https://s.example' } }, secrets: {} });
    const ack = h.engine.lifecycle.delivery.ack;
    const issued = await Promise.all([1, 2, 3, 4].map((i) => ack.issue(i)));
    for (const l of issued) expect(await ack.check(l!.acknowledge.split('/ack/')[1]!)).toMatchObject({ ok: true });
    await h.stop();
  });
});

describe('messages', () => {
  it('carry no links while acknowledging from the phone is off (the default)', async () => {
    const sms = scripted('sms');
    const h = await harness({ channels: [sms], contact: { type: 'sms', label: 'SMS', address: '+14155550123', secretRef: null }, settings: {}, secrets: {} });
    await h.trigger();
    expect(sms.sent[0]!.ackLinks).toBeUndefined();
    expect(sms.sent[0]!.text).not.toContain('/ack/');
    await h.stop();
  });

  it('carry the links in the text and as ntfy action buttons that POST', async () => {
    const fake = await new FakeHttp({ ok: () => ({ status: 200, body: '{}' }), transient: () => ({ status: 500 }), permanent: () => ({ status: 400 }) }).start();
    const h = await harness({ channels: [ntfyChannel], contact: { type: 'ntfy', label: 'ntfy', address: 'alerts', secretRef: null }, settings: { ntfy: { server: fake.url }, ack: { enabled: true, publicBaseUrl: 'https://standby.example.net/base' } }, secrets: {} });
    await h.trigger();
    const body = JSON.parse(fake.received[0]!.body) as { actions: Array<Record<string, unknown>> };
    expect(body.actions).toEqual([
      { action: 'http', label: 'Acknowledge', url: expect.stringMatching(/^https:\/\/standby\.example\.net\/base\/ack\/\S+$/), method: 'POST', clear: true },
      { action: 'http', label: 'Resolve', url: expect.stringMatching(/^https:\/\/standby\.example\.net\/base\/ack\/\S+$/), method: 'POST', clear: true },
    ]);
    await h.stop();
    await fake.close();
  });

  it('go out without links, saying why, when the key cannot be stored (environment secrets without the key)', async () => {
    const sms = scripted('sms');
    const h = await harness({ channels: [sms], contact: { type: 'sms', label: 'SMS', address: '+14155550123', secretRef: null }, settings: { ack: { enabled: true, publicBaseUrl: 'https://standby.example.net' } }, secrets: {}, secretStore: new EnvSecretStore({}) });
    const { id } = await h.trigger();
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]!.ackLinks).toBeUndefined();
    expect(h.notifies(id)[0]!.data.ackLinks).toMatch(/ack links left out: .*STANDBY_SECRET_STANDBY_ACKSIGNINGKEY/);
    await h.stop();
  });

  it('go out on time without links when the keychain never answers for the signing key', async () => {
    const sms = scripted('sms');
    // A keychain that answers while the harness sets up, then stops answering (it was locked).
    let locked = false;
    const memory = new MemorySecretStore();
    const hangOr = <T>(work: () => Promise<T>): Promise<T> => (locked ? new Promise<T>(() => {}) : work());
    const keychain = { kind: 'keychain', get: (r: string) => hangOr(() => memory.get(r)), set: (r: string, v: string) => hangOr(() => memory.set(r, v)), delete: (r: string) => hangOr(() => memory.delete(r)) };
    // With a 1 s attempt timeout, the key gets half of it.
    const h = await harness({ channels: [sms], contact: { type: 'sms', label: 'SMS', address: '+14155550123', secretRef: null }, settings: { ack: { enabled: true, publicBaseUrl: 'https://standby.example.net' } }, secrets: {}, secretStore: keychain, delivery: { timeoutSeconds: 1 } });
    locked = true;
    const started = Date.now();
    const { id } = await h.trigger();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]!.ackLinks).toBeUndefined();
    expect(h.notifies(id).map((e) => [e.data.outcome, e.data.ackLinks])).toEqual([['delivered', "ack links left out: the keychain did not answer within 0.5 s when reading the ack links' signing key"]]);
    await h.stop();
  });
});
