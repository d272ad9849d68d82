/**
 * The Alertmanager webhook (payload version 4, as notify/webhook/webhook.go sends it): firing alerts
 * open or update incidents, resolved ones resolve them, one incident per group or per alert; the key
 * as a Bearer token or in the path; a bad notification changes nothing, not even its good alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, snapshot } from '../../helpers/headless.ts';
import { incidentsOf, post, startInbound, TOKEN, type InboundServer } from './inbound-helpers.ts';

let t: InboundServer;
beforeAll(async () => {
  t = await startInbound();
});
afterAll(() => t.s.close());

const webhook = (key: string, body: unknown) => post(t.url, '/integrations/alertmanager', body, { authorization: `Bearer ${key}` });
const byKey = (dedupKey: string) => incidentsOf(t.s, t.serviceId).filter((i) => i.dedupKey === dedupKey);

function alert(name: string, instance: string, status: 'firing' | 'resolved', severity = 'critical') {
  return {
    status,
    labels: { alertname: name, instance, job: 'node', severity },
    annotations: { summary: `${name} on ${instance}`, description: 'Disk usage above 90%' },
    startsAt: '2026-03-02T11:55:00Z',
    endsAt: status === 'resolved' ? '2026-03-02T12:05:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus.example:9090/graph?g0.expr=${name}`,
    fingerprint: `fp-${name}-${instance}`,
  };
}

/** notification is an Alertmanager v4 webhook body. */
function notification(groupKey: string, alerts: ReturnType<typeof alert>[], common: Record<string, string> = {}) {
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'standby',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: { alertname: 'DiskFull', job: 'node', ...common },
    commonAnnotations: { description: 'Disk usage above 90%' },
    externalURL: 'http://alertmanager.example:9093',
    alerts,
  };
}

describe('grouped by alert group (groupKey)', () => {
  it('a firing group opens one incident, repeats add alerts, and a resolved group resolves it', async () => {
    const gk = '{}:{alertname="DiskFull"}';
    const firing = notification(gk, [alert('DiskFull', 'a:9100', 'firing', 'warning'), alert('DiskFull', 'b:9100', 'firing', 'critical')]);
    const r = await webhook(t.amGroupKey, firing);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'success', message: 'Alertmanager notification processed', dedup_keys: [gk] });
    const [inc] = byKey(gk);
    expect(inc).toMatchObject({ title: 'DiskFull: Disk usage above 90%', severity: 'critical', urgency: 'high', status: 'triggered' });
    expect(inc!.details).toMatchObject({
      source: 'node',
      num_firing: 2,
      num_resolved: 0,
      alertmanager: { receiver: 'standby', groupKey: gk, commonLabels: { alertname: 'DiskFull', job: 'node' } },
      links: [{ href: 'http://alertmanager.example:9093', text: 'Alertmanager' }, { href: expect.stringContaining('prometheus'), text: 'Source of DiskFull' }, expect.anything()],
      integration: { name: 'AM groups' },
    });
    expect((inc!.details.alerts as unknown[]).length).toBe(2);

    const partly = notification(gk, [alert('DiskFull', 'a:9100', 'resolved'), alert('DiskFull', 'b:9100', 'firing')]);
    expect((await webhook(t.amGroupKey, partly)).status).toBe(200);
    expect(byKey(gk)).toHaveLength(1);
    expect(byKey(gk)[0]).toMatchObject({ status: 'triggered', alertCount: 2 });

    const resolved = notification(gk, [alert('DiskFull', 'a:9100', 'resolved'), alert('DiskFull', 'b:9100', 'resolved')]);
    expect((await webhook(t.amGroupKey, resolved)).status).toBe(200);
    expect(byKey(gk)[0]).toMatchObject({ status: 'resolved', resolvedBy: 'api' });
    const last = t.s.engine.incidents.timeline(byKey(gk)[0]!.id).at(-1);
    expect(last).toMatchObject({ type: 'resolve', message: 'Resolved by Alertmanager (integration "AM groups")' });
  });

  it("two Alertmanagers with one configuration, through two integrations of the service: one's resolved group leaves the other's open", async () => {
    const staging = await api(t.url, TOKEN, 'integrations.create', { serviceId: t.serviceId, type: 'alertmanager', name: 'AM staging', rateLimitPerMinute: 0 });
    expect(staging.status).toBe(200);
    const gk = '{}:{alertname="HighLatency"}';
    const firing = notification(gk, [alert('HighLatency', 'api:9100', 'firing')]);
    expect((await webhook(t.amGroupKey, firing)).status).toBe(200);
    expect((await webhook(staging.body.key, firing)).status).toBe(200);
    expect(byKey(gk).map((i) => [i.status, (i.details.integration as { name: string }).name])).toEqual([['triggered', 'AM groups'], ['triggered', 'AM staging']]);
    expect((await webhook(staging.body.key, notification(gk, [alert('HighLatency', 'api:9100', 'resolved')]))).status).toBe(200);
    expect(byKey(gk).map((i) => i.status)).toEqual(['triggered', 'resolved']);
  });

  it('uses the common summary for the title and the highest severity of the firing alerts', async () => {
    const gk = '{}:{alertname="Latency"}';
    const n = notification(gk, [alert('Latency', 'a', 'firing', 'info'), alert('Latency', 'b', 'firing', 'WARNING')], { alertname: 'Latency' });
    n.commonAnnotations = { summary: 'p99 above 2 s' } as never;
    await webhook(t.amGroupKey, n);
    expect(byKey(gk)[0]).toMatchObject({ title: 'Latency: p99 above 2 s', severity: 'warning', urgency: 'low' });
  });

  it('a groupKey longer than a dedup key may be is hashed', async () => {
    const gk = `{}:{alertname="x", cluster="${'c'.repeat(300)}"}`;
    const r = await webhook(t.amGroupKey, notification(gk, [alert('X', 'a', 'firing')]));
    expect(r.body.dedup_keys[0]).toMatch(/^groupKey-sha256:[0-9a-f]{64}$/);
    expect(byKey(r.body.dedup_keys[0])).toHaveLength(1);
  });
});

