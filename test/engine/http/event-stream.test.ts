/**
 * The event stream catches a client up: events carry ids, a client that reconnects with
 * Last-Event-ID (as EventSource does by itself) first gets what happened while it was away, and one
 * whose id is from another run of the server, or too old, is told to reload (`resync`).
 */
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { EventLog } from '../../../electron/engine/http/event-log.ts';
import { tempDir, waitFor } from '../../helpers/headless.ts';

const TOKEN = 'event-stream-test-token-0123456789-ABCDEFGH';

interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Stream is an open /api/events connection whose messages are parsed as they arrive. */
interface Stream {
  messages: SseMessage[];
  close(): void;
}

async function open(s: HeadlessServer, lastEventId?: string, query = ''): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${s.url}/api/events${query}`, { headers: { authorization: `Bearer ${TOKEN}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  expect(res.status).toBe(200);
  const messages: SseMessage[] = [];
  void (async () => {
    let buffered = '';
    try {
      for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const m: SseMessage = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) m.id = line.slice(4);
            else if (line.startsWith('event: ')) m.event = line.slice(7);
            else if (line.startsWith('data: ')) m.data += line.slice(6);
          }
          if (!block.startsWith(':')) messages.push(m);
        }
      }
    } catch {
      // closed by the test
    }
  })();
  await waitFor(() => messages.some((m) => m.event === 'ready'), 'the stream to open');
  return { messages, close: () => controller.abort() };
}

let s: HeadlessServer;
let serviceId: number;
beforeAll(async () => {
  s = await startHeadless({ dataDir: tempDir('standby-events-'), port: 0, host: '127.0.0.1', token: TOKEN, clock: new FakeClock('2026-03-02T12:00:00Z'), log: () => {} });
  serviceId = (await s.engine.invoke('services.list', {}))[0]!.id;
});
afterAll(() => s?.close());

const trigger = async (title: string) => {
  const r = await s.engine.invoke('incidents.trigger', { serviceId, title });
  if (r.status === 'suppressed') throw new Error(r.reason);
  return r.incident.id;
};
const titles = (messages: SseMessage[]) => messages.filter((m) => m.event === 'incident.changed').map((m) => (JSON.parse(m.data) as { incident: { title: string } }).incident.title);

describe('the event stream', () => {
  it('numbers events, and a client that reconnects with Last-Event-ID gets what it missed, once, then the live ones', async () => {
    const first = await open(s);
    await trigger('Before the cut');
    await waitFor(() => titles(first.messages).includes('Before the cut'), 'the live event');
    const lastId = first.messages.filter((m) => m.id).at(-1)!.id!;
    expect(lastId).toMatch(/^[0-9a-f]{8}-\d+$/);
    first.close();

    await trigger('During the cut 1');
    await trigger('During the cut 2');
    const again = await open(s, lastId);
    await waitFor(() => titles(again.messages).includes('During the cut 2'), 'the missed events');
    expect(titles(again.messages)).not.toContain('Before the cut');
    await trigger('After the cut');
    await waitFor(() => titles(again.messages).includes('After the cut'), 'the live event after the catch-up');
    expect(titles(again.messages).filter((t) => t === 'During the cut 1')).toHaveLength(1);
    expect(again.messages.some((m) => m.event === 'resync')).toBe(false);
    // Ids only grow.
    const ns = again.messages.filter((m) => m.id).map((m) => Number(m.id!.split('-')[1]));
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    again.close();
  });

  it('tells a client whose last id is from another run of the server to reload', async () => {
    const stale = await open(s, '00000000-12');
    await waitFor(() => stale.messages.some((m) => m.event === 'resync'), 'the resync event');
    expect(JSON.parse(stale.messages.find((m) => m.event === 'resync')!.data).reason).toMatch(/load everything again/);
    stale.close();
  });
});

describe('a stream waiting for events', () => {
  it('holds one keep-alive timer at a time, however many events wake it', async () => {
    // The timers of the stream's waits (15 s keep-alive) that are still pending: not cleared, not run out.
    const pending = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const setSpy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const t = realSet(() => {
        pending.delete(t);
        fn();
      }, ms);
      if (ms === 15_000) pending.add(t);
      return t;
    }) as typeof setTimeout);
    const clearSpy = vi.spyOn(globalThis, 'clearTimeout').mockImplementation((t) => {
      pending.delete(t);
      realClear(t);
    });
    try {
      const stream = await open(s);
      for (let i = 0; i < 40; i++) {
        await trigger(`Wake ${i}`);
        await waitFor(() => titles(stream.messages).includes(`Wake ${i}`), `the event of incident "Wake ${i}"`);
      }
      // Each event woke the stream from a wait; each wait's timer went with it (40 would be left otherwise).
      expect(pending.size).toBeLessThanOrEqual(1);
      stream.close();
      await waitFor(() => pending.size === 0, 'the closed stream to drop its keep-alive timer');
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });
});

