/**
 * Change events (`POST /v2/change/enqueue`, PagerDuty's send-change-events format): recorded on the
 * service and listed by `changeEvents.list`, never paging; bad ones answered 400 and not stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { api, snapshot } from '../../helpers/headless.ts';
import { post, startInbound, TOKEN, type InboundServer } from './inbound-helpers.ts';

let t: InboundServer;
beforeAll(async () => {
  t = await startInbound();
});
afterAll(() => t.s.close());

const change = (body: unknown) => post(t.url, '/v2/change/enqueue', body);

describe('change events', () => {
  it('are recorded on the service, announced, listed newest first, and page nobody', async () => {
    const events: ApiEvent[] = [];
    const off = t.s.engine.on((e) => events.push(e));
    const jobsBefore = t.s.engine.store.db.prepare('SELECT COUNT(*) AS n FROM jobs').get();
    const body = {
      routing_key: t.key,
      payload: {
        summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
        timestamp: '2020-07-17T08:42:58.315+0000',
        source: 'acme-build-pipeline-tool-default-i-9999',
        custom_details: { build_state: 'passed', build_number: '2', run_time: '1236s' },
      },
      links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
    };
    const r = await change(body);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: 'success', message: 'Change event processed' });
    expect((await change({ routing_key: t.key, payload: { summary: 'Deployed v2' } })).status).toBe(202);
    off();

    const list = await api(t.url, TOKEN, 'changeEvents.list', { serviceId: t.serviceId });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.changeEvents[0]).toMatchObject({ summary: 'Deployed v2', source: null, timestamp: null, customDetails: null, links: [] });
    expect(list.body.changeEvents[1]).toMatchObject({
      serviceId: t.serviceId,
      summary: body.payload.summary,
      source: body.payload.source,
      timestamp: '2020-07-17T08:42:58.315Z',
      receivedAt: '2026-03-02T12:00:00.000Z',
      customDetails: body.payload.custom_details,
      links: body.links,
    });
    expect(events.filter((e) => e.type === 'changeEvent.recorded')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'incident.changed')).toHaveLength(0);
    expect(t.s.engine.store.db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual(jobsBefore);
    expect((await api(t.url, TOKEN, 'changeEvents.list', { serviceId: 1 })).body).toEqual({ changeEvents: [], total: 0 });
    expect((await api(t.url, TOKEN, 'changeEvents.list', { limit: 1, offset: 1 })).body.changeEvents[0].summary).toBe(body.payload.summary);
  });

  it('a timestamp without an offset is read as UTC, whatever this computer\'s time zone', async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      for (const timestamp of ['2020-07-17T08:42:58', '2020-07-17 08:42:58.123456', '2020-07-17T08:42']) {
        expect((await change({ routing_key: t.key, payload: { summary: `At ${timestamp}`, timestamp } })).status).toBe(202);
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    const list = (await api(t.url, TOKEN, 'changeEvents.list', { serviceId: t.serviceId, limit: 3 })).body.changeEvents as Array<{ summary: string; timestamp: string }>;
    expect(list.map((e) => e.timestamp)).toEqual(['2020-07-17T08:42:00.000Z', '2020-07-17T08:42:58.123Z', '2020-07-17T08:42:58.000Z']);
  });

  it('bad change events are answered 400 and not stored', async () => {
    const before = snapshot(t.s.engine.store.db);
    const cases: Array<[unknown, RegExp]> = [
      [{ payload: { summary: 'x' } }, /'routing_key' is missing or blank/],
      [{ routing_key: 'f'.repeat(32), payload: { summary: 'x' } }, /'routing_key' is not the key of any integration/],
      [{ routing_key: t.amGroupKey, payload: { summary: 'x' } }, /belongs to an Alertmanager integration/],
      [{ routing_key: t.key }, /'payload' is missing or blank/],
      [{ routing_key: t.key, payload: { summary: '' } }, /'payload.summary' is missing or blank/],
      [{ routing_key: t.key, payload: { summary: 'x'.repeat(1025) } }, /'payload.summary' is too long/],
      [{ routing_key: t.key, payload: { summary: 'x', timestamp: 12 } }, /'payload.timestamp' must be a string/],
      [{ routing_key: t.key, payload: { summary: 'x' }, links: [{}] }, /'links\[0\].href' is missing or blank/],
    ];
    for (const [body, error] of cases) {
      const r = await change(body);
      expect(r.status).toBe(400);
      expect(r.body.errors.join('; ')).toMatch(error);
    }
    expect((await change('{')).body.status).toBe('Unrecognized object');
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
  });

  it('listing the change events of a missing service is a 404', async () => {
    expect((await api(t.url, TOKEN, 'changeEvents.list', { serviceId: 999 })).status).toBe(404);
  });
});
