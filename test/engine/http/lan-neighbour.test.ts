/**
 * A LAN neighbour, for real: Standby bound with --allow-lan's TLS to an address on a veth link, and a
 * client in another network namespace (another host as far as the kernel is concerned). The
 * neighbour reaches the API over HTTPS only, checked against the certificate Standby made (whose
 * names include the bound address); plain HTTP, a foreign Host and even `localhost` get nothing; and
 * its wrong tokens are throttled without slowing this host.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { AUTH_FAILURE_LIMIT } from '../../../electron/engine/http/auth-throttle.ts';
import { MISDIRECTED_BODY } from '../../../electron/engine/http/host-check.ts';
import { TLS_CERT_FILE } from '../../../electron/engine/http/tls-certificate.ts';
import { tempDir } from '../../helpers/headless.ts';
import { makeNetNs, netnsUnavailable, type NetNs } from '../../helpers/netns.ts';
import { rawRequest } from '../../helpers/raw-http.ts';

const TOKEN = 'lan-neighbour-token-0123456789abcdef';
const why = netnsUnavailable();

/** CLIENT sends the requests it reads as JSON on stdin, one after another, and prints each answer (or error) as JSON. */
const CLIENT = `
import { request as https } from 'node:https';
import { request as http } from 'node:http';
const jobs = JSON.parse(await new Promise((r) => { let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => r(s)); }));
const out = [];
for (const j of jobs) {
  const u = new URL(j.url);
  out.push(await new Promise((resolve) => {
    const req = (u.protocol === 'https:' ? https : http)({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: j.method ?? 'GET', headers: j.headers ?? {}, ca: j.ca, agent: false, ...(j.anyName ? { servername: '', checkServerIdentity: () => undefined } : {}) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e) => resolve({ error: e.code ?? e.message }));
    req.end(j.body);
  }));
}
console.log(JSON.stringify(out));
`;

interface Job {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: string;
  /** anyName accepts the trusted certificate whatever name the Host header gives (Node checks the certificate against Host otherwise). */
  anyName?: boolean;
}

describe.skipIf(why !== undefined)(`a LAN neighbour in another network namespace${why ? ` (skipped: ${why})` : ''}`, () => {
  let ns: NetNs;
  let s: HeadlessServer;
  let ca: string;

  beforeAll(async () => {
    ns = makeNetNs();
    const dataDir = tempDir();
    s = await startHeadless({ dataDir, port: 0, host: ns.hostAddress, token: TOKEN, tls: 'self-signed', lanAccess: true, log: () => {} });
    ca = readFileSync(join(dataDir, TLS_CERT_FILE), 'utf8');
  });
  afterAll(async () => {
    await s?.close();
    ns?.remove();
  });

  const fromNeighbour = async (jobs: Job[]): Promise<Array<{ status?: number; body?: string; error?: string }>> => JSON.parse(await ns.run(process.execPath, ['--input-type=module', '-e', CLIENT], JSON.stringify(jobs)));

  it('reaches the API over HTTPS only, at Standby’s own address', async () => {
    const port = new URL(s.url).port;
    const api = { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{}' };
    const [ok, noCa, plain, foreign, local] = await fromNeighbour([
      { url: `https://${ns.hostAddress}:${port}/api/system.server`, ...api, ca },
      { url: `https://${ns.hostAddress}:${port}/api/system.server`, ...api },
      { url: `http://${ns.hostAddress}:${port}/api/system.server`, ...api },
      { url: `https://${ns.hostAddress}:${port}/api/system.server`, ...api, headers: { ...api.headers, host: `evil.example:${port}` }, ca, anyName: true },
      { url: `https://${ns.hostAddress}:${port}/healthz`, headers: { host: `localhost:${port}` }, ca, anyName: true },
    ]);
    expect(ok!.status).toBe(200);
    expect(JSON.parse(ok!.body!)).toMatchObject({ url: `https://${ns.hostAddress}:${port}`, lanAccess: true, tls: { selfSigned: true } });
    expect(noCa!.error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(plain).toEqual({ status: 400, body: 'This Standby speaks HTTPS only: use https:// in the address.\n' });
    expect(foreign).toEqual({ status: 421, body: MISDIRECTED_BODY });
    expect(local).toEqual({ status: 421, body: MISDIRECTED_BODY });
  });

  it('has its wrong tokens throttled, while this host keeps working', async () => {
    const port = new URL(s.url).port;
    const answers = await fromNeighbour(
      Array.from({ length: AUTH_FAILURE_LIMIT + 5 }, (_, i) => ({ url: `https://${ns.hostAddress}:${port}/api/system.health`, method: 'POST', headers: { authorization: `Bearer guess-${i}` }, body: '{}', ca })),
    );
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(AUTH_FAILURE_LIMIT).fill(401), ...Array<number>(5).fill(429)]);
    const mine = await rawRequest(s.url, { method: 'POST', path: '/api/system.health', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}', ca });
    expect(mine.status).toBe(200);
  });
});
