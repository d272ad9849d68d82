import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_DIR, findElectronBinary, forwardedArgs, notAvailableLine } from '../../scripts/start.ts';
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

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const api = await fetch(`${url}/api/incidents.list`, { method: 'POST', headers: { authorization: 'Bearer test-token-0123456789-ABCDEFGHIJKLMNOPQRSTUVWX', 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(200);

    const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, CHILD_TEST_MS);
});
