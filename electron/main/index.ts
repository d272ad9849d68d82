/**
 * Standby's Electron main process: one instance per user, the engine on the user's data directory (or,
 * paired with an always-on box, no engine: the box's calls and events instead), the dashboard window,
 * the tray, OS notifications, the IPC transport and power events. Everything with behaviour lives in
 * the engine; this file only wires the pieces and shuts them down cleanly.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { app, dialog, protocol } from 'electron';
import { SystemClock } from '../engine/clock.ts';
import { defaultSecretStore } from '../engine/secrets/default-store.ts';
import { APP_NAME, DATABASE_FILE } from '../engine/data-dir.ts';
import { Engine } from '../engine/engine.ts';
import { desktopInboundPort } from '../engine/http/inbound-address.ts';
import { InboundListener } from '../engine/http/inbound-listener.ts';
import { acquireInstanceLock } from '../engine/instance-lock.ts';
import { DatabaseDamagedError } from '../engine/store/open-database.ts';
import { V8_FLAGS } from '../engine/runtime-flags.ts';
import { exitProcess, stopWithin } from '../engine/shutdown.ts';
import { builtinChannels } from '../engine/notify/registry.ts';
import { readLink, readToken, type DeviceLink } from '../engine/remote/device-link.ts';
import { DesktopLink, isRemoteMethod } from '../engine/remote/desktop-link.ts';
import { deviceSecretStore } from '../engine/remote/device-secrets.ts';
import { RemoteBackend } from '../engine/remote/remote-backend.ts';
import { APP_SCHEME_PRIVILEGES } from './app-protocol.ts';
import { AlertWindows } from './alert-window.ts';
import { APP_ID } from './app-identity.ts';
import { desktopPager } from './desktop-pager.ts';
import { incidentActions, type IncidentActions } from './incident-actions.ts';
import { applyLoginItem, loginItemPlan, startsHidden } from './login-item.ts';
import { serveIpc, type IpcBackend } from './ipc.ts';
import { refusalMessage, refusedSwitches } from './launch-guard.ts';
import { OsNotifications } from './notifications.ts';
import { enginePower, remotePower, watchPower } from './power.ts';
import { CONNECT_ROUTE, SETTINGS_ROUTE, incidentRoute, rendererLocation } from './renderer-policy.ts';
import { StandbyTray } from './tray.ts';
import { MainWindow, secureContents, secureSession } from './window.ts';

const log = (line: string) => console.log(`${new Date().toISOString()} standby: ${line}`);

// The data directory is <appData>/Standby on every platform, the folder the headless server uses
// too (engine/data-dir.ts), whatever the package name says; STANDBY_DATA_DIR moves it, as it does
// for `standby serve`.
app.setName(APP_NAME);
// Windows shows notifications only for the AppUserModelID of the installer's Start-menu shortcut.
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
app.commandLine.appendSwitch('js-flags', V8_FLAGS.join(' '));
app.setPath('userData', process.env.STANDBY_DATA_DIR ? resolve(process.env.STANDBY_DATA_DIR) : join(app.getPath('appData'), APP_NAME));

// app:// must be privileged before the app is ready; secureSession (window.ts) serves it once it is.
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);

const loc = rendererLocation({ packaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });

/** Running is everything a started Standby holds, to be let go of in order at quit. */
interface Running {
  /** engine runs in local mode; remote is the box in remote mode (no engine runs then). */
  engine?: Engine | undefined;
  remote?: RemoteBackend | undefined;
  tray: StandbyTray;
  notifications: OsNotifications;
  alerts: AlertWindows;
  actions: IncidentActions;
  http?: InboundListener | undefined;
  stop: Array<() => void>;
}

const window = new MainWindow(loc, log);
let running: Running | undefined;
let release: (() => void) | undefined;
let quitting: 'no' | 'stopping' | 'done' = 'no';
/** switching is the mode switch under way (after pairing with a box, or leaving it). */
let switching: Promise<void> | undefined;

async function start(): Promise<void> {
  await app.whenReady();
  secureSession(loc);
  const dataDir = app.getPath('userData');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    release = acquireInstanceLock(dataDir);
  } catch (err) {
    dialog.showErrorBox('Standby is already running', (err as Error).message);
    app.exit(1);
    return;
  }
  if (!(await run(dataDir))) return;
  const broken = running?.remote?.status();
  // A link that can no longer be used (its token is gone from the keychain) is said at once: the connect screen.
  if (broken?.mode === 'remote' && broken.revoked) window.show(CONNECT_ROUTE);
  else if (!startsHidden(process.argv, process.platform, () => app.getLoginItemSettings().wasOpenedAtLogin)) window.show();
  log(`started with data in ${dataDir}`);
}

/**
 * run starts Standby in the mode the data directory says: paired with a box (remote.json), this app is
 * the box's tray and runs no engine (one pager per person); otherwise the local engine runs, as by
 * default. It answers false when Standby could not start (and has said why).
 */
