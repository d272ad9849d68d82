/**
 * HTTPS for a Standby reachable from the LAN. The certificate Standby makes at first start is kept in
 * the data directory (key file mode 0600) and reused, so its fingerprint stays the one pinned; the
 * fingerprint Standby reports is the one the real TLS server on loopback presents; plain HTTP on that
 * port gets a 400 that says to use https:// and reaches no route; the API works over HTTPS.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { CERT_VALIDITY_DAYS, readTlsFiles, selfSignedCertificate, TLS_CERT_FILE, TLS_KEY_FILE, TlsCertificateError } from '../../../electron/engine/http/tls-certificate.ts';
import { tempDir } from '../../helpers/headless.ts';
import { rawRequest } from '../../helpers/raw-http.ts';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const names = { dns: ['localhost', 'box.lan'], ips: ['127.0.0.1', '::1'] };

/** servedCertificate opens a TLS connection and returns the certificate the server presents. */
function servedCertificate(url: string): Promise<PeerCertificate> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('the certificate Standby makes', () => {
  it('is made once, with its key readable only by its owner, and reused with the same fingerprint', async () => {
    const dir = tempDir();
    const first = await selfSignedCertificate(dir, names, NOW);
    expect(first.created).toBe(true);
    expect(first.selfSigned).toBe(true);
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(first.names).toEqual(['localhost', 'box.lan', '127.0.0.1', '::1']);
    expect(Date.parse(first.validUntil) - NOW).toBe(CERT_VALIDITY_DAYS * 86_400_000);
    expect(statSync(join(dir, TLS_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, TLS_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const again = await selfSignedCertificate(dir, { dns: ['other'], ips: [] }, NOW + 86_400_000);
    expect(again.created).toBe(false);
    expect(again.fingerprint256).toBe(first.fingerprint256);
  });

  it('refuses a key file others may read, and makes a new certificate once the old one expired', async () => {
    const dir = tempDir();
    const first = await selfSignedCertificate(dir, names, NOW);
    chmodSync(join(dir, TLS_KEY_FILE), 0o644);
    await expect(selfSignedCertificate(dir, names, NOW)).rejects.toThrow(/tls-key\.pem has permissions 644, so other users may read it/);
    chmodSync(join(dir, TLS_KEY_FILE), 0o600);
    const renewed = await selfSignedCertificate(dir, names, Date.parse(first.validUntil) + 1);
    expect(renewed.created).toBe(true);
    expect(renewed.fingerprint256).not.toBe(first.fingerprint256);
  });

  it('checks a certificate the person gives: its key must match and must not be readable by others', async () => {
    const a = tempDir();
    const b = tempDir();
    await selfSignedCertificate(a, names, NOW);
    await selfSignedCertificate(b, names, NOW);
    expect(readTlsFiles(join(a, TLS_CERT_FILE), join(a, TLS_KEY_FILE), NOW).selfSigned).toBe(true);
    expect(() => readTlsFiles(join(a, TLS_CERT_FILE), join(b, TLS_KEY_FILE), NOW)).toThrow(/tls-key\.pem is not the private key of the certificate in .*tls-cert\.pem/);
    expect(() => readTlsFiles(join(a, 'missing.pem'), join(a, TLS_KEY_FILE), NOW)).toThrow(/cannot read .*missing\.pem: ENOENT/);
    const notPem = join(a, 'junk.pem');
    writeFileSync(notPem, 'hello', { mode: 0o600 });
    expect(() => readTlsFiles(notPem, join(a, TLS_KEY_FILE), NOW)).toThrow(TlsCertificateError);
    chmodSync(join(a, TLS_KEY_FILE), 0o640);
    expect(() => readTlsFiles(join(a, TLS_CERT_FILE), join(a, TLS_KEY_FILE), NOW)).toThrow(/--tls-key: .*has permissions 640/);
  });
});

describe('a headless server with TLS', () => {
  const TOKEN = 'tls-test-token';
  const dataDir = tempDir();
  let s: HeadlessServer;

  beforeAll(async () => {
    s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, tls: 'self-signed', lanAccess: true, clock: new FakeClock(NOW), log: () => {} });
  });
  afterAll(() => s.close());

  it('serves the certificate whose fingerprint it reports', async () => {
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const served = await servedCertificate(s.url);
    expect(served.fingerprint256).toBe(s.tls!.fingerprint256);
    const info = await s.engine.invoke('system.server', {});
    expect(info.tls).toMatchObject({ fingerprint256: served.fingerprint256, selfSigned: true, certificateFile: join(dataDir, TLS_CERT_FILE) });
    expect(info.lanAccess).toBe(true);
  });

  it('answers the API over HTTPS, checked against its own certificate', async () => {
    const ca = readFileSync(join(dataDir, TLS_CERT_FILE), 'utf8');
    const r = await rawRequest(s.url, { method: 'POST', path: '/api/system.server', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}', ca });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).url).toBe(s.url);
    // The Host check holds over TLS as well.
    expect((await rawRequest(s.url, { path: '/healthz', host: `evil.example:${new URL(s.url).port}`, ca })).status).toBe(421);
  });

  it('refuses plain HTTP on the same port: a 400 that says to use https://, and no route runs', async () => {
    const plain = s.url.replace('https:', 'http:');
    const r = await rawRequest(plain, { method: 'POST', path: '/api/incidents.trigger', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"serviceId":1,"title":"over plain http"}' });
    expect(r.status).toBe(400);
    expect(r.body).toBe('This Standby speaks HTTPS only: use https:// in the address.\n');
    expect((await s.engine.invoke('incidents.list', {})).total).toBe(0);
  });

  it('keeps the same certificate across restarts (closing with an event stream open)', async () => {
    const before = s.tls!.fingerprint256;
    const u = new URL(s.url);
    // An open event stream must not hold the close: the HTTPS server's connections are tracked like plain HTTP ones.
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = httpsRequest({ hostname: u.hostname, port: u.port, path: `/api/events?token=${TOKEN}`, rejectUnauthorized: false }, (res) => res.once('data', () => resolve(res)));
      r.on('error', reject);
      r.end();
    });
    stream.on('error', () => {});
    const ended = new Promise<void>((resolve) => stream.socket.once('close', () => resolve()));
    await s.close();
    await ended;
    s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, tls: 'self-signed', lanAccess: true, clock: new FakeClock(NOW + 86_400_000), log: () => {} });
    expect(s.tls!.created).toBe(false);
    expect((await servedCertificate(s.url)).fingerprint256).toBe(before);
  });
});
