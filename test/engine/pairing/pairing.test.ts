/**
 * Pairing a device with a box: a one-time code (8 characters, 10 minutes, once) becomes the device's
 * own token, which then works instead of the API token, over the box's HTTPS; used, expired and wrong
 * codes and revoked tokens are refused with a clear message; wrong codes are throttled; a browser gets
 * an HttpOnly, Secure, SameSite=Strict cookie instead of a token it could leak; nothing secret is
 * stored in clear.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { normalizeCode } from '../../../electron/engine/pairing/pairing.ts';
import { tempDir } from '../../helpers/headless.ts';

const TOKEN = 'pairing-test-api-token-0123456789-ABCDEFGH';
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

let s: HeadlessServer;
let clock: FakeClock;
let dataDir: string;

beforeAll(async () => {
  clock = new FakeClock('2026-03-02T12:00:00Z');
  dataDir = tempDir('standby-pairing-');
  s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: TOKEN, tls: 'self-signed', lanAccess: true, clock, log: () => {} });
});
afterAll(() => s?.close());

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer, read field by field in the tests
  body: any;
  headers: Record<string, string | string[] | undefined>;
  fingerprint256: string;
}

/** https makes one request to the box the way a paired client does: the certificate is checked by its pinned fingerprint, not a CA. */
function https(path: string, o: { method?: string; body?: unknown; bearer?: string; cookie?: string } = {}): Promise<Answer> {
  const u = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path,
        method: o.method ?? 'POST',
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json', ...(o.bearer ? { authorization: `Bearer ${o.bearer}` } : {}), ...(o.cookie ? { cookie: o.cookie } : {}) },
      },
      (res) => {
        // The certificate the box showed on this connection, read while the connection is open.
        const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers, fingerprint256 }));
      },
    );
    req.on('error', reject);
    req.end(o.body === undefined ? undefined : JSON.stringify(o.body));
  });
}

const api = (method: string, bearer: string, body: unknown = {}) => https(`/api/${method}`, { bearer, body });

