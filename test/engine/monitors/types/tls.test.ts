/** The TLS monitor against a TLS server on loopback with certificates minted by openssl in the test. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsMonitor } from '../../../../electron/engine/monitors/types/tls.ts';
import { tempDir } from '../../../helpers/headless.ts';
import { runCheck } from './check.ts';

const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
const servers: Server[] = [];

/** mint makes a self-signed certificate for localhost and 127.0.0.1 valid for `days` days; returns the PEM file paths. */
function mint(days: number): { cert: string; key: string } {
  const dir = tempDir('standby-tls-');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', String(days), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { cert, key };
}

async function serve(files: { cert: string; key: string }): Promise<number> {
  const server = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (s) => s.end());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

describe.skipIf(!HAS_OPENSSL)('tls monitor (certificates are minted with openssl)', () => {
  it('is down when the certificate expires within the minimum days, up when it has longer', async () => {
    const soon = mint(5);
    const port = await serve(soon);
    const r = await runCheck(tlsMonitor, { host: '127.0.0.1', port, caFile: soon.cert, minDaysRemaining: 14 });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(new RegExp(`^the certificate of 127\\.0\\.0\\.1:${port} expires in 4 days \\(.*\\), under the 14-day minimum$`));
    expect(r.details).toMatchObject({ daysRemaining: 4, authorized: true, subject: 'localhost' });
    expect((await runCheck(tlsMonitor, { host: '127.0.0.1', port, caFile: soon.cert, minDaysRemaining: 3 })).status).toBe('up');

    const later = mint(90);
    const port2 = await serve(later);
    const ok = await runCheck(tlsMonitor, { host: 'localhost', port: port2, caFile: later.cert });
    expect([ok.status, ok.message]).toEqual(['up', `the certificate of localhost:${port2} is valid for 89 more days`]);
  });

  it('is down when the chain is not valid or the name does not match', async () => {
    const files = mint(90);
    const port = await serve(files);
    const untrusted = await runCheck(tlsMonitor, { host: '127.0.0.1', port });
    expect(untrusted.status).toBe('down');
    expect(untrusted.message).toBe(`the certificate of 127.0.0.1:${port} is not valid: DEPTH_ZERO_SELF_SIGNED_CERT`);
    const wrongName = await runCheck(tlsMonitor, { host: '127.0.0.1', port, servername: 'shop.example.com', caFile: files.cert });
    expect(wrongName.message).toMatch(/is not valid: ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('is down when nothing speaks TLS there', async () => {
    const r = await runCheck(tlsMonitor, { host: '127.0.0.1', port: 1 });
    expect(r.message).toMatch(/^TLS to 127\.0\.0\.1:1 failed: .*ECONNREFUSED/);
  });
});
