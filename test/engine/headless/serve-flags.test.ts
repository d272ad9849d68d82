/**
 * The network flags of `standby serve`, checked before anything is bound: `--host` is an IP address
 * or a name that resolves only to loopback (the tester's `127.evil.example` passed a "starts with
 * 127." test and went to DNS), TLS is the default with --allow-lan, and each contradiction names
 * its flag. Names are resolved by a lookup the test passes, except where the real resolver is the
 * point (a name that does not resolve).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBindHost, type Lookup } from '../../../electron/engine/headless/bind-host.ts';
import { checkServeFlags } from '../../../electron/engine/headless/serve-flags.ts';
import { tempDir } from '../../helpers/headless.ts';

const dns = (table: Record<string, string[]>): Lookup => async (name) => {
  const found = table[name];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address }));
};

describe('resolveBindHost', () => {
  it('takes loopback IP literals, and others only with --allow-lan', async () => {
    expect(await resolveBindHost('127.0.0.1', false)).toEqual({ ok: true, address: '127.0.0.1', lan: false });
    expect(await resolveBindHost('127.0.0.2', false)).toEqual({ ok: true, address: '127.0.0.2', lan: false });
    expect(await resolveBindHost('::1', false)).toEqual({ ok: true, address: '::1', lan: false });
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '::ffff:10.0.0.1']) {
      expect(await resolveBindHost(host, false)).toEqual({ ok: false, message: expect.stringMatching(new RegExp(`^--host ${host.replace(/\./g, '\\.')}: other machines on the network could reach Standby there`)) });
      expect(await resolveBindHost(host, true)).toEqual({ ok: true, address: host, lan: true });
    }
  });

  it('refuses 127.evil.example without --allow-lan: it is a name, resolved, and not loopback', async () => {
    const lookup = dns({ '127.evil.example': ['203.0.113.7'] });
    const r = await resolveBindHost('127.evil.example', false, lookup);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^--host 127\.evil\.example: the name resolves to 203\.0\.113\.7, which is not a loopback address/) });
    expect(await resolveBindHost('127.evil.example', true, lookup)).toEqual({ ok: true, address: '203.0.113.7', lan: true });
  });

  it('refuses a name with any address outside loopback, and binds the resolved address of a loopback-only name', async () => {
    const lookup = dns({ mixed: ['127.0.0.1', '10.0.0.5'], local: ['127.0.0.1', '::1'] });
    expect(await resolveBindHost('mixed', false, lookup)).toMatchObject({ ok: false, message: expect.stringContaining('resolves to 10.0.0.5') });
    expect(await resolveBindHost('local', false, lookup)).toEqual({ ok: true, address: '127.0.0.1', lan: false });
  });

  it('refuses a name that does not resolve (here, with the real resolver: .example never resolves) and junk', async () => {
    for (const allowLan of [false, true]) {
      const r = await resolveBindHost('127.evil.example', allowLan);
      expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/^--host 127\.evil\.example: the name does not resolve to an address \(E[A-Z_]+\)\. Give an IP address such as 127\.0\.0\.1\./) });
    }
    expect(await resolveBindHost('a b', false)).toMatchObject({ ok: false, message: '--host a b: must be an IP address (such as 127.0.0.1) or a host name' });
  });
});

describe('checkServeFlags', () => {
  const lookup = dns({});

  it('serves HTTPS with --allow-lan: the person’s certificate, or one Standby makes; plain HTTP only with --insecure-http', async () => {
    expect(await checkServeFlags({ host: '0.0.0.0', 'allow-lan': true }, lookup)).toMatchObject({ ok: true, tls: 'self-signed', allowLan: true });
    expect(await checkServeFlags({ host: '0.0.0.0', 'allow-lan': true, 'tls-cert': 'c.pem', 'tls-key': 'k.pem' }, lookup)).toMatchObject({ ok: true, tls: { certFile: 'c.pem', keyFile: 'k.pem' } });
    expect(await checkServeFlags({ host: '0.0.0.0', 'allow-lan': true, 'insecure-http': true }, lookup)).toMatchObject({ ok: true, tls: undefined });
    expect(await checkServeFlags({}, lookup)).toMatchObject({ ok: true, address: '127.0.0.1', tls: undefined, allowLan: false });
  });

  it('names the flag of each contradiction', async () => {
    const cases: Array<[Parameters<typeof checkServeFlags>[0], RegExp]> = [
      [{ 'tls-cert': 'c.pem' }, /^--tls-cert: needs --tls-key FILE too/],
      [{ 'tls-key': 'k.pem' }, /^--tls-key: needs --tls-cert FILE too/],
      [{ 'allow-lan': true, 'insecure-http': true, 'tls-cert': 'c', 'tls-key': 'k' }, /^--insecure-http: cannot be used with --tls-cert/],
      [{ 'insecure-http': true }, /^--insecure-http: only means something with --allow-lan/],
      [{ 'public-url': ['standby.example.net'] }, /^--public-url standby\.example\.net: must be a full URL/],
      [{ 'public-url': ['ftp://x.example'] }, /must start with http:\/\/ or https:\/\//],
      [{ 'public-url': ['https://u:p@x.example'] }, /must not carry a user name or password/],
      [{ 'public-url': ['https://x.example/?k=1'] }, /must not have a query/],
    ];
    for (const [flags, message] of cases) expect(await checkServeFlags(flags, lookup)).toEqual({ ok: false, message: expect.stringMatching(message) });
  });

  it('refuses a --token-file others may read, before anything starts', async () => {
    const file = join(tempDir(), 'token');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    expect(await checkServeFlags({ 'token-file': file }, lookup)).toEqual({ ok: false, message: expect.stringMatching(/^--token-file: .*token has permissions 644, so other users may read it/) });
  });
});

describe('the start lines about the certificate', () => {
  it('say when the certificate does not name the bound address or a --public-url name', async () => {
    const net = await checkServeFlags({ host: '192.168.1.5', 'allow-lan': true, 'public-url': ['https://standby.lan:8730'] }, async () => []);
    if (!net.ok) throw new Error(net.message);
    const cert = { cert: '', key: '', certFile: '/d/tls-cert.pem', keyFile: '/d/tls-key.pem', fingerprint256: 'AA', publicKeyPin: 'sha256//x', validUntil: '2029-01-01T00:00:00.000Z', names: ['localhost', '192.168.1.5'], selfSigned: true, created: false };
    const lines = net.startLines(cert).join('\n');
    expect(lines).toContain('Certificate SHA-256 fingerprint: AA');
    expect(lines).toContain('The certificate does not name standby.lan: clients that check names will refuse it there; remove /d/tls-cert.pem and /d/tls-key.pem to have a new one made (with a new fingerprint).');
    expect(net.startLines({ ...cert, names: [...cert.names, 'standby.lan'] }).join('\n')).not.toContain('does not name');
  });
});
