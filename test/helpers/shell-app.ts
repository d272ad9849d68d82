/**
 * launchShell starts the real Electron main process (electron/main/index.ts) in this Node, with
 * `electron` replaced by the double (test/helpers/electron-double, aliased in vitest.config.ts's
 * `shell` project): its engine on a temporary data directory, its HTTP listener on a free port on
 * 127.0.0.1, secrets from the environment (no keychain). The data directory is prepared first with
 * an Events API v2 integration, so a test triggers incidents over HTTP as a monitoring tool would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { vi } from 'vitest';
import { SystemClock } from '../../electron/engine/clock.ts';
import { DATABASE_FILE } from '../../electron/engine/data-dir.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { EnvSecretStore } from '../../electron/engine/secrets/env-store.ts';
import { ChannelRegistry } from '../../electron/engine/notify/registry.ts';
import { IPC_INVOKE_CHANNEL, type BridgeResult } from '../../electron/shared/bridge.ts';
import type { ApiInput, ApiMethod, ApiOutputs } from '../../electron/shared/api.ts';
import type * as ElectronDouble from './electron-double/index.ts';
import { waitFor } from './electron-double/world.ts';

/** Double is the double's module as the shell sees it. */
export type Double = typeof ElectronDouble;

/** ShellApp is a started shell: the double it runs against, where its data and HTTP listener are, and what it logged. */
export interface ShellApp {
  electron: Double;
  dataDir: string;
  url: string;
  routingKey: string;
  logs: string[];
  /** db opens the shell's database read-only (close it after use). */
  db(): DatabaseSync;
  /** incident reads one incident's row by number. */
  incident(number: number): { id: number; status: string; snoozed_until: number | null; urgency: string };
  /** trigger sends an Events API v2 trigger to the shell's HTTP listener and answers its status. */
  trigger(summary: string, o?: { severity?: 'critical' | 'error' | 'warning' | 'info'; dedupKey?: string }): Promise<number>;
  /** call calls an API method over the shell's IPC handler, as the dashboard window's page does (the window must be open). */
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutputs[M]>;
  /** quit quits the app as the person would (Quit Standby), and waits until the quit went through. */
  quit(): Promise<void>;
}

/** LaunchOptions change how the shell starts. */
export interface LaunchOptions {
  /** argv are extra process arguments (`--hidden`). */
  argv?: string[];
  /** dataDir reuses a prepared data directory. */
  dataDir?: string;
  /** before runs on the fresh double before the shell's code is imported (set knobs such as `lockHeldElsewhere`). */
  before?: (electron: Double) => void;
  /** waitForStart is false for a start that is expected to stop early. */
  waitForStart?: boolean;
  /** env are extra environment variables for this start. */
  env?: Record<string, string>;
}

const cleanups: Array<() => void | Promise<void>> = [];

/** cleanupShells quits a shell still running, removes the data directories and restores argv and the environment (await it in afterEach). */
export async function cleanupShells(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** freePort answers a port nobody listens on right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** prepareDataDir makes a data directory with the default setup and one Events API v2 integration; it answers the routing key. */
export async function prepareDataDir(): Promise<{ dataDir: string; routingKey: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-shell-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const engine = new Engine({ databasePath: join(dataDir, DATABASE_FILE), clock: new SystemClock(), channels: new ChannelRegistry(), secrets: new EnvSecretStore({}), log: () => {} });
  await engine.start();
  try {
    const service = (await engine.invoke('services.list', {}))[0]!;
    const integration = await engine.invoke('integrations.create', { serviceId: service.id, type: 'events_v2', name: 'Shell test', rateLimitPerMinute: 0 });
    return { dataDir, routingKey: integration.key! };
  } finally {
    await engine.stop();
  }
}

/** launchShell imports electron/main/index.ts afresh against a fresh double and waits until it has started (its tray menu built). */
export async function launchShell(o: LaunchOptions = {}): Promise<ShellApp> {
  const prepared = o.dataDir ? { dataDir: o.dataDir, routingKey: '' } : await prepareDataDir();
  const port = await freePort();
  const env: Record<string, string> = { STANDBY_DATA_DIR: prepared.dataDir, STANDBY_PORT: String(port), STANDBY_SECRETS_FROM_ENV: '1', ...o.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const argv = process.argv;
  process.argv = [...argv, ...(o.argv ?? [])];
  cleanups.push(() => {
    process.argv = argv;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  cleanups.push(() => spy.mockRestore());

  vi.resetModules();
  const electron = (await import('./electron-double/index.ts')) as Double;
  o.before?.(electron);
  await import('../../electron/main/index.ts');
  const url = `http://127.0.0.1:${port}`;
  if (o.waitForStart !== false) {
    await waitFor(() => logs.some((l) => l.includes('standby: started with data in')) || electron.world.exitCode !== undefined, 'the shell to start');
    if (electron.world.exitCode !== undefined) throw new Error(`the shell exited with ${electron.world.exitCode}: ${JSON.stringify(electron.world.errorBoxes)}\n${logs.join('\n')}`);
  }
  const app: ShellApp = {
    electron,
    dataDir: prepared.dataDir,
    url,
    routingKey: prepared.routingKey,
    logs,
    db: () => new DatabaseSync(join(prepared.dataDir, DATABASE_FILE), { readOnly: true }),
    incident(number) {
      const db = app.db();
      try {
        const row = db.prepare('SELECT id, status, snoozed_until, urgency FROM incidents WHERE number = ?').get(number);
        if (!row) throw new Error(`no incident #${number} in the database`);
        return row as ReturnType<ShellApp['incident']>;
      } finally {
        db.close();
      }
    },
    async trigger(summary, t = {}) {
      const res = await fetch(`${url}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ routing_key: prepared.routingKey, event_action: 'trigger', dedup_key: t.dedupKey ?? summary, payload: { summary, source: 'shell-test', severity: t.severity ?? 'critical' } }),
      });
      await res.body?.cancel();
      return res.status;
    },
    async call(method, input) {
      const win = electron.allWindows.find((w) => !w.isDestroyed() && w.options.title === 'Standby');
      if (!win) throw new Error('the dashboard window is not open');
      const r = (await electron.ipcMain.invoke(IPC_INVOKE_CHANNEL, { sender: win.webContents, frameUrl: win.url }, method, input)) as BridgeResult;
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value as ApiOutputs[typeof method];
    },
    async quit() {
      if (!electron.world.quit) electron.app.quit();
      await waitFor(() => electron.world.quit || electron.world.exitCode !== undefined, 'the quit to go through');
    },
  };
  // A test that fails midway still quits the shell, so its engine and listener do not outlive the test.
  cleanups.push(async () => {
    if (!electron.world.quit && electron.world.exitCode === undefined) await app.quit().catch(() => {});
  });
  return app;
}
