/**
 * The tray's own actions through the real shell: Snooze from an incident's submenu, pausing and
 * resuming monitoring, and the count of open incidents beside the icon on macOS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupShells, launchShell } from '../../helpers/shell-app.ts';

const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
afterEach(async () => {
  await cleanupShells();
  Object.defineProperty(process, 'platform', platform);
});

describe('the tray menu', () => {
  it("Snooze › 1 hour acknowledges a triggered incident, snoozes it for an hour and closes its notification", async () => {
    const s = await launchShell();
    const { tray, waitFor, allNotifications } = s.electron;
    expect(await s.trigger('Disk full on db1')).toBe(202);
    expect(await s.trigger('API latency over 2 s')).toBe(202);
    await waitFor(() => tray().menu!.labels().includes('#1 Disk full on db1') && allNotifications.filter((n) => n.shown).length === 2, 'both incidents');
    const clicked = Date.now();
    tray().clickMenu(['#1 Disk full on db1', 'Snooze', '1 hour']);
    await waitFor(() => s.incident(1).snoozed_until !== null, '#1 snoozed in the database');
    const row = s.incident(1);
    expect(row.status).toBe('acknowledged');
    expect(row.snoozed_until! - clicked).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    expect(row.snoozed_until! - clicked).toBeLessThanOrEqual(60 * 60_000 + 30_000);
    expect(s.incident(2)).toMatchObject({ status: 'triggered', snoozed_until: null });
    const disk = allNotifications.find((n) => n.options.title?.includes('Disk full'))!;
    await waitFor(() => disk.closed, "#1's notification closed");
    await waitFor(() => tray().menu!.labels().includes('#1 Disk full on db1 (snoozed)'), 'the menu marks #1 snoozed');
    // Snoozed again from the menu, for 4 hours: the snooze moves.
    tray().clickMenu(['#1 Disk full on db1 (snoozed)', 'Snooze', '4 hours']);
    await waitFor(() => s.incident(1).snoozed_until! - clicked >= 4 * 60 * 60_000 - 1000, '#1 snoozed for 4 hours');
  });

  it('"Pause monitoring for 1 hour" pauses every monitor for an hour; "Resume monitoring" resumes', async () => {
    const s = await launchShell();
    const { tray, waitFor } = s.electron;
    expect(tray().menu!.labels()).toContain('Pause monitoring for 1 hour');
    const clicked = Date.now();
    tray().clickMenu(['Pause monitoring for 1 hour']);
    await waitFor(() => tray().menu!.labels().find((l) => l.startsWith('Resume monitoring (paused until ')), 'the Resume item');
    const status = await s.call('monitoring.status', {});
    expect(status.paused).toBe(true);
    expect(Date.parse(status.pausedUntil!) - clicked).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    expect(Date.parse(status.pausedUntil!) - clicked).toBeLessThanOrEqual(60 * 60_000 + 30_000);
    expect(tray().tooltip).toMatch(/^Standby: no open incidents\nMonitoring paused until \d\d:\d\d$/);

    const resume = tray().menu!.labels().find((l) => l.startsWith('Resume monitoring'))!;
    tray().clickMenu([resume]);
    await waitFor(() => tray().menu!.labels().includes('Pause monitoring for 1 hour'), 'the Pause item again');
    expect((await s.call('monitoring.status', {})).paused).toBe(false);
    expect(tray().tooltip).toBe('Standby: no open incidents');
  });
});

describe('the count of open incidents', () => {
  it('is in the tooltip everywhere, and beside the icon on macOS', async () => {
    Object.defineProperty(process, 'platform', { ...platform, value: 'darwin' });
    const s = await launchShell();
    const { tray, waitFor } = s.electron;
    expect(tray().title).toBe('');
    await s.trigger('Disk full on db1');
    await s.trigger('API latency over 2 s');
    await waitFor(() => tray().title === '2', 'the title 2');
    expect(tray().tooltip).toBe('Standby: 2 triggered');
    tray().clickMenu(['#1 Disk full on db1', 'Resolve']);
    await waitFor(() => tray().title === '1', 'the title 1');
  });

  it('is not set as a title on Linux (its trays show none)', async () => {
    Object.defineProperty(process, 'platform', { ...platform, value: 'linux' });
    const s = await launchShell();
    await s.trigger('Disk full on db1');
    await s.electron.waitFor(() => s.electron.tray().tooltip === 'Standby: 1 triggered', 'the count in the tooltip');
    expect(s.electron.tray().title).toBe('');
  });
});
