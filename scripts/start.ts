/**
 * `npm start [-- [--verbose] ARGS]`: Standby as a tray app when this machine can run Electron, otherwise the
 * same engine headless (HTTP API and web UI on 127.0.0.1), with ARGS passed to `standby serve`.
 * Either way it builds the app first when the build it needs is missing (STANDBY_NO_BUILD=1 skips that);
 * the build says one line, and its own output is shown only with --verbose or when it fails.
 * The headless child shares this process's stdout, so it prints the API token only when that is a
 * terminal; otherwise (a service, a log file) it writes the token to DIR/api-token and says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { engineModule } from '../electron/engine/headless/engine-bundle.mjs';
import { SERVER_FLAGS } from '../electron/engine/runtime-flags.ts';

/** PROJECT_DIR is the repository root (the folder with package.json). */
export const PROJECT_DIR = join(import.meta.dirname, '..');

/** ElectronBinary says whether Electron can run here: its executable's path, or why not. */
export type ElectronBinary = { available: true; path: string } | { available: false; reason: string };

/**
 * findElectronBinary looks for the Electron executable without triggering its download: the
 * `electron` package's index.js fetches the binary when path.txt or the binary is missing, so the
 * files are checked first and index.js is only required once they exist.
 */
export function findElectronBinary(
  projectDir: string = PROJECT_DIR,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ElectronBinary {
  const require = createRequire(join(projectDir, 'package.json'));
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { available: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { available: false, reason: `its binary was never downloaded: ${relative(projectDir, pathFile)} is missing` };
  const executable = readFileSync(pathFile, 'utf8').trim();
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron') : join(packageDir, 'dist', executable);
  if (!existsSync(binary)) return { available: false, reason: `its binary ${relative(projectDir, binary)} is missing` };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { available: false, reason: 'no display: $DISPLAY and $WAYLAND_DISPLAY are unset' };
  try {
    return { available: true, path: require('electron') as string };
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
}

/** notAvailableLine is the one line `npm start` prints before falling back to headless. */
export function notAvailableLine(reason: string): string {
  return `Electron is not available on this machine (${reason}); starting Standby headless instead.`;
}

/** forwardedArgs are the arguments after `--` (npm already strips it; `node scripts/start.ts -- ...` does not). */
export function forwardedArgs(argv: string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : argv;
}

/** startOptions splits `npm start`'s own flag (--verbose: show the build's output) from the arguments for `standby serve` or the app. */
export function startOptions(argv: string[]): { verbose: boolean; args: string[] } {
  const args = forwardedArgs(argv);
  return { verbose: args.includes('--verbose'), args: args.filter((a) => a !== '--verbose') };
}

/**
 * runQuietly runs a command with its output collected instead of shown: on success nothing is printed,
 * on failure (or with verbose) all of it is, so a person sees the build's 30 lines only when they matter.
 * It resolves with the exit code.
 */
export function runQuietly(command: string, args: string[], o: { cwd: string; verbose: boolean; write: (text: string) => void }): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: o.cwd, stdio: ['ignore', o.verbose ? 'inherit' : 'pipe', o.verbose ? 'inherit' : 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d));
    child.once('error', (err) => {
      o.write(`could not run ${command}: ${err.message}\n`);
      resolve(1);
    });
    child.once('close', (code) => {
      if (code !== 0 && !o.verbose) o.write(Buffer.concat(chunks).toString());
      resolve(code ?? 1);
    });
  });
}

/** run starts a child with inherited stdio, passes SIGINT and SIGTERM on to it, and resolves with its exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_DIR, stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const done = (code: number) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code);
    };
    child.once('error', (err) => {
      console.error(`could not run ${command}: ${err.message}`);
      done(1);
    });
    child.once('exit', (code, signal) => done(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
  });
}

/** BuildOptions say where and how to build (tests pass their own project and command). */
export interface BuildOptions {
  projectDir?: string;
  verbose?: boolean;
  /** command is the build to run: node and its arguments (default: electron-vite build). */
  command?: string[];
  write?: (text: string) => void;
}

/**
 * buildIfMissing runs `electron-vite build` unless every file named is already there (or
 * STANDBY_NO_BUILD is set), saying so in one line; the build's own output is shown only with
 * verbose or when it fails. It returns the exit code.
 */
export async function buildIfMissing(files: string[], o: BuildOptions = {}): Promise<number> {
  const projectDir = o.projectDir ?? PROJECT_DIR;
  const write = o.write ?? ((text: string) => void process.stdout.write(text));
  if (process.env.STANDBY_NO_BUILD === '1' || files.every((f) => existsSync(join(projectDir, f)))) return 0;
  const [command, ...args] = o.command ?? [process.execPath, join(projectDir, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'];
  write(`Building Standby (its first start after an install or update; \`npm start -- --verbose\` shows the build's output)...\n`);
  const code = await runQuietly(command!, args, { cwd: projectDir, verbose: o.verbose === true, write });
  if (code !== 0) write(`The build failed (exit code ${code}); its output is above.\n`);
  return code;
}

/** main starts Standby; it resolves with an exit code, or never when the headless server keeps running. */
export async function main(argv: string[]): Promise<number> {
  const { verbose, args } = startOptions(argv);
  const electron = findElectronBinary();
  if (electron.available) {
    const built = await buildIfMissing(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'], { verbose });
    if (built !== 0) return built;
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    return run(electron.path, [PROJECT_DIR, ...args], env);
  }
  console.log(notAvailableLine(electron.reason));
  if ((await buildIfMissing(['out/renderer/index.html'], { verbose })) !== 0) {
    console.error('The web UI could not be built; starting the API anyway (its page says how to build the UI).');
  }
  // The engine's bundle (scripts/build-engine.ts, about a second), when it is missing or older than the
  // sources: `standby serve` runs it in less memory. Without it the sources run, so a failure only says so.
  if (process.env.STANDBY_NO_BUILD !== '1' && !engineModule(PROJECT_DIR, {}).bundled) {
    const code = await runQuietly(process.execPath, [join(PROJECT_DIR, 'scripts/build-engine.ts')], { cwd: PROJECT_DIR, verbose, write: (t) => void process.stdout.write(t) });
    if (code !== 0) console.error('The engine could not be bundled; running it from its sources (it uses more memory).');
  }
  // A child process, so that the headless server runs with the server's V8 flags like `npm run serve`.
  return run(process.execPath, [...SERVER_FLAGS, join(PROJECT_DIR, 'electron/engine/headless/cli.mjs'), 'serve', ...args]);
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
