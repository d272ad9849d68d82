/**
 * Power events through the real shell: before a sleep the monitors drop their checks, on wake they
 * restart, and what fell due while the computer slept runs at once, once, however many wake events
 * arrive (`resume` and `unlock-screen` both fire on most laptops).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupShells, launchShell } from '../../helpers/shell-app.ts';

afterEach(async () => {
  await cleanupShells();
  vi.restoreAllMocks();
});

describe('suspend and resume', () => {
  it('drops the checks on suspend, restarts the monitors once on wake, and runs a page that fell due during the sleep exactly once', async () => {
    const s = await launchShell();
    const { powerMonitor, waitFor, allNotifications } = s.electron;
    // A second desktop page 5 minutes after the first, for high urgency.
    const desktop = (await s.call('contactMethods.list', {})).find((c) => c.type === 'desktop')!;
    await s.call('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: desktop.id });
    expect(await s.trigger('Disk full on db1')).toBe(202);
    await waitFor(() => allNotifications.filter((n) => n.shown).length === 1, 'the first page');
    const before = await s.call('monitoring.status', {});

    powerMonitor.fire('suspend');
    expect(s.logs.some((l) => l.includes('suspend: checks pause'))).toBe(true);
    // The laptop sleeps 10 minutes: the wall clock moves, Node's timers do not.
    const realNow = Date.now.bind(Date);
    const asleepMs = 10 * 60_000;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + asleepMs);
    powerMonitor.fire('resume');
    powerMonitor.fire('unlock-screen');
    powerMonitor.fire('resume');

    await waitFor(() => allNotifications.filter((n) => n.shown).length === 2, 'the page that fell due during the sleep');
    const after = await s.call('monitoring.status', {});
    expect(after.lastWakeAt).not.toBeNull();
    expect(after.lastWakeAt).not.toBe(before.lastWakeAt);
    // One wake, however many events: the monitors restart once, and the gap is not counted.
    expect(s.logs.filter((l) => /woke after 6\d\d s asleep/.test(l))).toHaveLength(1);

    // Give any second run time to happen, then count: each notify job ran once, with one attempt.
    await new Promise((r) => setTimeout(r, 1000));
    expect(allNotifications.filter((n) => n.shown)).toHaveLength(2);
    const db = s.db();
    try {
      const jobs = db.prepare("SELECT j.state, (SELECT count(*) FROM delivery_attempts a WHERE a.job_id = j.id) AS attempts FROM jobs j WHERE j.kind = 'notify'").all();
      expect(jobs).toEqual([
        { state: 'done', attempts: 1 },
        { state: 'done', attempts: 1 },
      ]);
    } finally {
      db.close();
    }
  });
});