describe('the webhook URL', () => {
  it('a trailing slash, with the key in the path or as a Bearer token, still reaches the route', async () => {
    const gk = '{}:{alertname="Slash"}';
    expect((await post(t.url, '/integrations/alertmanager/', notification(gk, [alert('Slash', 'a', 'firing')]), { authorization: `Bearer ${t.amGroupKey}` })).status).toBe(200);
    expect((await post(t.url, `/integrations/alertmanager/${t.amGroupKey}/`, notification(gk, [alert('Slash', 'b', 'firing')]))).status).toBe(200);
    expect(byKey(gk)[0]!.alertCount).toBe(2);
  });
});

describe('long titles', () => {
  it('are cut to 1,024 characters without splitting one in two', async () => {
    const gk = '{}:{alertname="Long"}';
    const body = notification(gk, [alert('Long', 'a', 'firing')]);
    body.commonAnnotations = { description: '🔥'.repeat(1100) } as typeof body.commonAnnotations;
    expect((await webhook(t.amGroupKey, body)).status).toBe(200);
    const title = byKey(gk)[0]!.title;
    expect(Array.from(title)).toHaveLength(1024);
    expect(title).toBe(`DiskFull: ${'🔥'.repeat(1024 - 3 - 'DiskFull: '.length)}...`);
  });
});

describe('grouped by alert (fingerprint)', () => {
  it('opens one incident per alert and resolves each as its alert resolves', async () => {
    const gk = '{}:{alertname="CPU"}';
    const r = await webhook(t.amAlertKey, notification(gk, [alert('CPU', 'a', 'firing'), alert('CPU', 'b', 'firing', 'info')]));
    expect(r.body.dedup_keys).toEqual(['fp-CPU-a', 'fp-CPU-b']);
    expect(byKey('fp-CPU-a')[0]).toMatchObject({ title: 'CPU: CPU on a', severity: 'critical', status: 'triggered' });
    expect(byKey('fp-CPU-a')[0]!.details).toMatchObject({ source: 'a', alert: { fingerprint: 'fp-CPU-a', labels: { instance: 'a' } } });
    expect(byKey('fp-CPU-b')[0]).toMatchObject({ severity: 'info', urgency: 'low' });

    await webhook(t.amAlertKey, notification(gk, [alert('CPU', 'a', 'resolved'), alert('CPU', 'b', 'firing', 'info')]));
    expect(byKey('fp-CPU-a')[0]!.status).toBe('resolved');
    expect(byKey('fp-CPU-b')[0]).toMatchObject({ status: 'triggered', alertCount: 2 });
  });

  it('keys an alert without a fingerprint by its labels', async () => {
    const a = { ...alert('Mem', 'z', 'firing'), fingerprint: undefined };
    const r = await webhook(t.amAlertKey, notification('{}:{alertname="Mem"}', [a as never]));
    expect(r.body.dedup_keys[0]).toMatch(/^labels:[0-9a-f]{64}$/);
    const again = await webhook(t.amAlertKey, notification('{}:{alertname="Mem"}', [a as never]));
    expect(again.body.dedup_keys).toEqual(r.body.dedup_keys);
    expect(byKey(r.body.dedup_keys[0])[0]!.alertCount).toBe(2);
  });
});

