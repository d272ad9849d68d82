/**
 * The `standby` command (entered through cli.mjs). `npm run serve -- --data-dir DIR --port N [--host 127.0.0.1 [--allow-lan]] [--config FILE]`: Standby headless.
 * Prints where it listens and where to find the API token (token-notice.ts); SIGTERM or Ctrl-C shuts it down cleanly.
 * The network flags (--host, --allow-lan, TLS, --public-url, --token-file) are checked in serve-flags.ts.
 * `standby backup` and `standby restore` (`npm run standby -- backup`) are in backup-cli.ts.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SystemClock } from '../clock.ts';
import { defaultDataDir } from '../data-dir.ts';
import { DEFAULT_PORT } from '../http/listen.ts';
import { InstanceLockedError } from '../instance-lock.ts';
import { DatabaseDamagedError } from '../store/open-database.ts';
import { backupCommand, restoreCommand } from './backup-cli.ts';
import { pairCommand } from './pair-cli.ts';
import { chooseSecretStore } from '../secrets/choose-store.ts';
import { keyStrengthProblem } from '../secrets/key-strength.ts';
import { exitProcess, stopWithin } from '../shutdown.ts';
import { stdoutLines } from './line-batcher.ts';
import { startHeadless } from './server.ts';
import { checkServeFlags, SERVE_FLAG_OPTIONS, SERVE_FLAGS_USAGE } from './serve-flags.ts';
import { announceToken } from './token-notice.ts';


const usage = `usage: standby serve [--data-dir DIR] [--port N] [--host ADDR [--allow-lan]] [--config FILE] [--keep-backups N]
                     [--tls-cert FILE --tls-key FILE | --insecure-http] [--public-url URL]... [--token-file FILE] [--new-token]
       standby backup [FILE] [--data-dir DIR]     (standby backup --help)
       standby restore [FILE] [--data-dir DIR]    (standby restore --help)
       standby pair [--data-dir DIR]              a one-time code to pair a device with this Standby
  --data-dir DIR   where the database lives (default: $STANDBY_DATA_DIR or ${defaultDataDir()})
  --port N         HTTP port on the host (default ${DEFAULT_PORT}; 0 picks a free one)
${SERVE_FLAGS_USAGE}
  --config FILE    import this configuration (YAML or JSON) at start; a bad file changes nothing
  --keep-backups N how many daily backups to keep in DIR/backups (default 7; 0 takes none)
  --new-token      replace the kept API token with a new one: open browser tabs and scripts using the old one stop working
Environment: STANDBY_TOKEN sets the API token (32 random bytes or more, hex or base64; otherwise Standby makes one and
keeps it in the OS keychain for this data directory; printed only on a terminal, else written to --token-file or DIR/api-token). Secrets (channel tokens)
live in the OS keychain; without one, STANDBY_SECRETS_FROM_ENV=1 reads each from STANDBY_SECRET_<REF>.`;

/** portProblem says, naming --port, why the address could not be bound (undefined: another error). */
export function portProblem(err: unknown, host: string, port: number): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE') return `Standby could not start: port ${port} on ${host} is already in use (another Standby, or another program, listens on ${where}). Start with --port N to use another port, or --port 0 to take any free one.`;
  if (code === 'EACCES') return `Standby could not start: this user may not listen on port ${port} (ports below 1024 need extra rights). Start with --port N, a port from 1024 to 65535, or --port 0 to take any free one.`;
  return undefined;
}