async function run(dataDir: string): Promise<boolean> {
  let link: DeviceLink | undefined;
  try {
    link = readLink(dataDir);
  } catch (err) {
    log((err as Error).message);
    dialog.showErrorBox('Standby cannot read its link to the server', (err as Error).message);
    await fail();
    return false;
  }
  const openIncident = (id: number) => window.show(incidentRoute(id));
  const deviceSecrets = deviceSecretStore(dataDir);
  const switchMode = () => {
    switching ??= switchModes(dataDir).finally(() => (switching = undefined));
  };
  let engine: Engine | undefined;
  let remote: RemoteBackend | undefined;
  const backend = () => engine ?? remote;
  try {
    const act = incidentActions(backend, log);
    const notifications = new OsNotifications({ acknowledge: act.acknowledge, resolve: act.resolve, open: openIncident }, log);
    const alerts = new AlertWindows(loc, log);
    const pager = desktopPager(notifications, alerts, log);
    if (link) {
      remote = new RemoteBackend({
        link,
        dataDir,
        // A token missing from the keychain cannot reach the box: the app shows its connect screen, to pair again.
        token: await readToken(deviceSecrets, link).catch((err: Error) => err),
        log,
        notify: (n) => pager.show(n).then(() => true, () => false),
      });
    } else {
      engine = new Engine({ databasePath: join(dataDir, DATABASE_FILE), clock: new SystemClock(), channels: builtinChannels(pager), secrets: defaultSecretStore(), log });
    }
    const local = engine;
    const linkApi = new DesktopLink({
      dataDir,
      secrets: deviceSecrets,
      now: () => Date.now(),
      status: () => remote?.status() ?? { mode: 'local', canConnect: true },
      ...(local ? { localConfig: async () => (await local.invoke('config.export', { format: 'yaml' })).text, localDesktopSettings: () => local.invoke('desktop.settings', {}) } : {}),
      switchMode,
      log,
    });
    const answer = engine ?? remote!;
    const caller: IpcBackend = {
      call: (method, input) => (typeof method === 'string' && isRemoteMethod(method) ? linkApi.call(method, input) : answer.call(method, input)),
      on: (listener) => answer.on(listener),
      // A local engine's check results, throttled; in remote mode they come with the box's events.
      ...(local ? { watchChecks: (listener: Parameters<Engine['monitors']['feed']['watch']>[0]) => local.monitors.feed.watch(listener) } : {}),
    };
    const tray = new StandbyTray(
      answer,
      {
        ...act,
        openIncident,
        openDashboard: () => window.show(),
        openSettings: () => window.show(SETTINGS_ROUTE),
        openConnect: () => window.show(CONNECT_ROUTE),
        ...(remote ? { reconnect: () => remote?.wake() } : {}),
        quit: () => app.quit(),
      },
      log,
      remote ? { remote: () => remote!.status() } : {},
    );
    const stop = [
      serveIpc(caller, window, loc, log, (contents) => alerts.owns(contents)),
      watchPower(engine ? enginePower(engine, log) : remotePower(remote!, log)),
      answer.on((e) => {
        if (e.type === 'desktop.changed') applyStartAtLogin(e.data.startAtLogin);
        if (e.type === 'remote.changed') {
          tray.refreshSoon();
          // Unpaired on the box: back to the connect screen, to pair again or run on its own.
          if (e.data.mode === 'remote' && e.data.revoked) window.show(CONNECT_ROUTE);
        }
        if (e.type === 'inbound.changed' || e.type === 'monitoring.changed' || e.type === 'config.changed') tray.refreshSoon();
        if (e.type !== 'incident.changed') return;
        tray.refreshSoon();
        if (e.data.incident.status === 'triggered') return;
        notifications.dismiss(e.data.incident.id);
        alerts.answered(e.data.incident.id, e.data.incident.status);
      }),
    ];
    running = { engine, remote, tray, notifications, alerts, actions: act, stop };
    if (engine) {
      await engine.start();
      running.http = await listenForAlerts(engine);
    } else {
      remote!.start();
    }
    await tray.refresh();
    applyStartAtLogin((await answer.invoke('desktop.settings', {})).startAtLogin);
    return true;
  } catch (err) {
    log(`could not start: ${(err as Error).stack ?? (err as Error).message}`);
    // A damaged database names the file, the newest backup and how to restore it; nothing is replaced.
    dialog.showErrorBox(err instanceof DatabaseDamagedError ? 'Standby’s database is damaged' : 'Standby could not start', (err as Error).message);
    if (!running) {
      await engine?.stop().catch(() => {});
      await remote?.stop().catch(() => {});
    }
    await fail();
    return false;
  }
}

