/**
 * The real electron/main/index.ts started and quit against the Electron double: the single-instance
 * lock, the engine on its data directory, the calm tray, the HTTP listener, the window (or none with
 * --hidden), a second instance; and a quit that lets go of everything it took.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/engine/data-dir.ts';
import { acquireInstanceLock } from '../../../electron/engine/instance-lock.ts';
import { IPC_INVOKE_CHANNEL } from '../../../electron/shared/bridge.ts';
import { ROOT } from '../../helpers/headless.ts';
import { cleanupShells, launchShell, prepareDataDir } from '../../helpers/shell-app.ts';
import { trackTimers, type TimerTracker } from '../../helpers/timer-tracker.ts';

let timers: TimerTracker | undefined;
afterEach(async () => {
  await cleanupShells();
  timers?.restore();
  timers = undefined;
});

const calmIcon = readFileSync(join(ROOT, 'build/tray.png'));

describe('starting the desktop app', () => {
  it('takes the single-instance lock and the data lock, starts the engine, shows a calm tray, listens for alerts and opens the window', async () => {
    const s = await launchShell();
    const { world, tray, allWindows } = s.electron;
    expect(world.count('app.requestSingleInstanceLock')).toBe(1);
    expect(s.electron.app.hasSingleInstanceLock()).toBe(true);
    // The data directory is owned: a second Standby on it is refused with the owner's pid.
    expect(() => acquireInstanceLock(s.dataDir)).toThrow(/already/i);
    expect(s.logs.some((l) => l.includes(`started with data in ${s.dataDir}`))).toBe(true);
    expect(existsSync(join(s.dataDir, DATABASE_FILE))).toBe(true);

    const t = tray();
    expect(t.image.is(calmIcon)).toBe(true);
    expect(t.tooltip).toBe('Standby: no open incidents');
    expect(t.menu!.labels()).toEqual(['No open incidents', '—', `Alerts: ${s.url}`, 'Pause monitoring for 1 hour', 'Open dashboard', '—', 'Quit Standby']);

    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    await health.body?.cancel();

    expect(allWindows).toHaveLength(1);
    expect(allWindows[0]!.visible).toBe(true);
    expect(allWindows[0]!.url).toBe('app://standby/index.html#/');
    expect(world.errorBoxes).toEqual([]);
  });

  it('starts hidden in the tray with --hidden (as a login item does)', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    expect(s.electron.tray().menu).not.toBeNull();
    expect(s.electron.allWindows).toHaveLength(0);
  });

  it('answers the window over IPC through the guard, and refuses another page', async () => {
    const s = await launchShell();
    const win = s.electron.allWindows[0]!;
    const ok = (await s.electron.ipcMain.invoke(IPC_INVOKE_CHANNEL, { sender: win.webContents, frameUrl: win.url }, 'incidents.list', {})) as { ok: boolean; value: { total: number } };
    expect(ok).toMatchObject({ ok: true, value: { total: 0 } });
    const refused = await s.electron.ipcMain.invoke(IPC_INVOKE_CHANNEL, { sender: win.webContents, frameUrl: 'https://evil.example/' }, 'incidents.list', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});

describe('a second instance', () => {
  it('focuses the running window and starts no second engine', async () => {
    const s = await launchShell({ argv: ['--hidden'] });
    expect(s.electron.allWindows).toHaveLength(0);
    s.electron.app.secondInstance();
    expect(s.electron.allWindows).toHaveLength(1);
    expect(s.electron.allWindows[0]).toMatchObject({ visible: true, focused: true });
    // Once more: the same window comes forward, no new one.
    s.electron.allWindows[0]!.hide();
    s.electron.app.secondInstance();
    expect(s.electron.allWindows).toHaveLength(1);
    expect(s.electron.allWindows[0]).toMatchObject({ visible: true, focused: true });
    expect(s.logs.filter((l) => l.includes('started with data in'))).toHaveLength(1);
  });

  it('started while one runs, quits without opening the database, a tray or a window', async () => {
    const { dataDir } = await prepareDataDir();
    const s = await launchShell({ dataDir, waitForStart: false, before: (e) => (e.world.lockHeldElsewhere = true) });
    expect(s.electron.world.quit).toBe(true);
    expect(s.electron.trays).toHaveLength(0);
    expect(s.electron.allWindows).toHaveLength(0);
    // Give a wrongly started engine time to show itself.
    await new Promise((r) => setTimeout(r, 300));
    expect(s.logs.filter((l) => l.includes('started with data in'))).toEqual([]);
    expect(() => acquireInstanceLock(dataDir)()).not.toThrow();
  });
});

describe('quitting', () => {
  it('stops the engine, closes the database, releases the lock, destroys the tray and leaves no timer or listener', async () => {
    timers = trackTimers();
    const signalListeners = process.listenerCount('SIGTERM');
    const s = await launchShell();
    expect(await s.trigger('Disk full on db1')).toBe(202);
    await s.electron.waitFor(() => s.electron.allNotifications.length === 1 && s.electron.allWindows.length === 2, 'the notification and the alert window');
    const win = s.electron.allWindows.find((w) => w.options.title === 'Standby')!;
    const alert = s.electron.allWindows.find((w) => w.options.title === 'Standby alert')!;
    // Before the quit: the engine's timers run, the database is open (its WAL file exists), the lock is held.
    expect(timers.pending().length).toBeGreaterThan(0);
    expect(existsSync(join(s.dataDir, `${DATABASE_FILE}-wal`))).toBe(true);
    expect(s.electron.powerMonitor.eventNames().length).toBeGreaterThan(0);

    s.electron.tray().clickMenu(['Quit Standby']);
    await s.quit();

    expect(s.electron.tray().isDestroyed()).toBe(true);
    expect(s.electron.allNotifications[0]!.closed).toBe(true);
    expect(win.isDestroyed()).toBe(true);
    expect(alert.isDestroyed()).toBe(true);
    // The HTTP listener is closed.
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    // The engine closed its database: SQLite removes the WAL file when the last connection closes.
    expect(existsSync(join(s.dataDir, `${DATABASE_FILE}-wal`))).toBe(false);
    // The data lock is free for the next Standby.
    const release = acquireInstanceLock(s.dataDir);
    release();
    expect(s.electron.ipcMain.handlers.size).toBe(0);
    expect(s.electron.powerMonitor.eventNames()).toEqual([]);
    expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
    expect(timers.pending()).toEqual([]);
    expect(s.logs.some((l) => /could not|failed/.test(l))).toBe(false);
  });
});
