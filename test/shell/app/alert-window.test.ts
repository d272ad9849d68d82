/**
 * The alert window through the real shell: a high-urgency page opens a small always-on-top window of
 * Standby's own on the incident's alert route, beside the OS notification; its page's answers reach
 * the engine through the IPC guard (as the page calls them); it closes when the incident is answered
 * anywhere. A low-urgency page stays a plain notification.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IPC_INVOKE_CHANNEL, type BridgeResult } from '../../../electron/shared/bridge.ts';
import type { BrowserWindowDouble } from '../../helpers/electron-double/index.ts';
import { cleanupShells, launchShell, type ShellApp } from '../../helpers/shell-app.ts';

afterEach(cleanupShells);

const alertWindows = (s: ShellApp): BrowserWindowDouble[] => s.electron.allWindows.filter((w) => w.options.title === 'Standby alert');

/** fromAlert calls the API as the alert window's page does, through the shell's IPC handler. */
async function fromAlert(s: ShellApp, win: BrowserWindowDouble, method: string, input: unknown): Promise<BridgeResult> {
  return (await s.electron.ipcMain.invoke(IPC_INVOKE_CHANNEL, { sender: win.webContents, frameUrl: win.url }, method, input)) as BridgeResult;
}

async function highIncident(s: ShellApp, title = 'Disk full on db1') {
  expect(await s.trigger(title)).toBe(202);
  await s.electron.waitFor(
    () => alertWindows(s).some((w) => w.visible) && s.electron.allNotifications.some((n) => n.shown && n.options.title?.includes(title)) && s.electron.tray().menu!.labels().some((l) => l.endsWith(` ${title}`)),
    'the alert window, the notification and the tray menu',
  );
  const win = alertWindows(s).at(-1)!;
  return { win, note: s.electron.allNotifications.at(-1)! };
}

describe('a high-urgency page', () => {
  it('opens a small always-on-top window on every workspace, on the alert route, without taking the focus', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const { win } = await highIncident(s);
    const id = s.incident(1).id;
    expect(win.url).toBe(`app://standby/index.html#/alert/${id}`);
    expect(win.alwaysOnTop).toEqual({ flag: true, level: 'screen-saver' });
    expect(win.onAllWorkspaces).toBe(true);
    expect(win.options).toMatchObject({ width: 460, height: 280, resizable: false, webPreferences: { sandbox: true, contextIsolation: true, autoplayPolicy: 'no-user-gesture-required' } });
    expect(win).toMatchObject({ visible: true, focused: false });
    // The dashboard stays closed; the alert window is not it.
    expect(s.electron.allWindows.filter((w) => w.options.title === 'Standby')).toHaveLength(0);
  });

  it("Acknowledge from the alert page acknowledges that incident, and its window and notification close", async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const first = await highIncident(s, 'Disk full on db1');
    const second = await highIncident(s, 'API latency over 2 s');
    expect(alertWindows(s)).toHaveLength(2);
    const r = await fromAlert(s, second.win, 'incidents.acknowledge', { id: s.incident(2).id });
    expect(r.ok).toBe(true);
    expect(s.incident(2).status).toBe('acknowledged');
    expect(s.incident(1).status).toBe('triggered');
    // Hidden and silenced at once; closed a little later (or by the page itself once it has answered).
    await s.electron.waitFor(() => !second.win.visible && second.note.closed, "#2's alert window hidden and its notification closed");
    expect(second.win.contents.muted).toBe(true);
    second.win.close(); // the page's window.close() after its answer
    expect(second.win.isDestroyed()).toBe(true);
    expect(first.win.isDestroyed()).toBe(false);
    expect(first.win.visible).toBe(true);
    expect(first.win.contents.muted).toBe(false);
    expect(first.note.closed).toBe(false);
  });

  it('Snooze from the alert page (acknowledge, then snooze) snoozes it; Resolve from the tray closes the other window', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const first = await highIncident(s, 'Disk full on db1');
    const second = await highIncident(s, 'API latency over 2 s');
    const id = s.incident(1).id;
    expect((await fromAlert(s, first.win, 'incidents.acknowledge', { id })).ok).toBe(true);
    expect((await fromAlert(s, first.win, 'incidents.snooze', { id, minutes: 30 })).ok).toBe(true);
    expect(s.incident(1).status).toBe('acknowledged');
    expect(s.incident(1).snoozed_until).not.toBeNull();
    await s.electron.waitFor(() => !first.win.visible && first.win.contents.muted, "#1's alert window hidden and silent");

    s.electron.tray().clickMenu(['#2 API latency over 2 s', 'Resolve']);
    await s.electron.waitFor(() => second.win.isDestroyed() && second.note.closed, "#2's alert window closed by the tray's Resolve");
    expect(s.incident(2).status).toBe('resolved');
  });

  it('opens one window per incident: a repeated page brings it forward', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const desktop = (await (async () => {
      s.electron.tray().clickMenu(['Open dashboard']);
      return s.call('contactMethods.list', {});
    })()).find((c) => c.type === 'desktop')!;
    await s.call('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: desktop.id });
    await highIncident(s);
    await s.electron.waitFor(() => s.electron.allNotifications.filter((n) => n.shown).length === 2, 'both pages of the incident');
    expect(alertWindows(s)).toHaveLength(1);
  });

  it('lets only our windows call: a destroyed alert window is refused', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const { win } = await highIncident(s);
    win.close();
    const r = await fromAlert(s, win, 'incidents.resolve', { id: s.incident(1).id });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(s.incident(1).status).toBe('triggered');
  });

  it('opens even when the desktop has no notification server', async () => {
    const s = await launchShell({ argv: ['--hidden'], before: (e) => (e.notificationSupport.supported = false) });
    expect(await s.trigger('Disk full on db1')).toBe(202);
    await s.electron.waitFor(() => alertWindows(s).length === 1, 'the alert window');
    await s.electron.waitFor(() => s.logs.some((l) => l.includes('its alert window is open')), 'the log line');
    expect(s.electron.allNotifications).toHaveLength(0);
  });
});

describe('a low-urgency page', () => {
  it('stays a plain OS notification: no alert window', async () => {
    const s = await launchShell();
    const svc = (await s.call('services.list', {}))[0]!;
    await s.call('services.update', { id: svc.id, value: { name: svc.name, escalationPolicyId: svc.escalationPolicyId, urgencyRule: { type: 'severity' } } });
    expect(await s.trigger('Certificate expires in 20 days', { severity: 'warning' })).toBe(202);
    await s.electron.waitFor(() => s.electron.allNotifications.some((n) => n.shown), 'the notification');
    expect(s.incident(1).urgency).toBe('low');
    expect(s.electron.allNotifications[0]!.options).toMatchObject({ urgency: 'normal', silent: true });
    expect(alertWindows(s)).toHaveLength(0);
  });
});

describe('a hidden alert window', () => {
  it('stays (muted) until its page closes it or the quit closes every window', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    const a = await highIncident(s, 'Disk full on db1');
    const b = await highIncident(s, 'API latency over 2 s');
    s.electron.tray().clickMenu(['#1 Disk full on db1', 'Acknowledge']);
    s.electron.tray().clickMenu(['#2 API latency over 2 s', 'Acknowledge']);
    await s.electron.waitFor(() => !a.win.visible && !b.win.visible, 'both hidden');
    expect(a.win.isDestroyed()).toBe(false);
    // The linger (ALERT_LINGER_MS) is cut short by the quit, which closes every window and clears its timers.
    await s.quit();
    expect(a.win.isDestroyed() && b.win.isDestroyed()).toBe(true);
  });
});
