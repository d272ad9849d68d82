/**
 * An event is answered 202, announced to the UI, and paged only once the disk has it: the group
 * commit no longer waits for the write-ahead log's flush inside COMMIT (WalFlusher), so these hold
 * that flush and look at what has happened before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { waitFor } from '../../helpers/headless.ts';
import { heldSync } from '../../helpers/held-sync.ts';
import { incidentsOf, post, startInbound, type InboundServer } from './inbound-helpers.ts';

const held = heldSync();
let t: InboundServer;
const heard: ApiEvent[] = [];
beforeAll(async () => {
  held.passThrough();
  t = await startInbound({ walSync: held.sync });
  t.s.engine.on((e) => heard.push(e));
});
afterAll(async () => {
  held.passThrough();
  held.release();
  await t.s.close();
});

/** quietly is how long a test watches for something that must not happen before the flush. */
const QUIET_MS = 100;

describe('what waits for the write-ahead log flush', () => {
  it('a trigger is answered 202, and the UI hears of its incident, only after the flush', async () => {
    held.hold();
    let answered = false;
    const answer = post(t.url, '/v2/enqueue', { routing_key: t.key, event_action: 'trigger', dedup_key: 'disk/flush', payload: { summary: 'Flush me', source: 'db1', severity: 'critical' } }).then((a) => {
      answered = true;
      return a;
    });
    await waitFor(() => held.waiting.length === 1, 'the group commit to flush the log');
    // Committed (a read sees it), not yet on disk: no answer, no event.
    expect(incidentsOf(t.s, t.serviceId).map((i) => i.dedupKey)).toContain('disk/flush');
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(answered).toBe(false);
    expect(heard.filter((e) => e.type === 'incident.changed')).toEqual([]);
    held.release();
    const a = await answer;
    expect(a.status).toBe(202);
    expect(a.body.dedup_key).toBe('disk/flush');
    expect(heard.filter((e) => e.type === 'incident.changed').map((e) => (e.data as { incident: { dedupKey: string } }).incident.dedupKey)).toEqual(['disk/flush']);
  });

  it('a page is sent only once its claim is on disk', async () => {
    const relay = t.s.engine.desktopRelay!;
    const detach = relay.attach();
    // A connected UI: it confirms each notification it shows, as the web UI does.
    const off = t.s.engine.on((e) => {
      if (e.type === 'notification.desktop') setImmediate(() => relay.confirm((e.data as { deliveryId: string }).deliveryId));
    });
    try {
      held.passThrough();
      const r = await post(t.url, '/v2/enqueue', { routing_key: t.key, event_action: 'trigger', dedup_key: 'disk/page', payload: { summary: 'Page me', source: 'db1', severity: 'critical' } });
      expect(r.status).toBe(202);
      held.hold();
      // The fake clock holds the job runner until moved: now it looks, claims the desktop page through the group commit, and waits.
      const moved = t.clock.advance(0);
      await waitFor(() => held.waiting.length === 1, 'the claim to flush the log');
      const incident = incidentsOf(t.s, t.serviceId).find((i) => i.dedupKey === 'disk/page')!;
      const claimed = t.s.engine.store.db.prepare("SELECT incident_id AS id FROM delivery_attempts WHERE outcome = 'sending'").all() as Array<{ id: number }>;
      expect(claimed.map((c) => c.id)).toContain(incident.id);
      await new Promise((r) => setTimeout(r, QUIET_MS));
      expect(heard.filter((e) => e.type === 'notification.desktop')).toEqual([]);
      held.passThrough();
      held.release();
      // Both incidents' pages were claimed together; each goes out once the claim is on disk.
      const shown = () => heard.filter((e) => e.type === 'notification.desktop').map((e) => (e.data as { incidentId: number }).incidentId);
      await waitFor(() => shown().includes(incident.id), 'the desktop notification');
      await moved;
    } finally {
      off();
      detach();
    }
  });
});