/** fail stops what started and exits with 1. */
async function fail(): Promise<void> {
  if (await shutdown()) return exitProcess(1, { stuck: true, log });
  release?.();
  app.exit(1);
}

/**
 * switchModes stops the running mode and starts the other one, keeping the instance lock and the
 * window: after pairing, the local engine stops before the tray follows the box, so two engines never
 * page the same person; after leaving the box, the local engine starts again. The window reloads.
 */
async function switchModes(dataDir: string): Promise<void> {
  // The answer to the window's call goes out first.
  await new Promise((resolve) => setImmediate(resolve));
  if (quitting !== 'no') return;
  if (await shutdown()) {
    log('a keychain call still holds the old mode; quitting instead of switching');
    app.quit();
    return;
  }
  if (quitting !== 'no' || !(await run(dataDir))) return;
  log(`now running ${running?.remote ? `as the tray of ${running.remote.box}` : 'on this computer on its own'}`);
  window.reload('/');
}

/**
 * listenForAlerts serves the HTTP routes (Events API v2, Alertmanager, heartbeat pings, the API with a
 * per-start token) on 127.0.0.1, so monitoring tools can page the desktop app. The port is STANDBY_PORT,
 * else the one picked in Settings, else 8730; when it is taken, InboundListener listens on a free port
 * and the tray, the UI's banner and Settings say which (inbound-listener.ts).
 */
async function listenForAlerts(engine: Engine): Promise<InboundListener> {
  const choice = desktopInboundPort(process.env.STANDBY_PORT, engine.inboundAddress.storedPort());
  if (choice.warning) log(choice.warning);
  const http = new InboundListener(engine, {
    host: '127.0.0.1',
    http: { token: randomBytes(32).toString('base64url') },
    wantedFrom: choice.from,
    live: choice.from !== 'STANDBY_PORT',
    log,
  });
  await http.start(choice.port);
  return http;
}

/**
 * applyStartAtLogin makes the OS start Standby at login, hidden in the tray, or not (login-item.ts):
 * the XDG autostart file on Linux, Electron's login item on macOS and Windows. Only a packaged app
 * registers itself: an unpackaged one would register the development Electron binary.
 */
function applyStartAtLogin(on: boolean): void {
  if (!app.isPackaged) {
    log(`start at login is ${on ? 'on' : 'off'}; only a packaged Standby registers itself with the OS`);
    return;
  }
  try {
    const plan = loginItemPlan(on, { platform: process.platform, execPath: process.env.APPIMAGE ?? process.execPath }, process.env);
    applyLoginItem(plan, { setLoginItemSettings: (s) => app.setLoginItemSettings(s) });
    log(`start at login ${on ? 'on' : 'off'}${plan.kind === 'xdg' ? ` (${plan.file})` : ''}`);
  } catch (err) {
    log(`could not turn start at login ${on ? 'on' : 'off'}: ${(err as Error).message}`);
  }
}

/** shutdown lets go of everything but the instance lock, bounded (shutdown.ts); it answers whether a keychain call still occupies a worker thread. */
async function shutdown(): Promise<boolean> {
  const r = running;
  running = undefined;
  if (!r) return false;
  for (const stop of r.stop) stop();
  r.notifications.dismissAll();
  r.alerts.closeAll();
  r.tray.destroy();
  const outcome = await stopWithin(async () => {
    await r.http?.close().catch(() => {});
    // An Acknowledge clicked just before Quit is written (or sent to the box) before the engine stops.
    await r.actions.settled();
    await r.engine?.stop();
    await r.remote?.stop();
  });
  if (!outcome.ok) log(outcome.reason);
  return r.engine?.secrets.busy ?? false;
}

// A packaged Standby never runs with a debugger port open to other programs (launch-guard.ts).
const refused = refusedSwitches(app.isPackaged, (name) => app.commandLine.hasSwitch(name));
if (refused.length > 0) {
  console.error(refusalMessage(refused));
  app.exit(2);
} else if (!app.requestSingleInstanceLock()) {
  // Another Standby runs for this user: it gets `second-instance` and shows its window.
  app.quit();
} else {
  app.on('second-instance', () => window.show());
  app.on('activate', () => window.show());
  app.on('web-contents-created', (_event, contents) => secureContents(contents, loc, log));
  // Closing the window hides it; Standby keeps running in the tray until Quit.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    window.allowClose();
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'stopping') return;
    quitting = 'stopping';
    void (async () => {
      await switching;
      return shutdown();
    })().then((stuck) => {
      release?.();
      quitting = 'done';
      // A keychain call stuck on an unlock prompt would hold Electron's exit forever (shutdown.ts): end by SIGKILL then.
      if (stuck) exitProcess(0, { stuck, log });
      else app.quit();
    });
  });
  const onSignal = () => app.quit();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Once quit, nothing of Standby's stays on the process (the shell's tests start it many times in one process).
  app.once('quit', () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  });
  void start();
}
