/**
 * Incidents through the real shell: a trigger over HTTP turns the tray to alert and lists the
 * incident; the OS notification is shown; the tray menu's Acknowledge and Resolve, and the
 * notification's actions, act on that incident in the database, and close its notification.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/headless.ts';
import { cleanupShells, launchShell, type ShellApp } from '../../helpers/shell-app.ts';

afterEach(cleanupShells);

const alertIcon = readFileSync(join(ROOT, 'build/tray-alert.png'));
const calmIcon = readFileSync(join(ROOT, 'build/tray.png'));

/** twoIncidents triggers #1 and #2 and waits until the tray lists both and both notifications are shown. */
async function twoIncidents(s: ShellApp) {
  expect(await s.trigger('Disk full on db1')).toBe(202);
  expect(await s.trigger('API latency over 2 s')).toBe(202);
  const { waitFor, tray, allNotifications } = s.electron;
  await waitFor(() => tray().menu!.labels().includes('#2 API latency over 2 s') && tray().menu!.labels().includes('#1 Disk full on db1'), 'both incidents in the tray menu');
  await waitFor(() => allNotifications.filter((n) => n.shown).length === 2, 'two notifications');
  const note = (title: string) => allNotifications.find((n) => n.options.title?.includes(title))!;
  return { disk: note('Disk full'), api: note('API latency') };
}

describe('a trigger over HTTP', () => {
  it('turns the tray to alert, lists the incident and counts it, and shows a critical OS notification with buttons', async () => {
    const s = await launchShell();
    const { tray, waitFor, allNotifications } = s.electron;
    expect(await s.trigger('Disk full on db1')).toBe(202);
    await waitFor(() => tray().image.is(alertIcon), 'the alert icon');
    expect(tray().tooltip).toBe('Standby: 1 triggered');
    expect(tray().menu!.labels()[0]).toBe('#1 Disk full on db1');
    await waitFor(() => allNotifications.length === 1 && allNotifications[0]!.shown, 'the notification');
    const n = allNotifications[0]!;
    expect(n.options).toMatchObject({ urgency: 'critical', timeoutType: 'never', silent: false, actions: [{ type: 'button', text: 'Acknowledge' }, { type: 'button', text: 'Resolve' }] });
    expect(n.options.title).toContain('Disk full on db1');
    expect(s.incident(1)).toMatchObject({ status: 'triggered', urgency: 'high' });
  });
});

describe('the tray menu', () => {
  it("Acknowledge acknowledges that incident (and no other) and closes its notification", async () => {
    const s = await launchShell();
    const { disk, api } = await twoIncidents(s);
    const { tray, waitFor } = s.electron;
    // #1 is listed second (newest first); its own submenu is clicked.
    tray().clickMenu(['#1 Disk full on db1', 'Acknowledge']);
    await waitFor(() => s.incident(1).status === 'acknowledged', '#1 acknowledged in the database');
    expect(s.incident(2).status).toBe('triggered');
    await waitFor(() => disk.closed, "#1's notification closed");
    expect(api.closed).toBe(false);
    await waitFor(() => tray().menu!.labels().includes('#1 Disk full on db1 (acknowledged)'), 'the menu marks #1 acknowledged');
    expect(tray().menu!.find(['#1 Disk full on db1 (acknowledged)', 'Acknowledge']).enabled).toBe(false);
    expect(tray().tooltip).toBe('Standby: 1 triggered, 1 acknowledged');
    expect(tray().image.is(alertIcon)).toBe(true);
  });

  it('Resolve resolves that incident; with none triggered the tray is calm again', async () => {
    const s = await launchShell();
    const { disk, api } = await twoIncidents(s);
    const { tray, waitFor } = s.electron;
    tray().clickMenu(['#2 API latency over 2 s', 'Resolve']);
    await waitFor(() => s.incident(2).status === 'resolved', '#2 resolved');
    expect(s.incident(1).status).toBe('triggered');
    await waitFor(() => api.closed, "#2's notification closed");
    expect(disk.closed).toBe(false);
    tray().clickMenu(['#1 Disk full on db1', 'Resolve']);
    await waitFor(() => tray().image.is(calmIcon), 'the calm icon');
    expect(s.incident(1).status).toBe('resolved');
    expect(tray().menu!.labels()[0]).toBe('No open incidents');
  });

  it('Open shows the window on the incident', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    await twoIncidents(s);
    s.electron.tray().clickMenu(['#1 Disk full on db1', 'Open']);
    const win = s.electron.allWindows.find((w) => w.options.title === 'Standby')!;
    expect(win).toMatchObject({ visible: true, focused: true });
    const id = s.incident(1).id;
    expect(win.url).toBe(`app://standby/index.html#/incidents/${id}`);
  });
});

describe("the notification's actions", () => {
  it('Resolve (action 1) resolves its incident; Acknowledge (action 0) acknowledges; a click opens it', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const { disk, api } = await twoIncidents(s);
    const { waitFor } = s.electron;
    disk.press('Resolve');
    await waitFor(() => s.incident(1).status === 'resolved', '#1 resolved by its notification');
    expect(s.incident(2).status).toBe('triggered');
    await waitFor(() => disk.closed, 'its notification closed');
    api.press('Acknowledge');
    await waitFor(() => s.incident(2).status === 'acknowledged', '#2 acknowledged by its notification');
    api.click();
    expect(s.electron.allWindows.find((w) => w.options.title === 'Standby')!.url).toBe(`app://standby/index.html#/incidents/${s.incident(2).id}`);
  });
});
