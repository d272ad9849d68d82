/**
 * Work run from timers on a full disk (a tmpfs the test fills): monitor checks, their buffered
 * results, the incident a failing monitor opens and a 5-minute SMS falling due. Nothing ends the
 * process or spins; nothing the database did not store is believed stored; once space returns,
 * every result is written, the monitor's incident opens and the SMS goes out once.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../electron/engine/clock.ts';
import { guardTimers } from '../../electron/engine/timer-guard.ts';
import { onCallSetup, testEngine, type TestEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/headless.ts';
import { fill, mountTmpfs, tmpfsUnavailable } from '../helpers/tmpfs.ts';
import { httpTarget, type HttpTarget } from './monitors/helpers.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup.length = 0;
});

describe('guardTimers', () => {
  it('hands a failing timer to the handler, and slows work that fails and re-arms at once to once a second', async () => {
    const clock = new FakeClock(0);
    const errors: string[] = [];
    const guarded = guardTimers(clock, (err) => errors.push(`${clock.now()}: ${(err as Error).message}`));
    const runs: number[] = [];
    const failing = () => {
      runs.push(clock.now());
      guarded.setTimer(failing, 0); // the incident scheduler re-arms for the same due job
      throw new Error('SQLITE_FULL: the disk holding /d/standby.db is full');
    };
    guarded.setTimer(failing, 0);
    await clock.advance(3000);
    expect(runs).toEqual([0, 0, 1000, 2000, 3000]);
    expect(errors[0]).toBe('0: SQLITE_FULL: the disk holding /d/standby.db is full');
  });
});

const noTmpfs = tmpfsUnavailable();

describe('timers on a full disk', () => {
  it.skipIf(noTmpfs !== undefined)(`keep checks, results, the monitor's incident and a due SMS until space returns${noTmpfs ? ` (skipped: ${noTmpfs})` : ''}`, { timeout: 60_000 }, async () => {
    const fs = mountTmpfs('4m');
    cleanup.push(() => fs.unmount());
    const log: string[] = [];
    const t: TestEngine = await testEngine({ databasePath: join(fs.dir, 'standby.db'), monitors: { flushMs: 5 }, log: (l) => log.push(l) });
    cleanup.push(() => t.engine.stop());
    const target: HttpTarget = await httpTarget();
    cleanup.push(() => target.close());
    const { service } = await onCallSetup(t, { twoLevels: false });
    const e = t.engine;
    const results = () => (e.store.db.prepare('SELECT COUNT(*) AS n FROM monitor_results').get() as { n: number }).n;

    const before = await e.invoke('incidents.trigger', { serviceId: service.id, title: 'Disk is filling up', severity: 'critical' });
    if (before.status === 'suppressed') throw new Error('suppressed');
    await t.settle();
    const mon = await e.invoke('monitors.create', { name: 'Blog', kind: 'http', serviceId: service.id, config: { url: target.url }, intervalSeconds: 60, retries: 0 });
    await t.advance(1);
    await waitFor(() => results() === 1, 'the first result stored');

    const filler = fill(fs.dir);
    cleanup.push(() => filler.free());
    target.status = 503;
    // Five minutes of failed checks: the monitor's incident cannot be stored, and the SMS for the first one falls due.
    await t.advance(5);
    await e.monitors.idle();
    expect(target.hits).toBe(6);
    expect(t.kinds()).toEqual(['desktop@0']);
    expect(results()).toBe(1);
    expect(e.monitors.results.pending).toBe(5);
    expect((await e.invoke('incidents.list', {})).total).toBe(1);
    const full = `SQLITE_FULL: the disk holding ${fs.dir}/standby.db is full`;
    await waitFor(() => log.includes(`writing check results failed: ${full}`), 'the failed flush in the log');
    expect(log).toContain(`monitor "Blog": open failed: ${full}`);
    // The scheduler tried the due SMS and said why it could not (in its own words or the timer guard's).
    expect(log.some((l) => l.includes(full) && /due jobs|scheduled task/.test(l)), log.join('\n')).toBe(true);
    expect(e.health.status().problems.map((p) => p.code)).toContain('storage');

    filler.free();
    expect(e.health.status().problems.map((p) => p.code)).not.toContain('storage');
    await t.advance(1);
    await e.monitors.idle();
    await waitFor(() => results() === target.hits, 'every check result stored');
    const incidents = (await e.invoke('incidents.list', {})).incidents;
    expect(incidents.map((i) => i.dedupKey).sort()).toEqual([before.incident.dedupKey, `monitor:${mon.id}`].sort());
    expect(t.sent.filter((s) => s.type === 'sms').map((s) => s.number)).toEqual([before.incident.number]);
    expect(t.sent.filter((s) => s.type === 'desktop').length).toBe(2);
  });
});
