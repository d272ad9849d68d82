/**
 * Conformance of `POST /v2/enqueue` with PagerDuty's Events API v2
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): the documented requests and
 * answers, dedup, every kind of bad input (each answered 4xx, naming the field, changing nothing),
 * the 512 KB limit and the per-key rate limit (429) on the engine's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, snapshot } from '../../helpers/headless.ts';
import { incidentsOf, post, startInbound, TOKEN, trigger, type InboundServer } from './inbound-helpers.ts';
import { inboundPath } from '../../../electron/engine/inbound/routes.ts';

let t: InboundServer;
beforeAll(async () => {
  t = await startInbound();
});
afterAll(() => t.s.close());

const enqueue = (body: unknown) => post(t.url, '/v2/enqueue', body);
const byKey = (dedupKey: string) => incidentsOf(t.s, t.serviceId).filter((i) => i.dedupKey === dedupKey);

describe('the documented flow', () => {
  it('a trigger opens an incident and answers 202 with the dedup key, after it is stored', async () => {
    const event = {
      payload: {
        summary: 'Example alert on host1.example.com',
        timestamp: '2015-07-17T08:42:58.315+0000',
        source: 'monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003',
        severity: 'critical',
        component: 'postgres',
        group: 'prod-datapipe',
        class: 'deploy',
        custom_details: { 'ping time': '1500ms', 'load avg': 0.75 },
      },
      routing_key: t.key,
      dedup_key: 'srv01/HTTP',
      images: [{ src: 'https://www.example.com/graph.png', href: 'https://example.com/', alt: 'Example text' }],
      links: [{ href: 'https://example.com/', text: 'Link text' }],
      event_action: 'trigger',
      client: 'Sample Monitoring Service',
      client_url: 'https://monitoring.example.com',
    };
    const r = await enqueue(event);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'srv01/HTTP' });
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    // Committed before the answer: the row is readable the moment the 202 arrives.
    const [inc] = byKey('srv01/HTTP');
    expect(inc).toMatchObject({ title: 'Example alert on host1.example.com', severity: 'critical', urgency: 'high', status: 'triggered', alertCount: 1 });
    expect(inc!.details).toEqual({
      source: event.payload.source,
      timestamp: '2015-07-17T08:42:58.315+0000',
      component: 'postgres',
      group: 'prod-datapipe',
      class: 'deploy',
      custom_details: { 'ping time': '1500ms', 'load avg': 0.75 },
      links: event.links,
      images: event.images,
      client: 'Sample Monitoring Service',
      client_url: 'https://monitoring.example.com',
      integration: { id: expect.any(Number), name: 'Events' },
    });
    const timeline = t.s.engine.incidents.timeline(inc!.id);
    expect(timeline[0]).toMatchObject({ type: 'trigger', actor: 'api', data: { dedupKey: 'srv01/HTTP', source: event.payload.source } });
  });

  it('a trigger without a dedup_key gets a new one, returned in the answer', async () => {
    const a = await enqueue(trigger(t.key));
    const b = await enqueue(trigger(t.key));
    expect(a.status).toBe(202);
    expect(a.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(b.body.dedup_key).not.toBe(a.body.dedup_key);
    expect(byKey(a.body.dedup_key)).toHaveLength(1);
    expect((await enqueue(trigger(t.key, { dedup_key: '' }))).body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('triggers with the dedup key of an open incident add alerts to it; acknowledge and resolve act on it', async () => {
    const first = await enqueue(trigger(t.key, { dedup_key: 'disk-1' }));
    const again = await enqueue(trigger(t.key, { dedup_key: 'disk-1' }, { summary: 'DISK at 100%', custom_details: { free: '0%' } }));
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(byKey('disk-1')).toHaveLength(1);
    const [inc] = byKey('disk-1');
    expect(inc!.alertCount).toBe(2);
    const alert = t.s.engine.incidents.timeline(inc!.id).find((e) => e.type === 'alert');
    expect(alert).toMatchObject({ actor: 'api', message: 'Alert added: DISK at 100%', data: { severity: 'critical', details: { custom_details: { free: '0%' } } } });

    const ack = await enqueue({ routing_key: t.key, dedup_key: 'disk-1', event_action: 'acknowledge' });
    expect(ack).toMatchObject({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'disk-1' } });
    expect(byKey('disk-1')[0]!.status).toBe('acknowledged');
    const res = await enqueue({ routing_key: t.key, dedup_key: 'disk-1', event_action: 'resolve' });
    expect(res.status).toBe(202);
    expect(byKey('disk-1')[0]).toMatchObject({ status: 'resolved', resolvedBy: 'api' });
  });

  it('after a resolve, the same dedup key opens a new incident (dedup after resolve)', async () => {
    await enqueue(trigger(t.key, { dedup_key: 'flappy' }));
    await enqueue({ routing_key: t.key, dedup_key: 'flappy', event_action: 'resolve' });
    const r = await enqueue(trigger(t.key, { dedup_key: 'flappy' }));
    expect(r.status).toBe(202);
    expect(byKey('flappy').map((i) => i.status)).toEqual(['resolved', 'triggered']);
  });

  it("a dedup key is the integration's: the same key through another integration of the service opens its own incident, and a resolve there leaves the first open", async () => {
    // PagerDuty: "if two events with the same dedup_key are sent to two different integrations on the same service, they will not be deduplicated".
    const staging = await api(t.url, TOKEN, 'integrations.create', { serviceId: t.serviceId, type: 'events_v2', name: 'Staging', rateLimitPerMinute: 0 });
    expect(staging.status).toBe(200);
    await enqueue(trigger(t.key, { dedup_key: 'api-5xx' }));
    await enqueue(trigger(staging.body.key, { dedup_key: 'api-5xx' }));
    expect(byKey('api-5xx').map((i) => i.status)).toEqual(['triggered', 'triggered']);
    const [prod, stage] = byKey('api-5xx');
    expect([prod!.details.integration, stage!.details.integration]).toEqual([{ id: expect.any(Number), name: 'Events' }, { id: staging.body.id, name: 'Staging' }]);
    const r = await enqueue({ routing_key: staging.body.key, dedup_key: 'api-5xx', event_action: 'resolve' });
    expect(r.status).toBe(202);
    expect(byKey('api-5xx').map((i) => [i.id, i.status])).toEqual([[prod!.id, 'triggered'], [stage!.id, 'resolved']]);
    // An incident opened by hand (no integration) with the same key is not the integration's either.
    const manual = await t.s.engine.invoke('incidents.trigger', { serviceId: t.serviceId, title: 'By hand', dedupKey: 'api-5xx' });
    expect(manual.status).toBe('created');
    await enqueue({ routing_key: t.key, dedup_key: 'api-5xx', event_action: 'resolve' });
    expect(byKey('api-5xx').map((i) => i.status)).toEqual(['resolved', 'resolved', 'triggered']);
  });

  it('acknowledge and resolve for a dedup key with no open incident are answered 202 and dropped', async () => {
    const before = snapshot(t.s.engine.store.db);
    for (const action of ['acknowledge', 'resolve']) {
      const r = await enqueue({ routing_key: t.key, dedup_key: 'never-seen', event_action: action });
      expect(r).toMatchObject({ status: 202, body: { status: 'success', dedup_key: 'never-seen' } });
    }
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('severity maps to urgency through the service urgency rule', async () => {
    for (const [severity, urgency] of [['critical', 'high'], ['error', 'high'], ['warning', 'low'], ['info', 'low']] as const) {
      await enqueue(trigger(t.key, { dedup_key: `sev-${severity}` }, { severity }));
      expect(byKey(`sev-${severity}`)[0]!.urgency).toBe(urgency);
    }
  });

  it('a trigger for a disabled service is answered 202 and opens nothing', async () => {
    const svc = await t.s.engine.invoke('services.create', { name: 'Off', escalationPolicyId: 1, enabled: false });
    const integ = await api(t.url, TOKEN, 'integrations.create', { serviceId: svc.id, type: 'events_v2', name: 'Off events' });
    const r = await enqueue(trigger(integ.body.key, { dedup_key: 'off-1' }));
    expect(r.status).toBe(202);
    expect(incidentsOf(t.s, svc.id)).toEqual([]);
  });

  it('concurrent events are all stored, each answered after its commit', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(keys.map((k) => enqueue(trigger(t.key, { dedup_key: k }))));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    for (const k of keys) expect(byKey(k)).toHaveLength(1);
  });
});

/** Bad events: the body, the error that must appear (a piece of it). */
const badEvents = (key: string): Array<[string, unknown, RegExp]> => [
  ['no routing_key', { event_action: 'trigger', payload: { summary: 's', source: 'h', severity: 'info' } }, /'routing_key' is missing or blank/],
  ['routing_key of the wrong type', trigger(key, { routing_key: 42 }), /'routing_key' must be a string/],
  ['routing_key of the wrong length', trigger(key, { routing_key: 'abc' }), /Length of 'routing_key' is incorrect \(should be 32 characters\)/],
  ['unknown routing_key', trigger(key, { routing_key: '0'.repeat(32) }), /'routing_key' is not the key of any integration/],
  ['no event_action', trigger(key, { event_action: undefined }), /'event_action' is missing or blank/],
  ['unknown event_action', trigger(key, { event_action: 'escalate' }), /'event_action' is invalid \(must be one of the following: 'trigger', 'acknowledge' or 'resolve'/],
  ['no payload', { routing_key: key, event_action: 'trigger' }, /'payload' is missing or blank/],
  ['payload not an object', { routing_key: key, event_action: 'trigger', payload: 'disk full' }, /'payload' must be an object, not a string/],
  ['no summary', trigger(key, {}, { summary: undefined }), /'payload.summary' is missing or blank/],
  ['blank summary', trigger(key, {}, { summary: '   ' }), /'payload.summary' is missing or blank/],
  ['summary of the wrong type', trigger(key, {}, { summary: { text: 'x' } }), /'payload.summary' must be a string, not an object/],
  ['long summary', trigger(key, {}, { summary: 'x'.repeat(1025) }), /'payload.summary' is too long \(maximum is 1024 characters, got 1025\)/],
  ['no source', trigger(key, {}, { source: undefined }), /'payload.source' is missing or blank/],
  ['no severity', trigger(key, {}, { severity: undefined }), /'payload.severity' is missing or blank/],
  ['wrong severity', trigger(key, {}, { severity: 'fatal' }), /'payload.severity' is invalid \(must be one of the following: 'critical', 'warning', 'error' or 'info', got "fatal"\)/],
  ['severity in capitals', trigger(key, {}, { severity: 'CRITICAL' }), /'payload.severity' is invalid/],
  ['bad timestamp', trigger(key, {}, { timestamp: 'yesterday' }), /'payload.timestamp' is invalid \(must be an ISO 8601 date-time/],
  ['component of the wrong type', trigger(key, {}, { component: 7 }), /'payload.component' must be a string, not a number/],
  ['long dedup_key', trigger(key, { dedup_key: 'k'.repeat(256) }), /'dedup_key' is too long \(maximum is 255 characters, got 256\)/],
  ['dedup_key of the wrong type', trigger(key, { dedup_key: 12 }), /'dedup_key' must be a string, not a number/],
  ['acknowledge without dedup_key', { routing_key: key, event_action: 'acknowledge' }, /'dedup_key' is missing or blank \(an acknowledge event names/],
  ['resolve without dedup_key', { routing_key: key, event_action: 'resolve', dedup_key: ' ' }, /'dedup_key' is missing or blank \(a resolve event names the alert by its dedup_key\)/],
  ['links not an array', trigger(key, { links: { href: 'https://x' } }), /'links' must be an array, not an object/],
  ['link without href', trigger(key, { links: [{ text: 'x' }] }), /'links\[0\].href' is missing or blank/],
  ['image without src', trigger(key, { images: [{ alt: 'x' }] }), /'images\[0\].src' is missing or blank/],
  ['client_url of the wrong type', trigger(key, { client_url: ['x'] }), /'client_url' must be a string, not an array/],
  ['custom_details nested too deeply', trigger(key, {}, { custom_details: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }), /'payload.custom_details' is nested too deeply/],
];

describe('bad events are answered 400, naming the field, and change nothing', () => {
  it('each documented mistake', async () => {
    const before = snapshot(t.s.engine.store.db);
    for (const [what, body, error] of badEvents(t.key)) {
      const r = await enqueue(body);
      expect(r.status, what).toBe(400);
      expect(r.body.status, what).toBe('invalid event');
      expect(r.body.message, what).toBe('Event object is invalid');
      expect(r.body.errors.join('; '), what).toMatch(error);
    }
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('lists every problem of an event at once', async () => {
    const r = await enqueue(trigger(t.key, { dedup_key: 'k'.repeat(300) }, { summary: '', severity: 'bad', source: 3 }));
    expect(r.body.errors).toHaveLength(4);
  });

  it('malformed JSON and non-objects get PagerDuty\'s "Unrecognized object" answer', async () => {
    const before = snapshot(t.s.engine.store.db);
    for (const raw of ['{"routing_key": ', 'not json', '', '[1,2]', '"event"', 'null', '42']) {
      const r = await enqueue(raw);
      expect(r.status, raw).toBe(400);
      expect(r.body).toMatchObject({ status: 'Unrecognized object', message: 'Event object format is unrecognized' });
      expect(r.body.errors[0]).toMatch(/^JSON parse error/);
    }
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('a body over 512 KB is refused with 413', async () => {
    const before = snapshot(t.s.engine.store.db);
    const r = await enqueue(trigger(t.key, {}, { custom_details: { blob: 'x'.repeat(512 * 1024) } }));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ status: 'invalid event', message: 'Event object is too large' });
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('a chunked body (no Content-Length) is counted as it is read', async () => {
    const chunked = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) c.enqueue(bytes.slice(i, i + 64 * 1024));
          c.close();
        },
      });
      return fetch(`${t.url}/v2/enqueue`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    };
    const before = snapshot(t.s.engine.store.db);
    const big = await chunked(JSON.stringify(trigger(t.key, {}, { custom_details: { blob: 'x'.repeat(600 * 1024) } })));
    expect(big.status).toBe(413);
    // The rest of that body was not read: the connection closes, and the client opens another.
    expect(big.headers.get('connection')).toBe('close');
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
    const small = await chunked(JSON.stringify(trigger(t.key, { dedup_key: 'chunked-1' })));
    expect(small.status).toBe(202);
    expect(byKey('chunked-1')).toHaveLength(1);
  });

  it('a summary of exactly 1024 characters and a dedup_key of 255 are accepted', async () => {
    const r = await enqueue(trigger(t.key, { dedup_key: 'd'.repeat(255) }, { summary: 's'.repeat(1024) }));
    expect(r.status).toBe(202);
    expect(byKey('d'.repeat(255))[0]!.title).toHaveLength(1024);
  });

  it('counts characters as Alertmanager and PagerDuty do: an emoji is one character, not two', async () => {
    // Alertmanager cuts a summary to 1,024 runes; in JavaScript's units this one is 1,034 long.
    const summary = `${'🔥'.repeat(10)}${'s'.repeat(1014)}`;
    const r = await enqueue(trigger(t.key, { dedup_key: `🔥${'d'.repeat(254)}` }, { summary }));
    expect(r.status).toBe(202);
    expect(byKey(`🔥${'d'.repeat(254)}`)[0]!.title).toBe(summary);
    const over = await enqueue(trigger(t.key, {}, { summary: `${summary}🔥` }));
    expect(over.body.errors.join('; ')).toMatch(/'payload.summary' is too long \(maximum is 1024 characters, got 1025\)/);
  });

  it('a doubled or trailing slash in the path still reaches the route (a base URL ending in "/"); other paths are not bent', async () => {
    for (const path of ['//v2/enqueue', '/v2/enqueue/', '//v2//enqueue//']) {
      const r = await post(t.url, path, trigger(t.key, { dedup_key: `slash ${path}` }));
      expect([path, r.status]).toEqual([path, 202]);
      expect(byKey(`slash ${path}`)).toHaveLength(1);
    }
    const change = await post(t.url, '/v2/change/enqueue/', { routing_key: t.key, payload: { summary: 'Deployed', source: 'ci' } });
    expect(change.status).toBe(202);
    expect((await post(t.url, '/v2/enqueue/extra', trigger(t.key))).status).toBe(404);
    expect(inboundPath('/api//incidents.list/')).toBe('/api//incidents.list/');
  });

  it('an Alertmanager key is not an Events API v2 key', async () => {
    const r = await enqueue(trigger(t.amGroupKey));
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/belongs to an Alertmanager integration/);
  });

  it('other methods than POST get 405', async () => {
    const r = await fetch(`${t.url}/v2/enqueue`);
    expect([r.status, r.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('rate limit per routing key', () => {
  it('answers 429 past the key limit and accepts again as the bucket refills on the engine clock', async () => {
    const limited = await api(t.url, TOKEN, 'integrations.create', { serviceId: t.serviceId, type: 'events_v2', name: 'Slow', rateLimitPerMinute: 3 });
    const key = limited.body.key as string;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await enqueue(trigger(key, { dedup_key: `rl-${i}` }))).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const before = snapshot(t.s.engine.store.db);
    const r = await enqueue(trigger(key, { dedup_key: 'rl-x' }));
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ status: 'throttle event', message: 'Request Limit Exceeded' });
    expect(r.body.errors[0]).toMatch(/limit of 3 per minute; retry in 20 s/);
    expect(r.headers.get('retry-after')).toBe('20');
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
    // Other keys are not affected.
    expect((await enqueue(trigger(t.key))).status).toBe(202);
    // 3 per minute is one token every 20 s.
    t.clock.jump(19_000);
    expect((await enqueue(trigger(key))).status).toBe(429);
    t.clock.jump(1_000);
    expect((await enqueue(trigger(key))).status).toBe(202);
    expect((await enqueue(trigger(key))).status).toBe(429);
  });

  it('the default is PagerDuty\'s 120 events per minute', async () => {
    const r = await api(t.url, TOKEN, 'integrations.create', { serviceId: t.serviceId, type: 'events_v2', name: 'Default rate' });
    expect(r.body.rateLimitPerMinute).toBe(120);
    const answers = await Promise.all(Array.from({ length: 121 }, () => enqueue({ routing_key: r.body.key, event_action: 'resolve', dedup_key: 'none' })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(120);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(1);
  });
});
