/**
 * The API token stays out of service logs: a child server whose output is not a terminal (as under
 * systemd or a log file) prints where the token is, never the token, and writes it to a file only
 * its owner can read. On a terminal (a pseudo-terminal made by util-linux `script`) it is printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announceToken, API_TOKEN_FILE } from '../../../electron/engine/headless/token-notice.ts';
import { PrivateFileError, writePrivateFile } from '../../../electron/engine/private-file.ts';
import { api, CHILD_TEST_MS, ROOT, START_MS, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';

describe('writePrivateFile', () => {
  it('writes with mode 0600 and replaces its own file', () => {
    const file = join(tempDir(), 'secret');
    writePrivateFile(file, 'one\n');
    writePrivateFile(file, 'two\n');
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a file others may read, and a symbolic link, leaving them as they were', () => {
    const dir = tempDir();
    const open = join(dir, 'open');
    writeFileSync(open, 'keep\n', { mode: 0o644 });
    expect(() => writePrivateFile(open, 'x')).toThrow(PrivateFileError);
    expect(() => writePrivateFile(open, 'x')).toThrow(/open has permissions 644, so other users may read it; only you may read a file that holds a secret \(chmod 600/);
    expect(readFileSync(open, 'utf8')).toBe('keep\n');
    const link = join(dir, 'link');
    symlinkSync(join(dir, 'elsewhere'), link);
    expect(() => writePrivateFile(link, 'x')).toThrow(/link is not a regular file/);
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
  });
});

describe('announceToken', () => {
  const base = { token: 'tok-123', url: 'https://127.0.0.1:8730' };

  it('prints the token only on a terminal', () => {
    const dataDir = tempDir();
    expect(announceToken({ ...base, fromEnv: false, interactive: true, dataDir }).join('\n')).toContain('https://127.0.0.1:8730/#token=tok-123');
    expect(existsSync(join(dataDir, API_TOKEN_FILE))).toBe(false);
    const lines = announceToken({ ...base, fromEnv: false, interactive: false, dataDir }).join('\n');
    expect(lines).not.toContain('tok-123');
    expect(lines).toContain(`API token: in ${join(dataDir, API_TOKEN_FILE)} (only you can read it`);
    expect(readFileSync(join(dataDir, API_TOKEN_FILE), 'utf8')).toBe('tok-123\n');
  });

  it('never writes a STANDBY_TOKEN anywhere unless --token-file asks', () => {
    const dataDir = tempDir();
    const lines = announceToken({ ...base, fromEnv: true, interactive: false, dataDir }).join('\n');
    expect(lines).toMatch(/^API token: the one in STANDBY_TOKEN/);
    expect(lines).not.toContain('tok-123');
    expect(existsSync(join(dataDir, API_TOKEN_FILE))).toBe(false);
    const file = join(dataDir, 'asked');
    announceToken({ ...base, fromEnv: true, interactive: false, dataDir, tokenFile: file });
    expect(readFileSync(file, 'utf8')).toBe('tok-123\n');
  });
});

describe('a child server', () => {
  const children: ChildServer[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.child.kill('SIGKILL');
  });

  it('whose output is not a terminal never prints its token, and writes it to DIR/api-token (0600)', async () => {
    const dataDir = tempDir();
    const s = await startChild(['--data-dir', dataDir]);
    children.push(s);
    await waitFor(() => s.output().includes('API token: '), 'the token line');
    const file = join(dataDir, API_TOKEN_FILE);
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.output()).not.toContain(token);
    expect(s.output()).not.toContain(token.slice(0, 8));
    expect(s.output()).toContain(`API token: in ${file} (only you can read it; it is not printed because this output is not a terminal)`);
    expect((await api(s.url, token, 'system.health')).status).toBe(200);
  }, CHILD_TEST_MS);

  it('with STANDBY_TOKEN prints and writes nothing of it; --token-file gets it with mode 0600', async () => {
    const dataDir = tempDir();
    const tokenFile = join(tempDir(), 'standby-token');
    const token = 'env-token-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK';
    const s = await startChild(['--data-dir', dataDir, '--token-file', tokenFile], { STANDBY_TOKEN: token });
    children.push(s);
    await waitFor(() => s.output().includes('API token: '), 'the token line');
    expect(s.output()).not.toContain(token);
    expect(existsSync(join(dataDir, API_TOKEN_FILE))).toBe(false);
    expect(readFileSync(tokenFile, 'utf8')).toBe(`${token}\n`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  }, CHILD_TEST_MS);

  it('refuses a --token-file that others may read, before it binds anything', async () => {
    const tokenFile = join(tempDir(), 'shared-token');
    writeFileSync(tokenFile, 'old\n', { mode: 0o644 });
    await expect(startChild(['--data-dir', tempDir(), '--token-file', tokenFile])).rejects.toThrow(/exited with 2[\s\S]*--token-file: .*shared-token has permissions 644, so other users may read it/);
    expect(readFileSync(tokenFile, 'utf8')).toBe('old\n');
  }, CHILD_TEST_MS);

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)(`on a terminal prints the URL with its token${hasScript ? '' : ' (skipped: util-linux `script` is not installed to make a pseudo-terminal)'}`, async () => {
    const dataDir = tempDir();
    const command = `${process.execPath} ${join(ROOT, 'electron/engine/headless/cli.mjs')} serve --port 0 --data-dir ${dataDir}`;
    const env = { ...process.env };
    delete env.STANDBY_TOKEN;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const line = await waitFor(() => /Open (https?:\/\/\S+)\/#token=([A-Za-z0-9_-]+) in a browser/.exec(out), 'the token line on the terminal', START_MS);
      expect(existsSync(join(dataDir, API_TOKEN_FILE))).toBe(false);
      expect((await api(line![1]!, line![2]!, 'system.health')).status).toBe(200);
    } finally {
      const pidFile = join(dataDir, 'standby.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone with its terminal
        }
      }
      child.kill('SIGKILL');
    }
  }, CHILD_TEST_MS);
});