describe('a busy stream', () => {
  it('sends the events of one turn in one write, in order, each whole', async () => {
    const stream = await open(s);
    // The writes to sockets that carry these events (the server's side of the stream).
    const writes: number[] = [];
    const realWrite = Socket.prototype.write;
    const spy = vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: Parameters<Socket['write']>) {
      const chunk = args[0];
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
      const n = text.split('event: monitor.deleted').length - 1;
      if (n > 0) writes.push(n);
      return realWrite.apply(this, args);
    } as typeof realWrite);
    try {
      // 300 events in one turn (what a commit that answered many events, or a burst of pages, emits).
      for (let i = 1; i <= 300; i++) s.engine.publish({ type: 'monitor.deleted', data: { id: i } });
      await waitFor(() => stream.messages.filter((m) => m.event === 'monitor.deleted').length === 300, 'the 300 events');
    } finally {
      spy.mockRestore();
    }
    const got = stream.messages.filter((m) => m.event === 'monitor.deleted');
    expect(got.map((m) => (JSON.parse(m.data) as { id: number }).id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(got.every((m) => /^[0-9a-f]{8}-\d+$/.test(m.id ?? ''))).toBe(true);
    // One write per event before; now the turn's events share one (a first event may go alone while the stream was not waiting).
    expect(writes.reduce((a, b) => a + b, 0)).toBe(300);
    expect(writes.length).toBeLessThanOrEqual(3);
    stream.close();
  });
});

describe('check results on the event stream', () => {
  it('go only to a stream that asked (checks=1), without an id, and are never replayed to a reconnecting client', async () => {
    const hb = await s.engine.invoke('monitors.create', { name: 'Nightly backup', kind: 'heartbeat', serviceId, config: { periodSeconds: 86_400 } });
    const live = await open(s, undefined, '?checks=1');
    const plain = await open(s);
    expect(s.engine.monitors.feed.watching).toBe(true);
    const ping = await fetch(`${s.url}${hb.pingPath!}`);
    expect(ping.status).toBe(200);
    await waitFor(() => live.messages.some((m) => m.event === 'monitor.checks'), 'the check on the stream that asked');
    const sent = live.messages.find((m) => m.event === 'monitor.checks')!;
    expect(sent.id).toBeUndefined();
    const data = JSON.parse(sent.data) as { monitors: Array<{ monitorId: number; checks: Array<{ status: string }> }> };
    expect(data.monitors).toEqual([{ monitorId: hb.id, checks: [expect.objectContaining({ status: 'up' })] }]);
    // The monitor's change (pending to up) is numbered as usual; the stream that did not ask has it, and no check.
    await waitFor(() => plain.messages.some((m) => m.event === 'monitor.changed'), 'the monitor change');
    expect(plain.messages.some((m) => m.event === 'monitor.checks')).toBe(false);
    const lastId = plain.messages.filter((m) => m.id).at(-1)!.id!;
    const before = lastId.split('-')[1]!;
    live.close();
    plain.close();
    await waitFor(() => !s.engine.monitors.feed.watching, 'the engine to stop gathering checks');

    const again = await open(s, `${lastId.split('-')[0]!}-${Number(before) - 1}`, '?checks=1');
    await waitFor(() => again.messages.some((m) => m.id === lastId), 'the replay of the last numbered event');
    expect(again.messages.some((m) => m.event === 'monitor.checks')).toBe(false);
    again.close();
  });
});

describe('the event log', () => {
  it('keeps the newest events and says when a client asks for more than it kept', () => {
    const log = new EventLog(3);
    const ids = [1, 2, 3, 4, 5].map(() => log.add({ type: 'health.changed', data: {} as never }).id);
    expect(log.since(ids[1]).events.map((e) => e.n)).toEqual([3, 4, 5]);
    expect(log.since(ids[4])).toEqual({ events: [], complete: true });
    expect(log.since(ids[0]).complete).toBe(false);
    expect(log.since(`${log.boot}-99`).complete).toBe(false);
    expect(log.since('not-an-id').complete).toBe(false);
    expect(log.since(undefined)).toEqual({ events: [], complete: true });
  });
});
