/**
 * The responders' loop itself, with a scripted responder on fake time: failures back off, offline is a
 * quiet pause (not a growing backoff), and a wake (the network back, the computer awake) polls at once,
 * so answers given during an hour offline are read within seconds of coming back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { ReceiptRepo } from '../../../electron/engine/responders/receipts.ts';
import { OFFLINE_RETRY_MS, Responders, backoffMs, type Responder } from '../../../electron/engine/responders/responders.ts';
import { Store } from '../../../electron/engine/store/database.ts';

/** Scripted is a responder whose polls fail while `failing`, recording when each poll began. */
class Scripted implements Responder {
  readonly name = 'scripted';
  failing = true;
  readonly at: number[] = [];
  private readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }
  active(): boolean {
    return true;
  }
  async poll(): Promise<number> {
    this.at.push(this.clock.now());
    if (this.failing) throw new Error('getUpdates failed (ENETUNREACH)');
    return 10 * 60_000;
  }
}

const stores: Store[] = [];
const stoppers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
  for (const s of stores.splice(0)) s.close();
});

/** loop starts Responders over one scripted responder; `offline` is what the connectivity probe knows. */
function loop(state: { offline: boolean }) {
  const clock = new FakeClock('2026-03-02T03:00:00Z');
  const store = new Store(':memory:');
  stores.push(store);
  const logs: string[] = [];
  const r = new Scripted(clock);
  const responders = new Responders({ clock, receipts: new ReceiptRepo(store), log: (l) => logs.push(l), incident: () => undefined, closable: () => [], offline: () => state.offline }, [r]);
  responders.start();
  stoppers.push(() => responders.stop());
  const step = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      await new Promise((resolve) => setImmediate(resolve));
      await clock.advance(1000);
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, r, responders, logs, step };
}

describe('the responders loop', () => {
  it('backs off on failures while online: 1 s, 2 s, 4 s …', async () => {
    const l = loop({ offline: false });
    await l.step(16_000);
    const gaps = l.r.at.slice(1).map((t, i) => t - l.r.at[i]!);
    expect(gaps.slice(0, 4)).toEqual([backoffMs(1), backoffMs(2), backoffMs(3), backoffMs(4)]);
    expect(l.responders.status()[0]).toMatchObject({ state: 'failing', error: 'getUpdates failed (ENETUNREACH)' });
  });

  it('pauses quietly while offline, and reads again at once when the network is back after an hour', async () => {
    const state = { offline: true };
    const l = loop(state);
    await l.step(60 * 60_000);
    // One try a minute, however long: no backoff growing to 5 minutes, and one log line, not sixty.
    expect(l.r.at.length).toBeGreaterThanOrEqual(60);
    expect(l.r.at.length).toBeLessThanOrEqual(62);
    expect(l.responders.status()[0]).toMatchObject({ state: 'offline' });
    expect(l.logs.filter((x) => x.includes('paused while this computer is offline'))).toHaveLength(1);
    expect(l.logs.filter((x) => x.includes('reading answers failed'))).toHaveLength(0);

    state.offline = false;
    l.r.failing = false;
    const before = l.r.at.length;
    l.responders.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(l.r.at.length).toBe(before + 1);
    expect(l.r.at.at(-1)).toBe(l.clock.now());
    expect(l.responders.status()[0]).toMatchObject({ state: 'listening' });
    expect(l.logs.at(-1)).toBe('scripted: answers are read again');
    expect(OFFLINE_RETRY_MS).toBe(60_000);
  });

  it('a wake ends a long backoff, and the engine wakes its responders when the computer wakes', async () => {
    const clock = new FakeClock('2026-03-02T03:00:00Z');
    const r = new Scripted(clock);
    const engine = new Engine({ databasePath: ':memory:', keepBackups: 0, clock, channels: new ChannelRegistry(), responders: () => [r] });
    await engine.start();
    stoppers.push(() => engine.stop());
    // Ten failures: the next try is 5 minutes away.
    for (let i = 0; i < 10; i++) {
      await clock.advance(backoffMs(i + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(r.at.length).toBeGreaterThanOrEqual(10);
    r.failing = false;
    const before = r.at.length;
    engine.monitors.onSuspend();
    await clock.advance(1000);
    engine.monitors.onResume();
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.at.length).toBe(before + 1);
  });
});
