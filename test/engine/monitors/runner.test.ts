/**
 * The monitor runner on fake time against real loopback servers: retries before down, recovery
 * confirmation, incidents opened and resolved by the monitor, flapping paging once, "is it me?"
 * offline detection opening nothing, a sleep gap that never counts as downtime, pausing (a check in
 * flight when paused is not judged; a heartbeat gets its grace again when a timed pause ends), and
 * checks due within 25 ms sharing one wake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../../electron/shared/api.ts';
import { receivePing } from '../../../electron/engine/monitors/heartbeat-routes.ts';
import { spreadOffset } from '../../../electron/engine/monitors/runner.ts';
import { closedPort, httpTarget, monitorTest, tcpListener, type HttpTarget, type MonitorTest } from './helpers.ts';

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

const statusOf = async (id: number) => (await m.t.engine.invoke('monitors.get', { id })).status;

describe('confirmation', () => {
  it('re-checks a failure `retries` times before down, opens one incident, and needs N good checks to resolve it', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, intervalSeconds: 60, retries: 2, retryIntervalSeconds: 20, recoveryChecks: 2 });
    await m.nextCheck(mon.id);
    expect(target.hits).toBe(1);
    expect(await statusOf(mon.id)).toBe('up');

    target.status = 503;
    const failedAt = m.t.clock.now() + 60_000;
    await m.nextCheck(mon.id);
    expect(m.t.clock.now()).toBe(failedAt);
    let view = await m.t.engine.invoke('monitors.get', { id: mon.id });
    expect([view.status, view.confirming]).toEqual(['up', true]);
    await m.nextCheck(mon.id);
    expect(m.t.clock.now()).toBe(failedAt + 20_000);
    expect(await m.incidents()).toEqual([]);
    await m.nextCheck(mon.id);
    expect([target.hits, m.t.clock.now()]).toEqual([4, failedAt + 40_000]);
    expect(await statusOf(mon.id)).toBe('down');
    const [incident] = await m.incidents();
    expect(incident).toMatchObject({ status: 'triggered', dedupKey: `monitor:${mon.id}` });
    expect(incident!.title).toMatch(/^Blog is down: HTTP 503 \(expected 200-299\)/);

    const full = await m.t.engine.invoke('incidents.get', { id: incident!.id });
    expect(full.details).toMatchObject({ monitor: 'Blog', kind: 'http', target: target.url, check: { status: 'down', statusCode: 503 } });
    expect(full.timeline.find((e) => e.type === 'annotate')!.message).toMatch(/Check failed at .*HTTP 503.*Timings: .*total/);
    expect(m.t.sent.filter((x) => x.type === 'desktop').length).toBe(1);

    // Still failing: no second incident, no second page.
    await m.seconds(120);
    expect(target.hits).toBe(6);
    expect((await m.incidents()).length).toBe(1);
    expect(m.t.sent.filter((x) => x.type === 'desktop').length).toBe(1);

    target.status = 200;
    await m.nextCheck(mon.id);
    view = await m.t.engine.invoke('monitors.get', { id: mon.id });
    expect([view.status, view.confirming]).toEqual(['down', true]);
    expect((await m.incidents())[0]!.status).toBe('triggered');
    await m.nextCheck(mon.id);
    expect(await statusOf(mon.id)).toBe('up');
    const resolved = await m.t.engine.invoke('incidents.get', { id: incident!.id });
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedBy).toBe('monitor');
    expect(resolved.timeline.at(-1)!.message).toMatch(/Resolved by the monitor: Blog recovered \(HTTP 200/);
  });

  it('leaves the incident to the person when resolveOnRecovery is off', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 0, resolveOnRecovery: false });
    target.status = 500;
    await m.seconds(60);
    expect(await statusOf(mon.id)).toBe('down');
    target.status = 200;
    await m.seconds(60);
    expect(await statusOf(mon.id)).toBe('up');
    expect((await m.incidents())[0]!.status).toBe('triggered');
  });

  it('marks a slow answer degraded (no incident) or down, as the monitor says', async () => {
    target.delayMs = 150;
    const slow = await m.create({ kind: 'http', config: { url: target.url, maxResponseMs: 50 }, retries: 0 });
    const strict = await m.create({ name: 'Strict', kind: 'http', config: { url: target.url, maxResponseMs: 50, slowIs: 'down' }, retries: 0 });
    await m.seconds(60);
    expect(await statusOf(slow.id)).toBe('degraded');
    expect(await statusOf(strict.id)).toBe('down');
    expect((await m.incidents()).map((i) => i.dedupKey)).toEqual([`monitor:${strict.id}`]);
  });
});

describe('flapping', () => {
  it('pages once while a monitor flaps, and resolves when it has been stable for the window', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 0, flapping: { changes: 4, windowMinutes: 30 } });
    await m.seconds(60);
    for (let i = 0; i < 10; i++) {
      target.status = i % 2 === 0 ? 500 : 200;
      await m.seconds(60);
    }
    const view = await m.t.engine.invoke('monitors.get', { id: mon.id });
    expect(view.isFlapping).toBe(true);
    // Without flapping detection each of the 5 downs would open an incident; with it, the 4th change keeps #2 open.
    const incidents = await m.incidents();
    expect(incidents.length).toBe(2);
    expect(incidents.filter((i) => i.status === 'triggered').length).toBe(1);
    const open = await m.t.engine.invoke('incidents.get', { id: incidents.find((i) => i.status === 'triggered')!.id });
    expect(open.timeline.some((e) => e.type === 'alert' && /is flapping: 4 up\/down changes in 30 minutes/.test(e.message))).toBe(true);
    expect(m.t.sent.filter((s) => s.type === 'desktop').length).toBe(2);

    target.status = 200;
    await m.seconds(31 * 60);
    expect((await m.t.engine.invoke('monitors.get', { id: mon.id })).isFlapping).toBe(false);
    expect((await m.incidents()).every((i) => i.status === 'resolved')).toBe(true);
  });
});

describe('editing a monitor', () => {
  it('starts its confirmation over: a single failure of the new target does not page', async () => {
    const next = await httpTarget();
    try {
      const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 2, retryIntervalSeconds: 20 });
      await m.nextCheck(mon.id);
      target.status = 500;
      await m.nextCheck(mon.id);
      await m.nextCheck(mon.id); // two failures of three: confirming
      // The person fixes the URL at once (the judgement's batched write has not happened yet); the new target blips once.
      const cur = await m.t.engine.invoke('monitors.get', { id: mon.id });
      next.status = 500;
      await m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: cur.name, kind: 'http', serviceId: cur.serviceId, config: { url: next.url }, retries: 2, retryIntervalSeconds: 20 } });
      await m.nextCheck(mon.id);
      expect(next.hits).toBe(1);
      expect(await m.incidents()).toEqual([]);
      // A rename alone keeps the count: two more failures confirm the outage.
      await m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: 'Blog (new host)', kind: 'http', serviceId: cur.serviceId, config: { url: next.url }, retries: 2, retryIntervalSeconds: 20 } });
      await m.nextCheck(mon.id);
      await m.nextCheck(mon.id);
      expect((await m.incidents()).length).toBe(1);
    } finally {
      await next.close();
    }
  });
});

describe('a monitor moved to another service', () => {
  it('resolves its own incident, left on the old service, when it recovers', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 0 });
    target.status = 500;
    await m.seconds(60);
    const [incident] = await m.incidents();
    expect(incident!.status).toBe('triggered');
    const policyId = (await m.t.engine.invoke('services.list', {})).find((x) => x.id === m.serviceId)!.escalationPolicyId;
    const other = await m.t.engine.invoke('services.create', { name: 'Other', escalationPolicyId: policyId });
    const cur = await m.t.engine.invoke('monitors.get', { id: mon.id });
    await m.t.engine.invoke('monitors.update', { id: mon.id, value: { name: cur.name, kind: cur.kind, serviceId: other.id, config: cur.config, retries: 0 } });
    target.status = 200;
    await m.seconds(120);
    expect(await statusOf(mon.id)).toBe('up');
    expect((await m.t.engine.invoke('incidents.get', { id: incident!.id })).status).toBe('resolved');
  });
});

describe('is it me?', () => {
  it('when no reference target answers, a failing network check is unknown: no incident, one offline state', async () => {
    const events: ApiEvent[] = [];
    m.t.engine.on((e) => events.push(e));
    await m.reference.close();
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so the check fails as a real outage would.
    const mon = await m.create({ kind: 'http', config: { url: 'http://192.0.2.1:9/' }, timeoutSeconds: 2, retries: 0 });
    const local = await m.create({ name: 'Local', kind: 'tcp', config: { host: '127.0.0.1', port: await closedPort() }, retries: 0 });
    await m.seconds(60);
    await m.seconds(60);
    expect(await statusOf(mon.id)).toBe('unknown');
    const status = await m.t.engine.invoke('monitoring.status', {});
    expect(status.online).toBe(false);
    expect(status.offlineSince).not.toBeNull();
    expect(events.filter((e) => e.type === 'monitoring.changed' && e.data.online === false).length).toBe(1);
    const results = (await m.t.engine.invoke('monitors.results', { id: mon.id })).results;
    expect(results.length).toBe(2);
    expect(results.every((r) => r.status === 'unknown' && /Standby is offline/.test(r.message!))).toBe(true);
    // A loopback monitor does not depend on the network: it is judged even offline.
    expect(await statusOf(local.id)).toBe('down');
    expect((await m.incidents()).map((i) => i.dedupKey)).toEqual([`monitor:${local.id}`]);
    const uptime = (await m.t.engine.invoke('monitors.uptime', { id: mon.id })).windows[0]!;
    expect(uptime).toMatchObject({ window: '24h', checks: 2, unknown: 2, down: 0, uptime: null });

    // Online again: the same failure now counts.
    const back = await tcpListener(m.reference.port);
    m.reference = back;
    await m.seconds(30);
    expect((await m.t.engine.invoke('monitoring.status', {})).online).toBe(true);
    await m.seconds(60);
    expect(await statusOf(mon.id)).toBe('down');
    expect((await m.incidents()).map((i) => i.dedupKey).sort()).toEqual([`monitor:${local.id}`, `monitor:${mon.id}`].sort());
  });
});

describe('sleep and wake', () => {
  it('an unlocked screen is not a wake: a slow monitor keeps its hourly slot', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, intervalSeconds: 3600 });
    expect(spreadOffset(mon.id, 3600_000)).toBeGreaterThan(30 * 60_000);
    // The power monitor reports 'unlock-screen' every 30 minutes for 6 hours, with no suspend.
    for (let i = 0; i < 12; i++) {
      await m.seconds(30 * 60);
      m.t.engine.monitors.onResume();
    }
    await m.seconds(1);
    expect(target.hits).toBeGreaterThanOrEqual(5);
  });

  it('a monitor that fell due while asleep is checked soon after the wake, not a spread interval later', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, intervalSeconds: 3600 });
    expect(spreadOffset(mon.id, 3600_000)).toBeGreaterThan(30 * 60_000);
    // A laptop that sleeps 10 minutes every half hour for 6 hours: each wake used to push the check a spread interval away.
    for (let i = 0; i < 12; i++) {
      m.t.engine.monitors.onSuspend();
      m.t.clock.jump(10 * 60_000);
      m.t.engine.monitors.onResume();
      await m.seconds(20 * 60);
    }
    expect(target.hits).toBeGreaterThanOrEqual(4);
  });


  it('a sleep gap is not downtime: nothing is checked in it, failures before and after do not add up, heartbeats get the gap back', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url }, retries: 1, retryIntervalSeconds: 20 });
    const hb = await m.create({ name: 'Backup job', kind: 'heartbeat', config: { periodSeconds: 600, graceSeconds: 60 } });
    const key = hb.pingPath!.split('/').pop()!;
    await m.nextCheck(mon.id);
    expect(await receivePing(m.t.engine.monitors, key, undefined, m.t.clock.now())).toBe('ok');
    target.status = 500;
    await m.nextCheck(mon.id);
    expect((await m.t.engine.invoke('monitors.get', { id: mon.id })).confirming).toBe(true);
    const before = (await m.t.engine.invoke('monitors.results', { id: mon.id })).results.length;

    // The laptop sleeps for 2 hours: wall-clock time moves, no timer fires.
    m.t.clock.jump(2 * 3600_000);
    await m.seconds(1);
    const status = await m.t.engine.invoke('monitoring.status', {});
    expect(status.lastWakeAt).not.toBeNull();
    await m.nextCheck(mon.id);
    // One failure before the sleep and one after are not two in a row: still confirming, no incident.
    const view = await m.t.engine.invoke('monitors.get', { id: mon.id });
    expect([view.status, view.confirming]).toEqual(['up', true]);
    // The heartbeat's deadline (10 min + 1 min after its ping) passed during the sleep; the gap is given back.
    expect(await statusOf(hb.id)).toBe('up');
    expect(await m.incidents()).toEqual([]);
    const results = (await m.t.engine.invoke('monitors.results', { id: mon.id })).results;
    expect(results.length).toBe(before + 1);
    expect(Date.parse(results[0]!.at) - Date.parse(results[1]!.at)).toBeGreaterThan(2 * 3600_000);
    const uptime = (await m.t.engine.invoke('monitors.uptime', { id: mon.id })).windows[0]!;
    expect(uptime).toMatchObject({ checks: 3, up: 1, down: 2 });
  });

  it('the power monitor hooks drop checks in flight and handle a wake once', async () => {
    await m.create({ kind: 'http', config: { url: target.url } });
    const runner = m.t.engine.monitors;
    const shifts = vi.spyOn(runner.repo, 'shiftHeartbeatDeadlines');
    runner.onSuspend();
    m.t.clock.jump(3600_000);
    runner.onResume();
    const first = (await m.t.engine.invoke('monitoring.status', {})).lastWakeAt;
    expect(first).toBe(new Date(m.t.clock.now()).toISOString());
    await m.seconds(10);
    runner.onResume();
    expect((await m.t.engine.invoke('monitoring.status', {})).lastWakeAt).toBe(first);
    // The scheduler's own tick, planned before the sleep, must not count the same sleep again.
    expect(shifts.mock.calls).toEqual([[3600_000]]);
  });
});

describe('pause', () => {
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

  it('pauses one monitor, or all monitoring for an hour, and resumes on its own', async () => {
    const mon = await m.create({ kind: 'http', config: { url: target.url } });
    await m.nextCheck(mon.id);
    expect(target.hits).toBe(1);
    const paused = await m.t.engine.invoke('monitors.pause', { id: mon.id, minutes: 5 });
    expect([paused.status, paused.pausedUntil]).toEqual(['paused', new Date(m.t.clock.now() + 300_000).toISOString()]);
    await m.seconds(299);
    expect(target.hits).toBe(1);
    await m.seconds(1);
    expect(target.hits).toBe(2);
    expect(await statusOf(mon.id)).toBe('up');

    target.status = 500;
    const all = await m.t.engine.invoke('monitoring.pauseAll', { minutes: 60 });
    expect(all).toMatchObject({ paused: true, pausedUntil: new Date(m.t.clock.now() + 3600_000).toISOString() });
    expect(await statusOf(mon.id)).toBe('paused');
    const hits = target.hits;
    await m.seconds(3599);
    expect(target.hits).toBe(hits);
    expect(await m.incidents()).toEqual([]);
    await m.seconds(61);
    expect((await m.t.engine.invoke('monitoring.status', {})).paused).toBe(false);
    expect(target.hits).toBeGreaterThan(hits);

    await m.t.engine.invoke('monitoring.pauseAll', {});
    const h2 = target.hits;
    await m.seconds(3600);
    expect(target.hits).toBe(h2);
    await m.t.engine.invoke('monitoring.resumeAll', {});
    await m.seconds(60);
    expect(target.hits).toBeGreaterThan(h2);
  });
});

describe('shared wakes', () => {
  it('a wake starts the HTTP checks due within 25 ms with it; each keeps its own grid', async () => {
    const a = await m.create({ kind: 'http', config: { url: target.url } });
    const b = await m.create({ name: 'Shop', kind: 'http', config: { url: target.url } });
    const at = m.t.clock.now() + 30_000;
    m.t.engine.monitors.scheduler.schedule(a.id, at);
    m.t.engine.monitors.scheduler.schedule(b.id, at + 20);
    await m.seconds(30);
    expect([m.t.clock.now(), target.hits]).toEqual([at, 2]);
    expect(m.t.engine.monitors.scheduler.dueAt(a.id)).toBe(at + 60_000);
    expect(m.t.engine.monitors.scheduler.dueAt(b.id)).toBe(at + 20 + 60_000);
  });
});
