/**
 * A LAN bind is an explicit opt-in: `serve --host <not loopback>` refuses to start without
 * --allow-lan (before binding anything), and so does a name, such as `127.evil.example`, that is not
 * proven to be loopback. With --allow-lan Standby speaks HTTPS only (a certificate it makes, whose
 * printed fingerprint is the one served), unless the person says --insecure-http. Tests bind
 * loopback only: --allow-lan with --host 127.0.0.1 exercises the same TLS path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { api, CHILD_TEST_MS, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';
import { rawRequest } from '../../helpers/raw-http.ts';

const TOKEN = 'lan-test-token-0123456789abcdefghijklmnopqrstuvwxyz';
const children: ChildServer[] = [];
afterEach(() => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
});

function servedFingerprint(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('serve --host', () => {
  it('refuses an address other machines can reach without --allow-lan', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      await expect(startChild(['--data-dir', tempDir(), '--host', host])).rejects.toThrow(new RegExp(`exited with 2[\\s\\S]*--host ${host.replace(/\./g, '\\.')}: other machines on the network could reach Standby there\\. Add --allow-lan`));
    }
  }, CHILD_TEST_MS);

  it('refuses 127.evil.example without --allow-lan (a name that does not resolve is refused too)', async () => {
    await expect(startChild(['--data-dir', tempDir(), '--host', '127.evil.example'])).rejects.toThrow(/exited with 2[\s\S]*--host 127\.evil\.example: the name does not resolve to an address/);
  }, CHILD_TEST_MS);

  it('with --allow-lan serves HTTPS only, with the certificate whose fingerprint it prints', async () => {
    const dataDir = tempDir();
    const s = await startChild(['--data-dir', dataDir, '--host', '127.0.0.1', '--allow-lan'], { STANDBY_TOKEN: TOKEN });
    children.push(s);
    expect(s.url).toMatch(/^https:\/\//);
    await waitFor(() => s.output().includes('Alerts: '), 'the alerts line');
    const printed = /Certificate SHA-256 fingerprint: ([0-9A-F:]{95})/.exec(s.output())?.[1];
    expect(printed).toBe(await servedFingerprint(s.url));
    expect(s.output()).toContain(`Alerts: POST ${s.url}/v2/enqueue (PagerDuty Events API v2) and ${s.url}/integrations/alertmanager (Alertmanager webhook)`);
    // The API over HTTPS: refused by a client that does not know the certificate, answered for one that trusts it (curl --cacert).
    const call = (ca?: string) => rawRequest(s.url, { method: 'POST', path: '/api/system.server', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}', ...(ca ? { ca } : {}) });
    expect(await call().catch((err: Error) => err.message)).toMatch(/self-signed certificate/);
    const ok = await call(readFileSync(join(dataDir, 'tls-cert.pem'), 'utf8'));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ url: s.url, lanAccess: false, tls: { fingerprint256: printed, selfSigned: true } });
    const plain = await rawRequest(s.url.replace('https:', 'http:'), { method: 'POST', path: '/api/system.server', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(plain.status).toBe(400);
    expect(plain.body).not.toContain('fingerprint');
  }, CHILD_TEST_MS);

  it('with --allow-lan never falls back to plain HTTP: a certificate it cannot use stops the start', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'tls-cert.pem'), 'not a certificate');
    writeFileSync(join(dataDir, 'tls-key.pem'), 'not a key', { mode: 0o644 });
    await expect(startChild(['--data-dir', dataDir, '--host', '127.0.0.1', '--allow-lan'], { STANDBY_TOKEN: TOKEN })).rejects.toThrow(/exited with 1[\s\S]*Standby could not start: .*tls-key\.pem has permissions 644/);
    await expect(startChild(['--data-dir', tempDir(), '--allow-lan', '--tls-cert', join(dataDir, 'missing.pem'), '--tls-key', join(dataDir, 'tls-key.pem')], { STANDBY_TOKEN: TOKEN })).rejects.toThrow(/exited with 1[\s\S]*--tls-key: .*tls-key\.pem has permissions 644/);
  }, CHILD_TEST_MS);

  it('with --allow-lan --insecure-http serves plain HTTP and says what that exposes', async () => {
    const s = await startChild(['--data-dir', tempDir(), '--host', '127.0.0.1', '--allow-lan', '--insecure-http'], { STANDBY_TOKEN: TOKEN });
    children.push(s);
    expect(s.url).toMatch(/^http:\/\//);
    await waitFor(() => s.output().includes('Alerts: '), 'the alerts line');
    expect(s.output()).toContain('Plain HTTP on the network (--insecure-http): the API token, your incidents and alerts cross the network readable by anyone on it.');
    expect((await api(s.url, TOKEN, 'system.server')).body).toMatchObject({ url: s.url, lanAccess: false, tls: null });
  }, CHILD_TEST_MS);
});