describe('pairing a device', () => {
  it('a code shown on the box pairs one device, whose own token then works, over the pinned certificate', async () => {
    const started = await api('pairing.start', TOKEN);
    expect(started.status).toBe(200);
    expect(started.body.code).toMatch(CODE);
    expect(started.body.expiresAt).toBe(new Date(clock.now() + 10 * 60_000).toISOString());
    expect(started.body.fingerprint256).toBe(started.fingerprint256);
    expect(started.body.url).toBe(s.url);

    // The person types it in lower case without the dash.
    const paired = await https('/pair', { body: { code: started.body.code.replace('-', '').toLowerCase(), name: 'Ada’s laptop', kind: 'desktop' } });
    expect(paired.status).toBe(200);
    expect(paired.headers['cache-control']).toBe('no-store');
    expect(paired.body.token).toMatch(/^sbd_[A-Za-z0-9_-]{43}$/);
    expect(paired.body.fingerprint256).toBe(paired.fingerprint256);
    expect(paired.body.device).toMatchObject({ name: 'Ada’s laptop', kind: 'desktop', revokedAt: null });

    const listed = await api('incidents.list', paired.body.token);
    expect(listed.status).toBe(200);
    const again = await https('/pair', { body: { code: started.body.code, name: 'Another', kind: 'desktop' } });
    expect([again.status, again.body.error.message]).toEqual([403, 'This pairing code was already used: a code pairs one device. Make a new one on the box.']);

    // Neither the code nor the token is stored in clear.
    const db = readFileSync(join(dataDir, 'standby.db'));
    expect(db.includes(Buffer.from(paired.body.token))).toBe(false);
    expect(db.includes(Buffer.from(normalizeCode(started.body.code)))).toBe(false);
  });

  it('refuses an expired code and a wrong one, saying which', async () => {
    const { body } = await api('pairing.start', TOKEN);
    await clock.advance(10 * 60_000 + 1);
    const expired = await https('/pair', { body: { code: body.code, name: 'Late', kind: 'desktop' } });
    expect([expired.status, expired.body.error.message]).toEqual([403, 'This pairing code has expired (codes work for 10 minutes). Make a new one on the box.']);
    const wrong = await https('/pair', { body: { code: 'ZZZZ-ZZZZ', name: 'Guess', kind: 'desktop' } });
    expect(wrong.body.error.message).toMatch(/^This pairing code is not right/);
    const huge = await https('/pair', { body: { code: 'x'.repeat(5000), name: 'Big', kind: 'desktop' } });
    expect([huge.status, huge.body.error.message, huge.headers.connection]).toEqual([400, 'body: must be at most 4096 bytes', 'close']);
    const bad = await https('/pair', { body: { code: '', name: '', kind: 'phone' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['code', 'name', 'kind']);
  });

  it('the box lists devices with when they were last seen, and a revoked device is told so', async () => {
    const { body } = await api('pairing.start', TOKEN);
    const paired = await https('/pair', { body: { code: body.code, name: 'Old phone', kind: 'desktop' } });
    await clock.advance(5 * 60_000);
    expect((await api('system.health', paired.body.token)).status).toBe(200);
    const list = (await api('devices.list', TOKEN)).body as Array<{ id: number; name: string; lastSeenAt: string }>;
    expect(list.find((d) => d.id === paired.body.device.id)?.lastSeenAt).toBe(new Date(clock.now()).toISOString());

    const revoked = await api('devices.revoke', TOKEN, { id: paired.body.device.id });
    expect(revoked.body.revokedAt).toBe(new Date(clock.now()).toISOString());
    const refused = await api('incidents.list', paired.body.token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(`this device ("Old phone") was unpaired on the box at ${revoked.body.revokedAt}; pair it again with a new code`);
    // Unpairing a device that does not exist says so.
    const missing = await api('devices.revoke', TOKEN, { id: 9999 });
    expect([missing.status, missing.body.error.message]).toEqual([404, 'no paired device 9999']);
    // A made-up device token is just a wrong token.
    const madeUp = await api('incidents.list', 'sbd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(madeUp.body.error.message).toMatch(/^missing or wrong API token/);
  });

  it('a browser gets an HttpOnly, Secure, SameSite=Strict cookie, not a token, and the cookie works', async () => {
    const { body } = await api('pairing.start', TOKEN);
    const paired = await https('/pair', { body: { code: body.code, name: 'Firefox on the phone', kind: 'browser' } });
    expect(paired.status).toBe(200);
    expect(paired.body.token).toBeUndefined();
    const header = paired.headers['set-cookie'] as string | string[];
    const cookies = Array.isArray(header) ? header : header.split(/,(?=standby_)/);
    expect(cookies).toHaveLength(2);
    const cookie = cookies[0]!;
    expect(cookie).toMatch(/^standby_device=sbd_[A-Za-z0-9_-]{43}; Max-Age=34560000; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    // The page's mark that it was paired (it cannot read the HttpOnly one) holds no secret.
    expect(cookies[1]).toBe('standby_paired=1; Max-Age=34560000; Path=/; Secure; SameSite=Strict');
    const session = cookie.split(';')[0]!;
    expect((await https('/api/incidents.list', { cookie: session, body: {} })).status).toBe(200);
    expect((await https('/api/incidents.list', { body: {} })).status).toBe(401);
  });

  it('throttles wrong codes: 20 different ones a minute, then 429', async () => {
    let last: Answer | undefined;
    for (let i = 0; i < 21; i++) last = await https('/pair', { body: { code: `WRNG-${String(i).padStart(4, '0')}`, name: 'Guess', kind: 'desktop' } });
    expect(last!.status).toBe(429);
    expect(last!.body.error.message).toMatch(/^too many wrong pairing codes from this address; try again in \d+ s$/);
    // Even a right code waits until the minute is over.
    const { body } = await api('pairing.start', TOKEN);
    expect((await https('/pair', { body: { code: body.code, name: 'Me', kind: 'desktop' } })).status).toBe(429);
    await clock.advance(61_000);
    expect((await https('/pair', { body: { code: body.code, name: 'Me', kind: 'desktop' } })).status).toBe(200);
  });
});
