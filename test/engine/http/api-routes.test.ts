/**
 * The HTTP transport: every API route answers bad input with 400, naming the field and the rule,
 * and leaves the database exactly as it was; auth, unknown routes, health and server-sent events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSchemas, type ApiMethod } from '../../../electron/shared/api.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { api, snapshot, tempDir, waitFor } from '../../helpers/headless.ts';

const TOKEN = 'route-test-token';
let s: HeadlessServer;
let serviceId: number;
let incidentId: number;

beforeAll(async () => {
  s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, log: () => {} });
  serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
  // No UI is connected, so the desktop page fails; with no retries it stays quiet after its one attempt.
  await s.engine.invoke('channels.update', { kind: 'delivery', settings: { retries: 0 } });
  const r = await s.engine.invoke('incidents.trigger', { serviceId, title: 'existing' });
  if (r.status === 'suppressed') throw new Error('suppressed');
  incidentId = r.incident.id;
  // Let the immediate desktop notification finish so the snapshots below see a quiet database.
  await waitFor(() => s.engine.incidents.timeline(incidentId).some((e) => e.type === 'notify'), 'the first notification');
});
afterAll(() => s.close());

/** One bad input per route, the field it names and a piece of the rule's message. */
const badInputs: { [M in ApiMethod]: Array<[unknown, string, RegExp]> } = {
  'profile.get': [[{ extra: 1 }, '(input)', /Unrecognized key/]],
  'profile.update': [
    [{ name: 'A', email: 'not-an-email', phone: '', timeZone: 'UTC' }, 'email', /must be an email address/],
    [{ name: 'A', email: '', phone: '555-1234', timeZone: 'UTC' }, 'phone', /E\.164/],
    [{ name: 'A', email: '', phone: '', timeZone: 'Mars/Olympus' }, 'timeZone', /IANA time zone/],
  ],
  'contactMethods.list': [[{ x: true }, '(input)', /Unrecognized key/]],
  'contactMethods.create': [
    [{ type: 'sms', label: 'Phone', address: 'call me' }, 'address', /E\.164 form.*for a sms contact method/],
    [{ type: 'pager', label: 'Old', address: '1' }, 'type', /must be one of/],
    [{ type: 'email', label: '', address: 'a@b.co' }, 'label', /must not be empty/],
    [{ type: 'sms', label: 'Gateway', address: '+14155550100', secretRef: 'standby.ackSigningKey' }, 'secretRef', /Standby's own entries/],
  ],
  'contactMethods.update': [[{ id: 1, value: { type: 'webhook', label: 'Hook', address: 'ftp://x' } }, 'value.address', /http\(s\) URL/]],
  'contactMethods.delete': [[{ id: -1 }, 'id', /must be positive/], [{ id: 'one' }, 'id', /must be a number/]],
  'contactMethods.addPhone': [[{ phone: '555-1234' }, 'phone', /E\.164/], [{ phone: '+14155550123', sms: 'yes' }, 'sms', /true or false/]],
  'notificationRules.list': [[{ all: 1 }, '(input)', /Unrecognized key/]],
  'notificationRules.create': [
    [{ urgency: 'medium', startDelayMinutes: 0, contactMethodId: 1 }, 'urgency', /must be one of/],
    [{ urgency: 'high', startDelayMinutes: -5, contactMethodId: 1 }, 'startDelayMinutes', /must be 0 \(immediately\) or more/],
    [{ urgency: 'high', startDelayMinutes: 1.5, contactMethodId: 1 }, 'startDelayMinutes', /whole minutes/],
    [{ urgency: 'high', startDelayMinutes: 5, contactMethodId: 999 }, 'contactMethodId', /contact method 999 does not exist/],
  ],
  'notificationRules.update': [[{ id: 1 }, 'value', /is required/]],
  'notificationRules.delete': [[{}, 'id', /must be a number/]],
  'escalationPolicies.list': [[{ a: 1 }, '(input)', /Unrecognized key/]],
  'escalationPolicies.create': [
    [{ name: 'P', levels: [] }, 'levels', /at least one level/],
    [{ name: 'P', levels: [{ targets: [{ kind: 'me' }], delayMinutes: 0 }] }, 'levels.0.delayMinutes', /at least 1 minute/],
    [{ name: 'P', levels: [{ targets: [{ kind: 'me' }], delayMinutes: 5 }], repeatCount: 10 }, 'repeatCount', /at most 9 times/],
    [{ name: 'P', levels: [{ targets: [{ kind: 'contact', contactMethodId: 999 }], delayMinutes: 5 }] }, 'levels.0.targets.0.contactMethodId', /does not exist/],
    [{ name: 'Default', levels: [{ targets: [{ kind: 'me' }], delayMinutes: 5 }] }, 'name', /already exists/],
  ],
  'escalationPolicies.update': [[{ id: 1, value: { name: 'P', levels: [{ targets: [], delayMinutes: 5 }] } }, 'value.levels.0.targets', /at least one target/]],
  'escalationPolicies.delete': [[{ id: 0 }, 'id', /must be positive/]],
  'services.list': [[{ q: 1 }, '(input)', /Unrecognized key/]],
  'services.create': [
    [{ name: '', escalationPolicyId: 1 }, 'name', /must not be empty/],
    [{ name: 'S', escalationPolicyId: 999 }, 'escalationPolicyId', /escalation policy 999 does not exist/],
    [{ name: 'S', escalationPolicyId: 1, ackTimeoutMinutes: -1 }, 'ackTimeoutMinutes', /0 \(off\) or more/],
    [{ name: 'S', escalationPolicyId: 1, urgencyRule: { type: 'support_hours', supportHours: { days: [1], start: '9am', end: '17:00' } } }, 'urgencyRule.supportHours.start', /HH:MM/],
    [{ name: 'S', escalationPolicyId: 1, maintenanceWindows: [{ type: 'once', start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' }] }, 'maintenanceWindows.0.end', /must be after start/],
    [{ name: 'S', escalationPolicyId: 1, maintenanceWindows: [{ type: 'weekly', days: [7], start: '01:00', end: '02:00' }] }, 'maintenanceWindows.0.days.0', /0 \(Sunday\) to 6/],
  ],
  'services.update': [[{ id: 1, value: { name: 'S', escalationPolicyId: 1, enabled: 'yes' } }, 'value.enabled', /must be true or false/]],
  'services.delete': [[{ id: 1.5 }, 'id', /must be an integer/]],
  'incidents.list': [[{ status: ['open'] }, 'status.0', /must be one of/], [{ limit: 1000 }, 'limit', /1 to 500/]],
  'incidents.get': [[{ id: null }, 'id', /must be a number/]],
  'incidents.trigger': [
    [{ serviceId: 1, title: '' }, 'title', /must not be empty/],
    [{ serviceId: 1, title: 'x'.repeat(1025) }, 'title', /at most 1024/],
    [{ serviceId: 1, title: 'x', severity: 'fatal' }, 'severity', /must be one of/],
    [{ serviceId: 1, title: 'x', dedupKey: 'k'.repeat(256) }, 'dedupKey', /at most 255/],
  ],
  'incidents.acknowledge': [[{ id: '1' }, 'id', /must be a number/]],
  'incidents.resolve': [[{ id: true }, 'id', /must be a number/]],
  'incidents.snooze': [[{ id: 1, minutes: 0 }, 'minutes', /1 to 10080/]],
  'incidents.note': [[{ id: 1, text: '   ' }, 'text', /must not be empty/]],
  'incidents.escalate': [[{ id: 1, level: 0 }, 'level', /1 or more/]],
  'incidents.setUrgency': [[{ id: 1, urgency: 'urgent' }, 'urgency', /must be one of/]],
  'incidents.reassign': [[{ id: 1 }, 'contactMethodId', /must be a number/]],
  'analytics.summary': [[{ window: '1y' }, 'window', /Invalid/], [{ window: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 'window.to', /must be after from/]],
  'config.export': [[{ format: 'xml' }, 'format', /must be one of/]],
  'config.import': [[{ text: '' }, 'text', /must not be empty/], [{ text: 'version: 1\nprofile: { timeZone: Nowhere/Land }\n' }, 'profile', /./]],
  'config.preview': [[{ text: '' }, 'text', /must not be empty/], [{ text: 'version: 1\nprofile: { timeZone: Nowhere/Land }\n' }, 'profile', /./], [{ text: 'a: &a [*a]' }, '(file)', /nests deeper than 64 levels/]],
  'integrations.list': [[{ serviceId: 0 }, 'serviceId', /must be positive/]],
  'integrations.create': [
    [{ serviceId: 1, type: 'nagios', name: 'N' }, 'type', /must be one of/],
    [{ serviceId: 1, type: 'events_v2', name: 'E', groupBy: 'alert' }, 'groupBy', /alertmanager integrations only/],
    [{ serviceId: 1, type: 'events_v2', name: 'E', rateLimitPerMinute: -1 }, 'rateLimitPerMinute', /0 \(no limit\) to 100000/],
    [{ serviceId: 999, type: 'events_v2', name: 'E' }, 'serviceId', /service 999 does not exist/],
  ],
  'integrations.update': [[{ id: 1, value: { name: '' } }, 'value.name', /must not be empty/]],
  'integrations.rotate': [[{ id: 'x' }, 'id', /must be a number/]],
  'integrations.delete': [[{ id: 0 }, 'id', /must be positive/]],
  'changeEvents.list': [[{ limit: 0 }, 'limit', /1 to 500/]],
  'contactMethods.test': [[{ id: 0 }, 'id', /must be positive/]],
  'contactMethods.testAnswer': [[{ id: 'x' }, 'id', /number/]],
  'channels.get': [[{ kind: 'fax' }, 'kind', /must be one of/]],
  'channels.update': [
    [{ kind: 'sms', settings: { provider: 'webhook', url: 'ftp://gateway' } }, 'settings.url', /http\(s\) URL/],
    [{ kind: 'sms', settings: { provider: 'webhook', url: 'https://gateway.example/send?apikey=abc' } }, 'settings.url', /must not carry a credential/],
    [{ kind: 'twilio', settings: { accountSid: 'nope', from: '+14155550100' } }, 'settings.accountSid', /Account SID/],
    [{ kind: 'pushover', settings: { expireSeconds: 86400 } }, 'settings.expireSeconds', /at most 10800/],
    [{ kind: 'ack', settings: { enabled: true } }, 'settings.publicBaseUrl', /required when ack links are enabled/],
    [{ kind: 'webhook', settings: { template: '{"t": "{{nope}}"}' } }, 'settings.template', /not a known placeholder/],
    [{ kind: 'twilio', settings: { accountSid: `AC${'0'.repeat(32)}`, from: '+14155550100', authTokenRef: 'standby.ackSigningKey' } }, 'settings.authTokenRef', /Standby's own entries/],
  ],
  'secrets.set': [[{ ref: 'twilio.authToken', value: '' }, 'value', /must not be empty/], [{ ref: 'standby.ackSigningKey', value: 'x' }, 'ref', /must not name one of Standby's own entries/]],
  'secrets.delete': [[{ ref: 'has space' }, 'ref', /keychain entry name/]],
  'secrets.list': [[{ all: true }, '(input)', /Unrecognized key/]],
  'responders.status': [[{ channel: 'telegram' }, '(input)', /Unrecognized key/]],
  'pairing.start': [[{ code: '1234' }, '(input)', /Unrecognized key/]],
  'devices.list': [[{ all: true }, '(input)', /Unrecognized key/]],
  'devices.revoke': [[{ id: -1 }, 'id', /must be positive/]],
  'remote.status': [[{ box: 'x' }, '(input)', /Unrecognized key/]],
  'remote.pair': [
    [{ url: 'http://192.168.1.5:8730', code: '7KQM-3XPA', name: 'Laptop' }, 'url', /must start with https:\/\/: a box is reached over HTTPS/],
    [{ url: 'box', code: '7KQM-3XPA', name: 'Laptop' }, 'url', /must be an address such as https:\/\/192\.168\.1\.5:8730/],
    [{ url: 'https://192.168.1.5:8730', code: '', name: 'Laptop' }, 'code', /must be the code shown on the box/],
    [{ url: 'https://192.168.1.5:8730', code: '7KQM-3XPA', name: ' ' }, 'name', /must name this computer/],
  ],
  'remote.disconnect': [[{ now: true }, '(input)', /Unrecognized key/]],
  'contactMethods.setSecret': [[{ id: 1, value: '' }, 'value', /must not be empty/], [{ id: 0, value: 'x' }, 'id', /must be positive/]],
  'channels.setSecret': [[{ kind: 'sms', value: 'x' }, 'kind', /must be one of email, twilio/], [{ kind: 'twilio', value: '' }, 'value', /must not be empty/]],
  'secrets.rotate': [[{ ref: 'twilio.authToken' }, 'ref', /must be "standby\.ackSigningKey", the one key secrets\.rotate makes anew \(an integration key: integrations\.rotate/], [{}, 'ref', /must be "standby\.ackSigningKey"/]],
  'delivery.budget': [[{ day: 'today' }, '(input)', /Unrecognized key/]],
  'channels.problems': [[{ contactTypes: ['pager'] }, 'contactTypes.0', /must be one of/]],
  'monitors.types': [[{ kind: 'http' }, '(input)', /Unrecognized key/]],
  'monitors.list': [[{ serviceId: 0 }, 'serviceId', /must be positive/]],
  'monitors.rows': [[{ serviceId: 'x' }, 'serviceId', /must be a number/]],
  'monitors.get': [[{ id: 'a' }, 'id', /must be a number/]],
  'monitors.create': [
    [{ name: 'M', kind: 'http', serviceId: 1, config: { url: 'ftp://example.com' } }, 'config.url', /http\(s\) URL/],
    [{ name: 'M', kind: 'http', serviceId: 1, config: { url: 'https://example.com/health?access_token=abc' } }, 'config.url', /must not carry a credential in its query/],
    [{ name: 'M', kind: 'http', serviceId: 1, config: { url: 'https://example.com', headers: { Authorization: 'Bearer x' } } }, 'config.headers.Authorization', /must not carry a credential/],
    [{ name: 'M', kind: 'smtp', serviceId: 1 }, 'kind', /must be one of http, tcp/],
    [{ name: 'M', kind: 'tcp', serviceId: 999, config: { host: 'db', port: 5432 } }, 'serviceId', /service 999 does not exist/],
    [{ name: 'M', kind: 'tcp', serviceId: 1, config: { host: 'db', port: 70000 } }, 'config.port', /1 to 65535/],
    [{ name: 'M', kind: 'tcp', serviceId: 1, intervalSeconds: 5 }, 'intervalSeconds', /10 to 86400 seconds/],
    [{ name: 'M', kind: 'tcp', serviceId: 1, intervalSeconds: 10, timeoutSeconds: 20 }, 'timeoutSeconds', /at most the check interval \(10 s\)/],
    [{ name: 'M', kind: 'disk', serviceId: 1, config: { path: '/' } }, 'config.minFreePercent', /minFreePercent, minFreeMegabytes or both/],
    [{ name: 'M', kind: 'heartbeat', serviceId: 1, config: { periodSeconds: 30 } }, 'config.periodSeconds', /60 to 31536000 seconds/],
  ],
  'monitors.update': [[{ id: 1, value: { name: 'M', kind: 'tcp', serviceId: 1, retries: 11 } }, 'value.retries', /0 to 10/]],
  'monitors.delete': [[{ id: -3 }, 'id', /must be positive/]],
  'monitors.pause': [[{ id: 1, minutes: 0 }, 'minutes', /1 to 43200 minutes/]],
  'monitors.resume': [[{}, 'id', /must be a number/]],
  'monitors.rotatePingKey': [[{ id: 2.5 }, 'id', /must be an integer/]],
  'monitors.results': [[{ id: 1, limit: 0 }, 'limit', /1 to 1000/], [{ id: 1, before: 'yesterday' }, 'before', /ISO 8601/]],
  'monitors.uptime': [[{ id: null }, 'id', /must be a number/]],
  'monitors.uptimeAll': [[{ id: 1 }, '(input)', /Unrecognized key/]],
  'monitors.uptimeFractions': [[{ all: true }, '(input)', /Unrecognized key/]],
  'monitors.series': [[{ id: 1, window: '2y' }, 'window', /must be one of/]],
  'monitors.lastChecks': [[{ limit: 101 }, 'limit', /1 to 100/], [{ serviceId: 'one' }, 'serviceId', /must be a number/]],
  'monitoring.status': [[{ verbose: true }, '(input)', /Unrecognized key/]],
  'monitoring.pauseAll': [[{ minutes: 1.5 }, 'minutes', /whole minutes/]],
  'monitoring.resumeAll': [[{ now: 1 }, '(input)', /Unrecognized key/]],
  'monitoring.settings': [[{ x: 1 }, '(input)', /Unrecognized key/]],
  'monitoring.updateSettings': [[{ rawRetentionDays: 1 }, 'rawRetentionDays', /2 to 365 days/], [{ referenceTargets: [{ host: '1.1.1.1', port: 0 }] }, 'referenceTargets.0.port', /1 to 65535/]],
  'system.health': [[{ verbose: true }, '(input)', /Unrecognized key/]],
  'setup.get': [[{ step: 'profile' }, '(input)', /Unrecognized key/]],
  'setup.update': [[{ step: 'finish' }, 'step', /must be one of/], [{ status: 'later' }, 'status', /must be one of/]],
  'system.server': [[{ tls: true }, '(input)', /Unrecognized key/]],
  'system.info': [[{ port: 1 }, '(input)', /Unrecognized key/]],
  'system.setInboundPort': [[{ port: 80 }, 'port', /1024 to 65535 \(lower ports need administrator rights\)/], [{ port: 8730.5 }, 'port', /whole number/], [{ port: '8730' }, 'port', /whole number/], [{}, 'port', /whole number/]],
  'desktop.settings': [[{ startAtLogin: true }, '(input)', /Unrecognized key/]],
  'desktop.updateSettings': [
    [{ startAtLogin: 'yes' }, 'startAtLogin', /must be true or false/],
    [{ openAtLogin: true }, '(input)', /Unrecognized key/],
    [{ alarm: { sound: true, volume: 101, quietHours: null } }, 'alarm.volume', /must be 0 to 100/],
    [{ alarm: { sound: true, volume: 50, quietHours: { from: '22:00', to: '7:00' } } }, 'alarm.quietHours.to', /HH:MM/],
    [{ alarm: { sound: true, volume: 50, quietHours: { from: '22:00', to: '22:00' } } }, 'alarm.quietHours.to', /must differ from from/],
  ],
  'notifications.confirm': [[{ deliveryId: 'x' }, 'deliveryId', /must be the deliveryId of a notification.desktop event/], [{}, 'deliveryId', /must be the deliveryId/]],
  'notifications.confirmMany': [
    [{ deliveryIds: ['x'] }, 'deliveryIds.0', /must be the deliveryId of a notification.desktop event/],
    [{ deliveryIds: [] }, 'deliveryIds', /at least one deliveryId/],
    [{ deliveryIds: Array.from({ length: 501 }, () => '00000000-0000-4000-8000-000000000000') }, 'deliveryIds', /at most 500 deliveryIds/],
    [{ deliveryId: '00000000-0000-4000-8000-000000000000' }, 'deliveryIds', /list of deliveryIds/],
  ],
  'backups.list': [[{ all: true }, '(input)', /Unrecognized key/]],
  'backups.create': [[{ file: '/tmp/x.db' }, '(input)', /Unrecognized key/]],
};

describe('every route rejects bad input with 400 and changes nothing', () => {
  it('covers every method of the contract', () => {
    expect(Object.keys(badInputs).sort()).toEqual(Object.keys(apiSchemas).sort());
  });

  for (const [method, cases] of Object.entries(badInputs)) {
    it(method, async () => {
      const before = snapshot(s.engine.store.db);
      for (const [input, path, rule] of cases) {
        const r = await api(s.url, TOKEN, method, input);
        expect(r.status, `${method} ${JSON.stringify(input)}`).toBe(400);
        expect(r.body.error.code).toBe('invalid_input');
        expect(r.body.error.issues.some((i: { path: string }) => i.path.startsWith(path)), `${method}: issues ${JSON.stringify(r.body.error.issues)} should name ${path}`).toBe(true);
        expect(r.body.error.message).toMatch(rule);
      }
      for (const raw of ['{"unterminated": ', '[1,2]', '"a string"', '42']) {
        const r = await api(s.url, TOKEN, method, undefined, raw);
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/^body: must be (valid JSON|a JSON object)/);
      }
      expect(snapshot(s.engine.store.db)).toEqual(before);
    });
  }
});

describe('HTTP transport', () => {
  it('answers /healthz without a token: 200, with a fresh install’s warning that no page leaves this computer', async () => {
    const r = await fetch(`${s.url}/healthz`);
    const body = await r.json();
    expect([r.status, body.status, body.problems.map((p: { code: string; severity: string }) => `${p.code}:${p.severity}`)]).toEqual([200, 'ok', ['no_remote_contact:warning']]);
    expect((await api(s.url, TOKEN, 'system.health')).body).toEqual(body);
  });

  it('refuses API calls without the right token', async () => {
    const before = snapshot(s.engine.store.db);
    for (const token of [undefined, 'wrong', `${TOKEN}x`]) {
      const r = await api(s.url, token, 'incidents.resolve', { id: incidentId });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(/Authorization: Bearer/);
    }
    expect((await fetch(`${s.url}/api/events`)).status).toBe(401);
    expect(snapshot(s.engine.store.db)).toEqual(before);
  });

  it('answers 404 for an unknown method or id and 409 for an impossible transition', async () => {
    expect((await api(s.url, TOKEN, 'incidents.destroy', {})).status).toBe(404);
    expect((await api(s.url, TOKEN, '__proto__', {})).status).toBe(404);
    const missing = await api(s.url, TOKEN, 'incidents.get', { id: 424242 });
    expect([missing.status, missing.body.error.message]).toEqual([404, 'incident 424242 does not exist']);
    const snooze = await api(s.url, TOKEN, 'incidents.snooze', { id: incidentId, minutes: 5 });
    expect(snooze.status).toBe(409);
    const get = await fetch(`${s.url}/api/incidents.list`);
    expect(get.status).toBe(404);
  });

  it('refuses a body over the limit without reading it all', async () => {
    const r = await api(s.url, TOKEN, 'config.import', undefined, JSON.stringify({ text: 'x'.repeat(7 * 1024 * 1024) }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/body: must be at most/);
  });

  it('counts a body sent in chunks (no Content-Length) against the same limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"text":"'));
        if (sent++ < 7) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${s.url}/api/config.import`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(`body: must be at most ${6 * 1024 * 1024} bytes`);
    // The rest of the body was not read, so the connection cannot carry another request: it closes,
    // and the client's next request (below) goes on a new one instead of failing on this one.
    expect(res.headers.get('connection')).toBe('close');
    // Within the limit, a chunked body is read as a whole.
    const small = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":'));
        controller.enqueue(new TextEncoder().encode(`${incidentId}}`));
        controller.close();
      },
    });
    const got = await fetch(`${s.url}/api/incidents.get`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: small, duplex: 'half' } as RequestInit);
    expect([got.status, ((await got.json()) as { id: number }).id]).toEqual([200, incidentId]);
  });

  it('checks the API token before it reads a body: a large one from a stranger gets 401, not a word about its size', async () => {
    const r = await api(s.url, undefined, 'config.import', undefined, JSON.stringify({ text: 'x'.repeat(7 * 1024 * 1024) }));
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/missing or wrong API token/);
  });

  it('gives every answer its security headers: API answers and errors, the event stream, the Events API, unknown paths', async () => {
    const routingKey = (await s.engine.invoke('integrations.create', { serviceId, type: 'events_v2', name: 'Headers' })).key!;
    const controller = new AbortController();
    const answers = [
      await fetch(`${s.url}/api/profile.get`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' }),
      await fetch(`${s.url}/api/profile.get`, { method: 'POST', body: '{}' }),
      await fetch(`${s.url}/api/incidents.get`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"id":424242}' }),
      await fetch(`${s.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify({ routing_key: routingKey, event_action: 'trigger', payload: { summary: 'headers', source: 'test', severity: 'info' } }) }),
      await fetch(`${s.url}/healthz`),
      await fetch(`${s.url}/no/such/path`),
      await fetch(`${s.url}/api/events?token=${TOKEN}`, { signal: controller.signal }),
    ];
    try {
      expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 202, 200, 404, 200]);
      for (const r of answers) {
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      }
      // An answer's own headers still stand beside them.
      expect(answers[0]!.headers.get('content-type')).toMatch(/application\/json/);
      expect(answers[6]!.headers.get('content-type')).toMatch(/text\/event-stream/);
    } finally {
      controller.abort();
      for (const r of answers) await r.body?.cancel().catch(() => {});
    }
  });

  it('streams incident changes as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${s.url}/api/events?token=${TOKEN}`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/event: ready/);
    const ack = await api(s.url, TOKEN, 'incidents.acknowledge', { id: incidentId });
    expect(ack.status).toBe(200);
    await read(/event: incident\.changed\ndata: .*"status":"acknowledged"/);
    controller.abort();
  });

  it('a trigger through the API is committed when it is answered', async () => {
    const r = await api(s.url, TOKEN, 'incidents.trigger', { serviceId, title: 'via HTTP', dedupKey: 'http-1', details: { url: 'https://example.com' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('created');
    const row = s.engine.store.db.prepare('SELECT title, dedup_key FROM incidents WHERE id = ?').get(r.body.incident.id);
    expect(row).toEqual({ title: 'via HTTP', dedup_key: 'http-1' });
  });
});
