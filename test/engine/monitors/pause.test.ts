/**
 * Pausing one monitor: a check that was in flight when the person paused it is not judged (no page for
 * a monitor they paused), and a heartbeat whose timed pause ends gets its grace time again, as when it
 * is resumed by hand: pings could not count while it was paused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receivePing } from '../../../electron/engine/monitors/heartbeat-routes.ts';
import { httpTarget, monitorTest, type HttpTarget, type MonitorTest } from './helpers.ts';

let m: MonitorTest;
let target: HttpTarget;

beforeEach(async () => {
  m = await monitorTest();
  target = await httpTarget();
});
afterEach(async () => {
  await m.close();
  await target.close();
});

describe('pausing one monitor', () => {
  it('a check in flight when the monitor is paused opens no incident', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 0 });
    await m.nextCheck(mon.id);
    // The site starts failing; its answer takes 2 s, and the person pauses the monitor meanwhile.
    target.status = 500;
    target.delayMs = 2000;
    const due = m.t.engine.monitors.scheduler.dueAt(mon.id) as number;
    const checking = m.t.clock.advance(due - m.t.clock.now());
    await expect.poll(() => m.t.engine.monitors.scheduler.isRunning(mon.id), { timeout: 10_000 }).toBe(true);
    await m.t.engine.invoke('monitors.pause', { id: mon.id });
    await checking;
    await m.t.engine.monitors.idle();
    await m.t.engine.lifecycle.idle();
    expect(target.hits).toBe(2);
    expect(await m.incidents()).toEqual([]);
    expect((await m.t.engine.invoke('monitors.get', { id: mon.id })).status).toBe('paused');
  });

  it('a heartbeat gets its grace time again when a timed pause ends', async () => {
    const hb = await m.create({ name: 'Backup', kind: 'heartbeat', config: { periodSeconds: 600, graceSeconds: 300 } });
    const key = hb.pingPath!.split('/').pop()!;
    expect(await receivePing(m.t.engine.monitors, key, undefined, m.t.clock.now())).toBe('ok');
    await m.t.engine.invoke('monitors.pause', { id: hb.id, minutes: 30 });
    // The ping due at minute 15 could not count; at minute 30 the pause ends and the job has 5 minutes to ping.
    await m.seconds(30 * 60 + 5);
    expect(await m.incidents()).toEqual([]);
    expect(await receivePing(m.t.engine.monitors, key, undefined, m.t.clock.now())).toBe('ok');
    await m.seconds(4 * 60);
    expect(await m.incidents()).toEqual([]);
    // Without pings it is late again after its period and grace.
    await m.seconds(20 * 60);
    expect((await m.incidents()).map((i) => i.title)).toEqual([expect.stringContaining('Backup')]);
  });
});
