import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_DIR, buildIfMissing, findElectronBinary, forwardedArgs, notAvailableLine, startOptions } from '../../scripts/start.ts';
import { CHILD_TEST_MS } from '../helpers/headless.ts';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'standby-start-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** fakeProject is a project folder with a stand-in `electron` package whose index.js returns dist/electron. */
function fakeProject(): { dir: string; electronDir: string } {
  const dir = temp();
  writeFileSync(join(dir, 'package.json'), '{"name":"fake","private":true}');
  const electronDir = join(dir, 'node_modules', 'electron');
  mkdirSync(electronDir, { recursive: true });
  writeFileSync(join(electronDir, 'package.json'), '{"name":"electron","main":"index.js"}');
  writeFileSync(join(electronDir, 'index.js'), "module.exports = require('path').join(__dirname, 'dist', require('fs').readFileSync(__dirname + '/path.txt', 'utf8'));");
  return { dir, electronDir };
}

describe('findElectronBinary', () => {
  const display = { DISPLAY: ':99' };

  it('says the package is missing', () => {
    const dir = temp();
    writeFileSync(join(dir, 'package.json'), '{}');
    expect(findElectronBinary(dir, display, 'linux')).toEqual({ available: false, reason: 'the electron package is not installed' });
  });

  it('says the binary was never downloaded, without running the package (which would download it)', () => {
    const { dir } = fakeProject();
    const found = findElectronBinary(dir, display, 'linux');
    expect(found).toEqual({ available: false, reason: `its binary was never downloaded: ${join('node_modules', 'electron', 'path.txt')} is missing` });
  });

  it('says the binary is missing when path.txt names a file that is not there', () => {
    const { dir, electronDir } = fakeProject();
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    expect(findElectronBinary(dir, display, 'linux')).toEqual({ available: false, reason: `its binary ${join('node_modules', 'electron', 'dist', 'electron')} is missing` });
  });

  it('finds the binary, and on Linux also wants a display', () => {
    const { dir, electronDir } = fakeProject();
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    mkdirSync(join(electronDir, 'dist'));
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    expect(findElectronBinary(dir, display, 'linux')).toEqual({ available: true, path: join(electronDir, 'dist', 'electron') });
    expect(findElectronBinary(dir, {}, 'linux')).toEqual({ available: false, reason: 'no display: $DISPLAY and $WAYLAND_DISPLAY are unset' });
    expect(findElectronBinary(dir, {}, 'darwin').available).toBe(true);
  });

  it('forwards the arguments after --', () => {
    expect(forwardedArgs(['--', '--port', '0'])).toEqual(['--port', '0']);
    expect(forwardedArgs(['--port', '0'])).toEqual(['--port', '0']);
  });
});

describe('a quiet npm start', () => {
  /** THIRTY_LINES stands in for the build: thirty lines of output, then the exit code given. */
  const thirtyLines = (code: number): string[] => [process.execPath, '-e', `for (let i = 0; i < 30; i++) console.log('vite: transforming module ' + i); process.exit(${code})`];
  const BUILDING = "Building Standby (its first start after an install or update; `npm start -- --verbose` shows the build's output)...\n";

  it('takes --verbose for itself and forwards the rest', () => {
    expect(startOptions(['--', '--verbose', '--port', '0'])).toEqual({ verbose: true, args: ['--port', '0'] });
    expect(startOptions(['--port', '0'])).toEqual({ verbose: false, args: ['--port', '0'] });
  });

  it('builds with one line, and keeps the build output to itself when the build works', async () => {
    const out: string[] = [];
    expect(await buildIfMissing(['out/renderer/index.html'], { projectDir: temp(), command: thirtyLines(0), write: (t) => out.push(t) })).toBe(0);
    expect(out).toEqual([BUILDING]);
  });

  it('shows the build output when the build fails', async () => {
    const out: string[] = [];
    expect(await buildIfMissing(['out/renderer/index.html'], { projectDir: temp(), command: thirtyLines(3), write: (t) => out.push(t) })).toBe(3);
    const text = out.join('');
    expect(text.startsWith(BUILDING)).toBe(true);
    expect(text.match(/vite: transforming module/g)).toHaveLength(30);
    expect(text.endsWith('The build failed (exit code 3); its output is above.\n')).toBe(true);
  });

  it('shows the build output as it comes with --verbose', () => {
    const dir = temp();
    const script = `const m = await import(${JSON.stringify(join(PROJECT_DIR, 'scripts/start.ts'))}); process.exitCode = await m.buildIfMissing(['out/x'], { projectDir: ${JSON.stringify(dir)}, verbose: true, command: ${JSON.stringify(thirtyLines(0))} });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_DIR });
    expect(r.status).toBe(0);
    expect(r.stdout.toString().match(/vite: transforming module/g)).toHaveLength(30);
  });

  it('builds nothing when the build is there', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'index.html'), '');
    const out: string[] = [];
    expect(await buildIfMissing(['out/index.html'], { projectDir: dir, command: thirtyLines(1), write: (t) => out.push(t) })).toBe(0);
    expect(out).toEqual([]);
  });
});

const electron = findElectronBinary();

const skipReason = electron.available ? ' (skipped: Electron is available here, so npm start would open the app)' : '';
describe.skipIf(electron.available)(`npm start without Electron${skipReason}`, () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints one line, starts headless, answers /healthz and exits 0 on SIGTERM', async () => {
    const dataDir = temp();
    // STANDBY_NO_BUILD keeps the test from rebuilding out/ while other tests read it; the API runs without the UI.
    const proc = spawn(process.execPath, ['scripts/start.ts', '--', '--port', '0', '--data-dir', dataDir], {
      cwd: PROJECT_DIR,
      env: { ...process.env, STANDBY_TOKEN: 'test-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVWX', STANDBY_NO_BUILD: '1', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`start.ts exited with ${code} before listening:\n${stdout}\n${stderr}`)));
    });
    const reason = electron.available ? '' : electron.reason;
    expect(stdout.split('\n')[0]).toBe(notAvailableLine(reason));
    expect(stdout.match(/Electron is not available/g)).toHaveLength(1);
    // The URL comes right after, before anything else the server says.
    expect(stdout.split('\n')[1]).toMatch(/^Standby \(headless\) listening on http:\/\/127\.0\.0\.1:\d+ with data in /);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const api = await fetch(`${url}/api/incidents.list`, { method: 'POST', headers: { authorization: 'Bearer test-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVWX', 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(200);

    const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, CHILD_TEST_MS);
});

describe.skipIf(electron.available)(`npm start on a busy port${skipReason}`, () => {
  it('says the port is in use and names --port', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const proc = spawn(process.execPath, ['scripts/start.ts', '--', '--port', String(port), '--data-dir', temp()], {
        cwd: PROJECT_DIR,
        env: { ...process.env, STANDBY_TOKEN: 'test-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVWX', STANDBY_NO_BUILD: '1', NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `Standby could not start: port ${port} on 127.0.0.1 is already in use (another Standby, or another program, listens on 127.0.0.1:${port}). Start with --port N to use another port, or --port 0 to take any free one.`,
      );
    } finally {
      holder.close();
    }
  }, CHILD_TEST_MS);
});
