/**
 * On an old Node (the machine's system Node 20, still common), `npm install` refuses with npm's
 * EBADENGINE error (engine-strict in .npmrc), and `npm start` / `npm test` print one line saying
 * Standby needs Node 24 instead of a stack trace (scripts/check-node.cjs runs first).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD_TEST_MS, ROOT } from '../helpers/headless.ts';

/** SYSTEM_NODE is Debian's Node (20 here), with its npm beside it. */
const SYSTEM_NODE = '/usr/bin/node';
const systemMajor = existsSync(SYSTEM_NODE) ? Number(spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node.split(".")[0]']).stdout.toString().trim()) : 0;
const systemVersion = existsSync(SYSTEM_NODE) ? spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node']).stdout.toString().trim() : '';
const hasNpm = existsSync('/usr/bin/npm');
const skipReason = !existsSync(SYSTEM_NODE)
  ? ` (skipped: ${SYSTEM_NODE} does not exist, so there is no old Node to try)`
  : systemMajor >= 24
    ? ` (skipped: ${SYSTEM_NODE} is Node ${systemMajor}, not an old one)`
    : !hasNpm
      ? ' (skipped: /usr/bin/npm does not exist)'
      : '';
/** OLD_PATH puts the system Node (and its npm) first, as a person with only Node 20 has it. */
const OLD_PATH = `/usr/bin:/bin:${process.env.PATH ?? ''}`;
const ONE_LINE = `Standby needs Node 24 (you have ${systemVersion}): see README`;

/** runOld runs a command with the system Node first on PATH and answers its exit code and output. */
function runOld(cmd: string, args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, PATH: OLD_PATH, npm_config_update_notifier: 'false' }, timeout: 90_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('the preflight on Node 24', () => {
  it('says nothing and lets the script run', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/check-node.cjs')]);
    expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([0, '', '']);
  });

  it('asks for the Node major that package.json, .nvmrc and .npmrc ask for', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
    expect(pkg.engines.node).toBe('>=24');
    expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim()).toBe('24');
    expect(readFileSync(join(ROOT, 'scripts/check-node.cjs'), 'utf8')).toContain('NEEDED_MAJOR = 24;');
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
    for (const name of ['start', 'test', 'serve', 'standby', 'bench']) expect(pkg.scripts[name], name).toMatch(/^node scripts\/check-node\.cjs && /);
  });
});

describe.skipIf(skipReason !== '')(`on the system's old Node${skipReason}`, { timeout: CHILD_TEST_MS }, () => {
  const temps: string[] = [];
  afterAll(() => {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  /** expectOneLine checks a run failed with the one line and nothing that looks like a stack trace. */
  function expectOneLine(r: { status: number | null; stdout: string; stderr: string }): void {
    expect(r.status).not.toBe(0);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.stderr.split('\n').filter((l) => l.includes('Standby needs Node'))).toEqual([ONE_LINE]);
    expect(all).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|is not a function|^\s+at /m);
  }

  it('the preflight prints one line and exits 1', () => {
    const r = runOld(SYSTEM_NODE, [join(ROOT, 'scripts/check-node.cjs')]);
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', `${ONE_LINE}\n`]);
  });

  it('npm start says Standby needs Node 24 instead of a stack trace', () => {
    expectOneLine(runOld('/usr/bin/npm', ['start', '--', '--port', '0']));
  });

  it('npm test says it too', () => {
    expectOneLine(runOld('/usr/bin/npm', ['test']));
  });

  it('npm install refuses (engine-strict) naming the Node it needs', () => {
    // A copy of the project's manifest, lock file and .npmrc: a dry run that stops at the engine check touches nothing.
    const dir = mkdtempSync(join(tmpdir(), 'standby-old-node-'));
    temps.push(dir);
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(ROOT, f), join(dir, f));
    const r = runOld('/usr/bin/npm', ['install', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('EBADENGINE');
    expect(r.stderr).toContain('Not compatible with your version of node/npm: standby@');
    expect(r.stderr).toContain('Required: {"node":">=24"}');
  });
});