describe('keys', () => {
  it('accepts the key in the path', async () => {
    const r = await post(t.url, `/integrations/alertmanager/${t.amGroupKey}`, notification('{}:{path}', [alert('P', 'a', 'firing')]));
    expect(r.status).toBe(200);
    expect(byKey('{}:{path}')).toHaveLength(1);
  });

  it('refuses a missing, wrong or Events API v2 key with 401 and changes nothing', async () => {
    const before = snapshot(t.s.engine.store.db);
    const body = notification('{}:{nokey}', [alert('N', 'a', 'firing')]);
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer 0123456789abcdef0123456789abcdef' }, { authorization: `Basic ${t.amGroupKey}` }, { authorization: `Bearer ${t.key}` }];
    for (const headers of attempts) {
      const r = await post(t.url, '/integrations/alertmanager', body, headers);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(r.body.message).toMatch(/integration key|Alertmanager integration/);
    }
    expect((await post(t.url, `/integrations/alertmanager/${'f'.repeat(32)}`, body)).status).toBe(401);
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });
});

describe('bad notifications', () => {
  it('are answered 400, naming the field, and none of their alerts is applied', async () => {
    const good = alert('Good', 'a', 'firing');
    const cases: Array<[unknown, RegExp]> = [
      [{ ...notification('{}:{v}', [good]), version: '3' }, /'version' must be "4"/],
      [{ ...notification('{}:{v}', [good]), groupKey: undefined }, /'groupKey' is missing or blank/],
      [{ ...notification('{}:{v}', [good]), status: 'pending' }, /'status' must be "firing" or "resolved"/],
      [{ ...notification('{}:{v}', [good]), alerts: [] }, /'alerts' must not be empty/],
      [{ ...notification('{}:{v}', [good]), alerts: 'all' }, /'alerts' must be an array/],
      [notification('{}:{v}', [good, { ...good, status: 'pending' } as never]), /'alerts\[1\].status' must be "firing" or "resolved"/],
      [notification('{}:{v}', [good, { ...good, labels: { severity: 3 } } as never]), /'alerts\[1\].labels.severity' must be a string, not a number/],
      [notification('{}:{v}', [good, 'x' as never]), /'alerts\[1\]' must be an object/],
      [{ ...notification('{}:{v}', [good]), commonLabels: [] }, /'commonLabels' must be an object of strings/],
      [{ ...notification('{}:{v}', [good]), truncatedAlerts: -1 }, /'truncatedAlerts' must be a whole number/],
    ];
    const before = snapshot(t.s.engine.store.db);
    for (const [body, error] of cases) {
      for (const key of [t.amGroupKey, t.amAlertKey]) {
        const r = await webhook(key, body);
        expect(r.status, String(error)).toBe(400);
        expect(r.body).toMatchObject({ status: 'invalid payload', message: 'Alertmanager notification is invalid' });
        expect(r.body.errors.join('; ')).toMatch(error);
      }
    }
    for (const raw of ['{', '[]', 'true']) expect((await webhook(t.amGroupKey, raw)).body.status).toBe('Unrecognized object');
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('a throttled notification is answered 503 with Retry-After, which Alertmanager retries', async () => {
    const r = await api(t.url, TOKEN, 'integrations.create', { serviceId: t.serviceId, type: 'alertmanager', name: 'Slow AM', rateLimitPerMinute: 1 });
    const body = notification('{}:{slow}', [alert('S', 'a', 'firing')]);
    expect((await webhook(r.body.key, body)).status).toBe(200);
    const throttled = await webhook(r.body.key, body);
    expect(throttled.status).toBe(503);
    expect(throttled.headers.get('retry-after')).toBe('60');
    expect(throttled.body).toMatchObject({ status: 'throttle event', message: 'Request Limit Exceeded' });
  });
});