/** main runs the CLI; it returns the process exit code for errors before the server starts. */
export async function main(argv: string[], paths: { uiDir?: string } = {}): Promise<number> {
  if (argv[0] === 'backup') return backupCommand(argv.slice(1));
  if (argv[0] === 'restore') return restoreCommand(argv.slice(1));
  if (argv[0] === 'pair') return pairCommand(argv.slice(1));
  let values;
  try {
    ({ values } = parseArgs({
      args: argv[0] === 'serve' ? argv.slice(1) : argv,
      options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, config: { type: 'string' }, 'keep-backups': { type: 'string' }, 'new-token': { type: 'boolean' }, help: { type: 'boolean' }, ...SERVE_FLAG_OPTIONS },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port: must be a whole number from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  const keepBackups = values['keep-backups'] === undefined ? undefined : Number(values['keep-backups']);
  if (keepBackups !== undefined && (!Number.isInteger(keepBackups) || keepBackups < 0 || keepBackups > 1000)) {
    console.error(`--keep-backups: must be a whole number from 0 to 1000, got "${values['keep-backups']}"`);
    return 2;
  }
  const net = await checkServeFlags(values);
  if (!net.ok) {
    console.error(net.message);
    return 2;
  }
  const weakToken = process.env.STANDBY_TOKEN ? keyStrengthProblem(process.env.STANDBY_TOKEN) : undefined;
  if (weakToken) {
    console.error(`STANDBY_TOKEN ${weakToken}. Or leave STANDBY_TOKEN unset to have Standby make one and keep it.`);
    return 2;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.STANDBY_DATA_DIR ?? defaultDataDir());
  const offset = Number(process.env.STANDBY_CLOCK_OFFSET_MS ?? 0);
  // What the engine says while it starts waits until the URL is out, so the URL comes first.
  const early: string[] = [];
  let started = false;
  const flushEarly = (): void => {
    started = true;
    for (const line of early.splice(0)) console.log(line);
  };
  // Once started, the engine's lines (a page delivered is one) go out in one write per turn.
  const out = stdoutLines();
  const engineLog = (line: string): void => {
    if (started) out.log(line);
    else early.push(line);
  };
  try {
    // Before the server starts: a box without a keychain keeps its secrets in a 0600 file (choose-store.ts).
    const secrets = await chooseSecretStore({ dataDir });
    const server = await startHeadless({
      dataDir,
      port,
      host: net.address,
      tls: net.tls,
      publicUrls: net.publicUrls,
      lanAccess: net.lan,
      configFile: values.config,
      token: process.env.STANDBY_TOKEN || undefined,
      rotateToken: values['new-token'] === true,
      uiDir: paths.uiDir ?? resolve(import.meta.dirname, '../../../out/renderer'),
      clock: new SystemClock(Number.isFinite(offset) ? offset : 0),
      secrets: secrets.store,
      keepBackups,
      log: engineLog,
    });
    // The URL first, with the token or where it is; then what else the person may want to know.
    console.log(`Standby (headless) listening on ${server.url} with data in ${dataDir}`);
    try {
      const interactive = process.stdout.isTTY === true;
      for (const line of announceToken({ token: server.token, fromEnv: Boolean(process.env.STANDBY_TOKEN), interactive, tokenFile: values['token-file'], dataDir, url: server.url })) console.log(line);
    } catch (err) {
      flushEarly();
      console.error(`Standby could not start: ${(err as Error).message}`);
      await stopWithin(() => server.close());
      return 1;
    }
    if (server.tokenLine) console.log(server.tokenLine);
    console.log(secrets.line);
    flushEarly();
    for (const line of net.startLines(server.tls)) console.log(line);
    console.log(`Alerts: POST ${server.url}/v2/enqueue (PagerDuty Events API v2) and ${server.url}/integrations/alertmanager (Alertmanager webhook), with an integration key.`);
    let closing = false;
    const log = (line: string) => {
      out.flush();
      console.log(line);
    };
    // Bounded: the shutdown gets SHUTDOWN_LIMIT_MS, and a keychain call stuck in a worker thread cannot hold the exit (shutdown.ts).
    const shutdown = (signal: 'SIGTERM' | 'SIGINT') => {
      if (closing) return;
      closing = true;
      log(`${signal}: shutting down`);
      void stopWithin(() => server.close()).then((outcome) => {
        if (!outcome.ok) console.error(`${outcome.reason}; exiting anyway`);
        exitProcess(outcome.ok ? 0 : 1, { stuck: server.engine.secrets.busy || secrets.probing(), signal, log });
      });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
    return -1;
  } catch (err) {
    flushEarly();
    const busy = portProblem(err, net.address, port);
    if (busy) console.error(busy);
    else if (err instanceof InstanceLockedError || err instanceof DatabaseDamagedError) console.error(err.message);
    else console.error(`Standby could not start: ${(err as Error).message}`);
    return 1;
  }
}
