/** The HTTP monitor against a real loopback server whose status, body and delay the test sets. */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../../electron/engine/http/tls-certificate.ts';
import { tempDir } from '../../../helpers/headless.ts';
import { httpMonitor, MAX_BODY_BYTES, readPath, statusMatches } from '../../../../electron/engine/monitors/types/http.ts';
import { httpTarget, closedPort, type HttpTarget } from '../helpers.ts';
import { runCheck } from './check.ts';

let target: HttpTarget;
beforeAll(async () => {
  target = await httpTarget();
});
afterAll(() => target.close());

const check = (config: Record<string, unknown>, timeoutMs?: number) => runCheck(httpMonitor, { url: target.url, ...config }, { timeoutMs });

describe('http monitor', () => {
  it('is up on an expected status and records every timing phase', async () => {
    target.status = 200;
    const r = await check({});
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+ ms$/);
    for (const phase of ['dns', 'tcp', 'firstByte', 'download', 'total'] as const) expect(r.phases![phase]).toBeTypeOf('number');
    expect(r.phases!.tls).toBeNull();
    expect(r.latencyMs).toBe(r.phases!.total);
  });

  it('matches status codes and ranges', async () => {
    expect(statusMatches(204, ['200-299'])).toBe(true);
    expect(statusMatches(301, ['200', '300-302'])).toBe(true);
    expect(statusMatches(404, ['200-299', '500'])).toBe(false);
    target.status = 503;
    const r = await check({});
    expect([r.status, r.message]).toEqual(['down', expect.stringMatching(/^HTTP 503 \(expected 200-299\)/)]);
    expect(r.details).toMatchObject({ statusCode: 503, url: target.url });
    expect((await check({ expectedStatus: ['503'] })).status).toBe('up');
    target.status = 200;
  });

  it('checks a keyword present or absent in the body', async () => {
    target.body = 'All systems operational';
    expect((await check({ keyword: { text: 'operational' } })).status).toBe('up');
    expect((await check({ keyword: { text: 'OPERATIONAL' } })).message).toMatch(/keyword "OPERATIONAL" not found/);
    expect((await check({ keyword: { text: 'OPERATIONAL', caseSensitive: false } })).status).toBe('up');
    const absent = await check({ keyword: { text: 'systems', mode: 'absent' } });
    expect([absent.status, absent.message]).toEqual(['down', 'HTTP 200, but keyword "systems" found in the response body, where it must be absent']);
  });

  it('checks a JSON field', async () => {
    target.body = JSON.stringify({ status: 'ok', checks: [{ name: 'db', healthy: true }] });
    target.contentType = 'application/json';
    expect(readPath({ a: [{ b: 1 }] }, 'a[0].b')).toEqual({ found: true, value: 1 });
    expect((await check({ json: { path: 'status', equals: 'ok' } })).status).toBe('up');
    expect((await check({ json: { path: 'checks[0].healthy', equals: true } })).status).toBe('up');
    expect((await check({ json: { path: 'checks[1].name' } })).message).toMatch(/JSON field checks\[1\]\.name is missing/);
    expect((await check({ json: { path: 'status', equals: 'degraded' } })).message).toMatch(/JSON field status is "ok", expected "degraded"/);
    target.body = 'not json';
    expect((await check({ json: { path: 'status' } })).message).toMatch(/not JSON/);
    target.contentType = 'text/plain';
  });

  it('marks a response over the latency threshold degraded or down', async () => {
    target.delayMs = 120;
    const slow = await check({ maxResponseMs: 50 });
    expect(slow.status).toBe('degraded');
    expect(slow.message).toMatch(/over the 50 ms limit/);
    expect(slow.phases!.firstByte!).toBeGreaterThanOrEqual(100);
    expect((await check({ maxResponseMs: 50, slowIs: 'down' })).status).toBe('down');
    expect((await check({ maxResponseMs: 5000 })).status).toBe('up');
    target.delayMs = 0;
  });

  it('times out, and reports a refused connection', async () => {
    target.delayMs = 1000;
    const r = await check({}, 200);
    expect([r.status, r.message]).toEqual(['down', 'no response within 200 ms']);
    target.delayMs = 0;
    const refused = await runCheck(httpMonitor, { url: `http://127.0.0.1:${await closedPort()}/` });
    expect(refused.status).toBe('down');
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('follows redirects unless told not to', async () => {
    const url = new URL('redirect', target.url).href;
    expect((await runCheck(httpMonitor, { url })).status).toBe('up');
    const r = await runCheck(httpMonitor, { url, followRedirects: false });
    expect(r.message).toMatch(/^HTTP 302 \(expected 200-299\)/);
  });

  it('sends the method, headers and body it is given', async () => {
    target.requests.length = 0;
    await check({ method: 'POST', headers: { 'X-Check': 'standby' }, body: '{"ping":1}', expectedStatus: ['200'] });
    const req = target.requests[0]!;
    expect([req.method, req.headers['x-check'], req.headers['user-agent']]).toEqual(['POST', 'standby', 'Standby monitor']);
  });

  it('sends a request whose method may carry a body when it has none, and ends it', async () => {
    for (const method of ['POST', 'DELETE', 'OPTIONS']) {
      target.requests.length = 0;
      const r = await check({ method }, 2000);
      expect([method, r.status, target.requests[0]?.method]).toEqual([method, 'up', method]);
    }
  });

  it('refuses a body larger than MAX_BODY_BYTES whether or not the check reads it, and reads one just under', async () => {
    try {
      target.body = 'x'.repeat(MAX_BODY_BYTES + 1);
      for (const config of [{}, { keyword: { text: 'x' } }]) {
        const r = await check(config);
        expect([r.status, r.message]).toEqual(['down', `the response body is larger than ${MAX_BODY_BYTES} bytes`]);
      }
      target.body = `${'x'.repeat(MAX_BODY_BYTES - 3)}end`;
      expect((await check({ keyword: { text: 'xend' } })).status).toBe('up');
    } finally {
      target.body = 'hello from the target';
    }
  });

  it('after a redirect, reports where it ended and judges that answer’s body', async () => {
    const url = new URL('redirect', target.url).href;
    const r = await runCheck(httpMonitor, { url, keyword: { text: 'hello from the target' } });
    expect([r.status, (r.details as { finalUrl?: string }).finalUrl]).toEqual(['up', target.url]);
    expect((await runCheck(httpMonitor, { url, keyword: { text: 'nowhere' } })).message).toBe('HTTP 200, but keyword "nowhere" not found in the response body');
  });

  it('times the TLS handshake of an https URL, and no handshake for http', async () => {
    const cert = await selfSignedCertificate(tempDir('standby-http-tls-'), { dns: ['localhost'], ips: ['127.0.0.1'] }, Date.now());
    const server = createHttpsServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end('secure hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const r = await runCheck(httpMonitor, { url, ignoreTlsErrors: true, keyword: { text: 'secure hello' } });
      expect(r.status).toBe('up');
      expect(r.phases!.tls).toBeGreaterThan(0);
      expect(r.phases!.tcp).toBeGreaterThanOrEqual(0);
      expect((await runCheck(httpMonitor, { url })).message).toMatch(/self[- ]signed/i);
      expect((await check({})).phases!.tls).toBe(null);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses settings that would store a secret or cannot work', () => {
    const bad = (config: Record<string, unknown>) => httpMonitor.schema.safeParse({ url: 'https://example.com', ...config }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(bad({ url: 'https://user:pw@example.com/' })).toEqual(['url: must not hold a user name or password (they would be stored in the database)']);
    expect(bad({ headers: { cookie: 'a=b' } })![0]).toMatch(/^headers\.cookie: must not carry a credential/);
    expect(bad({ method: 'HEAD', keyword: { text: 'x' } })).toEqual(['method: must not be HEAD when a keyword or json check reads the body']);
    expect(bad({ expectedStatus: ['299-200'] })).toEqual(['expectedStatus.0: a range must go from low to high, such as "200-299"']);
    expect(bad({ expectedStatus: ['2xx'] })![0]).toMatch(/must be a status code such as "200"/);
  });

  it('needs the network only for hosts that are not this computer', () => {
    const needs = (url: string) => httpMonitor.needsNetwork(httpMonitor.schema.parse({ url }));
    expect([needs('http://127.0.0.1:8080/'), needs('http://localhost/'), needs('http://[::1]/'), needs('https://example.com/')]).toEqual([false, false, false, true]);
  });
});
