/**
 * "Delivered" means someone could see it. Headless, the desktop is the connected UIs: with none
 * connected the desktop page fails ("no desktop is connected") and waits for one, while the next rule,
 * a real loopback webhook, is paged on time; a UI that connects within the retry window gets the page
 * at once, and past the window the page fails for good. An event stream that never confirms is not a
 * desktop either; with a real Chromium tab open on the dashboard the page is delivered, because the
 * tab confirmed it, and a page that waited for the tab goes out when it opens. A UI confirms the
 * pages it showed together in one call: each named page counts once, the others not.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../electron/shared/schemas.ts';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { NO_DESKTOP_CONNECTED } from '../../../electron/engine/notify/desktop-relay.ts';
import { hasChromium, openUiSession, uiSuiteName, type UiSession } from '../../helpers/browser.ts';
import { api, tempDir, waitFor } from '../../helpers/headless.ts';

const TOKEN = 'desktop-delivery-token-0123456789';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** receiver is a loopback webhook that records each page's title and the (fake) time it arrived. */
async function receiver(now: () => number): Promise<{ url: string; received: Array<{ at: number; title: string }> }> {
  const received: Array<{ at: number; title: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ at: now(), title: (JSON.parse(body) as { incident: { title: string } }).incident.title });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received };
}

async function desktopThenWebhook(s: HeadlessServer, hookUrl: string): Promise<void> {
  const desktop = (await s.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'desktop')!;
  const hook = await s.engine.invoke('contactMethods.create', { type: 'webhook', label: 'Pager hook', address: hookUrl });
  for (const r of await s.engine.invoke('notificationRules.list', {})) await s.engine.invoke('notificationRules.delete', { id: r.id });
  await s.engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: desktop.id });
  await s.engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 1, contactMethodId: hook.id });
}

function notifies(s: HeadlessServer, id: number): LogEntry[] {
  return s.engine.incidents.timeline(id).filter((e) => e.type === 'notify');
}

async function trigger(s: HeadlessServer, title: string): Promise<number> {
  const r = await s.engine.invoke('incidents.trigger', { serviceId: 1, title, severity: 'critical' });
  if (r.status === 'suppressed') throw new Error(r.reason);
  return r.incident.id;
}

