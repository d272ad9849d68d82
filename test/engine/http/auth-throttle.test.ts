/**
 * Guessing secrets is throttled per client address: the tester's 300 wrong API tokens now get 20
 * plain 401s and then 429 with Retry-After, on the real server on loopback. Another client address
 * (127.0.0.2 is another "machine" on Linux loopback) keeps working with the right token, and so does
 * the same address for another kind of secret. Time is the engine's fake clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { AUTH_BLOCK_MS, AUTH_FAILURE_LIMIT, AUTH_WINDOW_MS, AuthThrottle, clientKey } from '../../../electron/engine/http/auth-throttle.ts';
import { MemorySecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { tempDir } from '../../helpers/headless.ts';
import { rawRequest } from '../../helpers/raw-http.ts';

describe('AuthThrottle', () => {
  it('blocks an address after AUTH_FAILURE_LIMIT different wrong values, for AUTH_BLOCK_MS', () => {
    const clock = new FakeClock();
    const t = new AuthThrottle(clock);
    for (let i = 1; i < AUTH_FAILURE_LIMIT; i++) expect(t.fail('api', '10.0.0.1', `guess-${i}`)).toBe(0);
    expect(t.retryAfterMs('api', '10.0.0.1')).toBe(0);
    expect(t.fail('api', '10.0.0.1', 'guess-last')).toBe(AUTH_BLOCK_MS);
    expect(t.retryAfterMs('api', '10.0.0.1')).toBe(AUTH_BLOCK_MS);
    expect(t.retryAfterMs('api', '10.0.0.2')).toBe(0);
    expect(t.retryAfterMs('integration', '10.0.0.1')).toBe(0);
    clock.jump(AUTH_BLOCK_MS - 1000);
    expect(t.retryAfterMs('api', '10.0.0.1')).toBe(1000);
    clock.jump(1000);
    expect(t.retryAfterMs('api', '10.0.0.1')).toBe(0);
  });

  it('counts one stale value sent again and again once (a misconfigured tool guesses nothing)', () => {
    const t = new AuthThrottle(new FakeClock());
    for (let i = 0; i < 1000; i++) t.fail('integration', '127.0.0.1', 'the-old-key');
    expect(t.retryAfterMs('integration', '127.0.0.1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const clock = new FakeClock();
    const t = new AuthThrottle(clock);
    for (let i = 1; i < AUTH_FAILURE_LIMIT; i++) t.fail('ack', '10.0.0.1', `g${i}`);
    clock.jump(AUTH_WINDOW_MS);
    expect(t.fail('ack', '10.0.0.1', 'one more')).toBe(0);
  });

  it('groups IPv6 clients by their /64 and IPv4-mapped addresses with IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    const t = new AuthThrottle(new FakeClock());
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) t.fail('api', `2001:db8:1:2::${i.toString(16)}`, `g${i}`);
    expect(t.retryAfterMs('api', '2001:db8:1:2::ffff')).toBeGreaterThan(0);
  });

  it('remembers a bounded number of addresses, forgetting the least recently failing first', () => {
    const t = new AuthThrottle(new FakeClock(), 100);
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) t.fail('api', '10.9.9.9', `g${i}`);
    for (let i = 0; i < 99; i++) t.fail('api', `10.0.${i >> 8}.${i & 255}`, 'x');
    expect(t.size).toBe(100);
    expect(t.retryAfterMs('api', '10.9.9.9')).toBeGreaterThan(0);
    for (let i = 0; i < 10_000; i++) t.fail('api', `10.1.${i >> 8}.${i & 255}`, 'x');
    expect(t.size).toBe(100);
    expect(t.retryAfterMs('api', '10.9.9.9')).toBe(0);
  });
});

describe('throttled authentication on the real server', () => {
  const TOKEN = 'throttle-test-token';
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  let s: HeadlessServer;
  let routingKey: string;
  let ackPath: string;

  beforeAll(async () => {
    s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, clock, secrets: new MemorySecretStore(), log: () => {} });
    const serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
    routingKey = (await s.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Grafana' })).key!;
    await s.engine.invoke('channels.update', { kind: 'ack', settings: { enabled: true, publicBaseUrl: s.url, ttlMinutes: 60 } });
    const r = await s.engine.invoke('incidents.trigger', { serviceId, title: 'open' });
    if (r.status === 'suppressed') throw new Error(r.reason);
    ackPath = new URL((await s.engine.lifecycle.delivery.ack.issue(r.incident.id))!.acknowledge).pathname;
  });
  afterAll(() => s.close());

  const apiCall = (token: string, localAddress = '127.0.0.1') => rawRequest(s.url, { method: 'POST', path: '/api/system.health', headers: { authorization: `Bearer ${token}` }, body: '{}', localAddress });

  it('answers 300 wrong API tokens with 20 plain 401s, then 429 with Retry-After; other addresses keep working', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 300; i++) {
      last = await apiCall(`wrong-token-${i}`, '127.0.0.3');
      statuses.push(last.status);
    }
    expect(statuses.filter((x) => x === 401)).toHaveLength(AUTH_FAILURE_LIMIT);
    expect(statuses.slice(AUTH_FAILURE_LIMIT).every((x) => x === 429)).toBe(true);
    expect(last!.headers['retry-after']).toBe(String(AUTH_BLOCK_MS / 1000));
    expect(JSON.parse(last!.body).error.message).toMatch(/too many wrong API tokens from this address; try again in 60 s/);
    // Blocked, even the right token waits: a guesser cannot tell a right guess by its answer.
    expect((await apiCall(TOKEN, '127.0.0.3')).status).toBe(429);
    // The event stream and backup downloads take the same token and are held back the same way.
    expect((await rawRequest(s.url, { path: `/api/events?token=${TOKEN}`, localAddress: '127.0.0.3' })).status).toBe(429);
    expect((await rawRequest(s.url, { path: '/api/backups/x.db', headers: { authorization: `Bearer ${TOKEN}` }, localAddress: '127.0.0.3' })).status).toBe(429);
    // Another client is not slowed at all, and the blocked one may send alerts with its key.
    expect((await apiCall(TOKEN, '127.0.0.1')).status).toBe(200);
    const event = { routing_key: routingKey, event_action: 'trigger', payload: { summary: 'disk full', source: 'db1', severity: 'critical' } };
    expect((await rawRequest(s.url, { method: 'POST', path: '/v2/enqueue', body: JSON.stringify(event), localAddress: '127.0.0.3' })).status).toBe(202);
    // After the block the right token works again.
    clock.jump(AUTH_BLOCK_MS);
    expect((await apiCall(TOKEN, '127.0.0.3')).status).toBe(200);
  });

  it('throttles wrong integration keys: Events API 429, Alertmanager 503 (it retries only 5xx)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const key = `${i.toString(16).padStart(2, '0')}${'0'.repeat(30)}`;
      const r = await rawRequest(s.url, { method: 'POST', path: '/v2/enqueue', body: JSON.stringify({ routing_key: key, event_action: 'trigger', payload: { summary: 's', source: 's', severity: 'info' } }), localAddress: '127.0.0.4' });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, AUTH_FAILURE_LIMIT).every((x) => x === 400)).toBe(true);
    expect(statuses.slice(AUTH_FAILURE_LIMIT).every((x) => x === 429)).toBe(true);
    const am = await rawRequest(s.url, { method: 'POST', path: '/integrations/alertmanager/some-key', body: '{}', localAddress: '127.0.0.4' });
    expect(am.status).toBe(503);
    expect(am.headers['retry-after']).toBe('60');
    // Wrong Alertmanager keys count too, from a fresh address.
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expect((await rawRequest(s.url, { method: 'POST', path: `/integrations/alertmanager/k${i}`, body: '{}', localAddress: '127.0.0.5' })).status).toBe(401);
    expect((await rawRequest(s.url, { method: 'POST', path: '/integrations/alertmanager', headers: { authorization: 'Bearer another' }, body: '{}', localAddress: '127.0.0.5' })).status).toBe(503);
    // The API from the same address is another kind of secret and is not held back.
    expect((await apiCall(TOKEN, '127.0.0.4')).status).toBe(200);
  });

  it('throttles forged ack links but not real ones', async () => {
    const forged = (i: number) => `${ackPath.slice(0, -22)}${String(i).padStart(21, 'B')}A`; // a well-formed tag that is not the signature
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expect((await rawRequest(s.url, { path: forged(i), localAddress: '127.0.0.6' })).status).toBe(403);
    const blocked = await rawRequest(s.url, { path: ackPath, localAddress: '127.0.0.6' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('60');
    expect((await rawRequest(s.url, { path: ackPath, localAddress: '127.0.0.7' })).status).toBe(200);
  });
});