describe('headless desktop delivery', () => {
  it('fails with no UI connected and waits for one, the next rule (a loopback webhook) is paged on time, and the page gives up when the retry window ends', async () => {
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const hook = await receiver(() => clock.now());
    const logs: string[] = [];
    const s = await startHeadless({ dataDir: tempDir('standby-desktop-'), port: 0, host: '127.0.0.1', token: TOKEN, clock, log: (l) => logs.push(l) });
    cleanup.push(() => s.close());
    await desktopThenWebhook(s, hook.url);
    const t0 = clock.now();
    const id = await trigger(s, 'Nobody is watching');
    await clock.advance(0);
    await s.engine.lifecycle.idle();
    expect(notifies(s, id).map((e) => [e.data.contactType, e.data.outcome, e.data.error])).toEqual([['desktop', 'waiting', NO_DESKTOP_CONNECTED]]);
    // It waits for a UI to connect, not for a retry on a schedule: until the 15-minute retry window ends.
    expect(notifies(s, id)[0]!.message).toBe(`Notifying desktop "This computer" waits (attempt 1): ${NO_DESKTOP_CONNECTED}; it goes out when one connects, for up to 15 min`);
    expect(notifies(s, id)[0]!.data.retryAt).toBe(new Date(t0 + 15 * 60_000).toISOString());

    await clock.advance(59_000);
    await s.engine.lifecycle.idle();
    expect(hook.received).toEqual([]);
    await clock.advance(1_000);
    await waitFor(() => hook.received.length === 1, 'the webhook page at minute 1');
    await s.engine.lifecycle.idle();
    expect(hook.received).toEqual([{ at: t0 + 60_000, title: 'Nobody is watching' }]);
    await clock.advance(20 * 60_000);
    await s.engine.lifecycle.idle();
    const outcomes = notifies(s, id).map((e) => `${e.data.contactType}:${e.data.outcome}`);
    expect(outcomes).toContain('webhook:delivered');
    expect(outcomes).not.toContain('desktop:delivered');
    // Two attempts in all: the first, and the one at the window's end that found no UI either.
    expect(outcomes).toEqual(['desktop:waiting', 'webhook:delivered', 'desktop:failed']);
    expect(notifies(s, id).at(-1)!.message).toMatch(/^Notifying desktop "This computer" failed: no desktop is connected .*\(gave up after 2 attempts: the next one would fall after the 15-minute retry window\)$/);
    expect(notifies(s, id).at(-1)!.at).toBe(new Date(t0 + 15 * 60_000).toISOString());
    // The fresh install warned at start that no page leaves this computer; the webhook rule solved that.
    expect(logs.filter((l) => /Pages reach only this computer/.test(l)).map((l) => l.split(':')[0])).toEqual(['warning', 'solved']);
  });

  it('sends a waiting page as soon as a UI connects; a later rule\'s page keeps its delay', async () => {
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const s = await startHeadless({ dataDir: tempDir('standby-desktop-'), port: 0, host: '127.0.0.1', token: TOKEN, clock, log: () => {} });
    cleanup.push(() => s.close());
    const desktop = (await s.engine.invoke('contactMethods.list', {})).find((c) => c.type === 'desktop')!;
    for (const r of await s.engine.invoke('notificationRules.list', {})) await s.engine.invoke('notificationRules.delete', { id: r.id });
    await s.engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: desktop.id });
    await s.engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: desktop.id });
    const t0 = clock.now();
    const id = await trigger(s, 'Paged while the laptop slept');
    await clock.advance(0);
    await s.engine.lifecycle.idle();
    expect(notifies(s, id).map((e) => e.data.outcome)).toEqual(['waiting']);
    await clock.advance(3 * 60_000);
    await s.engine.lifecycle.idle();
    expect(notifies(s, id)).toHaveLength(1);

    // The laptop wakes and its UI connects at minute 3: the waiting page goes out on its stream at once.
    const stream = new AbortController();
    const res = await fetch(`${s.url}/api/events?token=${TOKEN}`, { signal: stream.signal });
    cleanup.push(() => stream.abort());
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await waitFor(() => s.engine.desktopRelay?.connected() === 1, 'the stream to attach');
    // The job runner's timer, armed for now, runs on the fake clock; its run lasts until the page is confirmed.
    const run = clock.advance(0);
    let text = '';
    let shown: { incidentId: number; deliveryId: string } | undefined;
    while (!shown) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before the page was shown:\n${text}`);
      text += value;
      const m = /event: notification\.desktop\ndata: (.*)\n/.exec(text);
      if (m) shown = JSON.parse(m[1]!) as { incidentId: number; deliveryId: string };
    }
    expect(shown.incidentId).toBe(id);
    expect((await api(s.url, TOKEN, 'notifications.confirm', { deliveryId: shown.deliveryId })).body).toEqual({ confirmed: true });
    await run;
    await waitFor(() => notifies(s, id).length === 2, 'the delivered outcome');
    expect(notifies(s, id)[1]).toMatchObject({ message: 'Notified desktop "This computer": delivered on attempt 2', at: new Date(t0 + 3 * 60_000).toISOString() });
    // The second rule's page was never tried: connecting did not bring it forward.
    const pending = s.engine.store.prepare("SELECT due_at FROM jobs WHERE incident_id = ? AND kind = 'notify' AND state = 'pending'").all(id);
    expect(pending).toEqual([{ due_at: t0 + 5 * 60_000 }]);
    stream.abort();
    await waitFor(() => s.engine.desktopRelay?.connected() === 0, 'the stream to detach');
  });

  it('does not count an event stream that never confirms as a desktop', async () => {
    const s = await startHeadless({ dataDir: tempDir('standby-desktop-'), port: 0, host: '127.0.0.1', token: TOKEN, log: () => {} });
    cleanup.push(() => s.close());
    await s.engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: 2, retries: 0 } });
    const stream = new AbortController();
    const res = await fetch(`${s.url}/api/events?token=${TOKEN}`, { signal: stream.signal });
    cleanup.push(() => stream.abort());
    expect(res.status).toBe(200);
    await waitFor(() => s.engine.desktopRelay?.connected() === 1, 'the stream to attach');
    const id = await trigger(s, 'A listener that is not a person');
    await waitFor(() => notifies(s, id).length === 1, 'the desktop outcome');
    expect(notifies(s, id)[0]!.data).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^no connected desktop confirmed the notification within 1\.5 s \(1 connected\)$/) });
    stream.abort();
    await waitFor(() => s.engine.desktopRelay?.connected() === 0, 'the stream to detach');
  });
});

describe('confirming pages in one call', () => {
  it('counts each page it names as delivered, only those, and only once', async () => {
    const s = await startHeadless({ dataDir: tempDir('standby-desktop-'), port: 0, host: '127.0.0.1', token: TOKEN, log: () => {} });
    cleanup.push(() => s.close());
    const stream = new AbortController();
    const res = await fetch(`${s.url}/api/events?token=${TOKEN}`, { signal: stream.signal });
    cleanup.push(() => stream.abort());
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await waitFor(() => s.engine.desktopRelay?.connected() === 1, 'the stream to attach');
    const ids = [await trigger(s, 'First'), await trigger(s, 'Second'), await trigger(s, 'Third')];
    let text = '';
    const deliveryIds = new Map<number, string>();
    while (deliveryIds.size < 3) {
      const { value } = await reader.read();
      text += value ?? '';
      for (const m of text.matchAll(/event: notification\.desktop\ndata: (.*)\n/g)) {
        const n = JSON.parse(m[1]!) as { incidentId: number; deliveryId: string };
        deliveryIds.set(n.incidentId, n.deliveryId);
      }
    }
    // Shown but not yet confirmed: nothing is delivered.
    expect(ids.map((id) => notifies(s, id).length)).toEqual([0, 0, 0]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const first = await api(s.url, TOKEN, 'notifications.confirmMany', { deliveryIds: [deliveryIds.get(ids[0]!)!, unknown, deliveryIds.get(ids[2]!)!] });
    expect(first).toEqual({ status: 200, body: { confirmed: [deliveryIds.get(ids[0]!), deliveryIds.get(ids[2]!)] } });
    await waitFor(() => notifies(s, ids[0]!).length === 1 && notifies(s, ids[2]!).length === 1, 'the two outcomes');
    expect([ids[0]!, ids[2]!].map((id) => notifies(s, id)[0]!.data.outcome)).toEqual(['delivered', 'delivered']);
    expect(notifies(s, ids[1]!)).toEqual([]);
    // A second confirmation of the same pages counts for nothing; the page not named is still waiting.
    const again = await api(s.url, TOKEN, 'notifications.confirmMany', { deliveryIds: [deliveryIds.get(ids[0]!)!, deliveryIds.get(ids[1]!)!] });
    expect(again.body).toEqual({ confirmed: [deliveryIds.get(ids[1]!)] });
    await waitFor(() => notifies(s, ids[1]!).length === 1, 'the third outcome');
    expect(notifies(s, ids[1]!)[0]!.data.outcome).toBe('delivered');
    expect(notifies(s, ids[0]!)).toHaveLength(1);
  });
});

describe.skipIf(!hasChromium)(uiSuiteName('headless desktop delivery with a browser tab open'), () => {
  it('is delivered when a Chromium tab shows the banner and confirms it, and a page that waited for a tab goes out when one opens', async () => {
    const session: UiSession = await openUiSession({ token: TOKEN, prefix: 'standby-desktop-ui-', viewport: { width: 1100, height: 800 } });
    cleanup.push(() => session.close());
    const { server, page } = session;
    // Paged before any tab is open: it waits for one.
    const early = await trigger(server, 'Paged before the tab opened');
    await waitFor(() => notifies(server, early).length === 1, 'the waiting outcome');
    expect(notifies(server, early)[0]!.data.outcome).toBe('waiting');
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await waitFor(() => server.engine.desktopRelay?.connected() === 1, 'the tab to attach');
    // The tab that opens shows it, and confirms it.
    await page.getByTestId('notification-banner').filter({ hasText: 'Paged before the tab opened' }).waitFor();
    await waitFor(() => notifies(server, early).length === 2, 'the delivered outcome');
    expect(notifies(server, early)[1]!.message).toBe('Notified desktop "This computer": delivered on attempt 2');
    // The fresh install pages only this computer, and says so on every page.
    expect(await page.getByTestId('health-banner').getAttribute('data-code')).toBe('no_remote_contact');
    const id = await trigger(server, 'Seen in the browser');
    await page.getByTestId('notification-banner').filter({ hasText: 'Seen in the browser' }).waitFor();
    await waitFor(() => notifies(server, id).length === 1, 'the desktop outcome');
    expect(notifies(server, id).map((e) => [e.data.contactType, e.data.outcome, e.message])).toEqual([['desktop', 'delivered', 'Notified desktop "This computer": delivered']]);
    expect(session.problems).toEqual([]);
  });
});
