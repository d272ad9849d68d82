/**
 * The acceptance test for a file that rots, with real processes: `npm run standby -- backup` while a
 * server runs; then a corrupted page, a truncated file and a zero-byte file each make `standby serve` exit
 * non-zero with a message naming the file, the newest backup and how to restore it; `standby
 * restore` (refused while a server runs, and for a damaged backup) moves the damaged files aside and
 * the next start is clean, with the backup's incidents.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { damage, type Damage } from '../../helpers/damage.ts';
import { api, ROOT, startChild, tempDir, type ChildServer } from '../../helpers/headless.ts';

const TOKEN = 'damaged-db-token-0123456789-ABCDEFGHIJKLMNOP';
const INCIDENTS = 30;
const children: ChildServer[] = [];
afterEach(() => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
});

/** standby runs `node cli.mjs <args>` (or, with npm, `npm run standby -- <args>`) to its end and answers its exit code and output. */
function standby(args: string[], via: 'node' | 'npm' = 'node'): Promise<{ code: number | null; output: string }> {
  const [command, prefix] = via === 'npm' ? ['npm', ['run', '--silent', 'standby', '--']] : [process.execPath, [join(ROOT, 'electron/engine/headless/cli.mjs')]];
  const child = spawn(command, [...prefix, ...args], { cwd: ROOT, env: { ...process.env, STANDBY_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const count = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** prepared is a data directory with INCIDENTS incidents and a backup of them taken while the server ran. */
async function prepared(): Promise<{ dir: string; backup: string }> {
  const dir = tempDir('standby-damaged-');
  const s = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
  children.push(s);
  const serviceId = (await api(s.url, TOKEN, 'services.list')).body[0].id;
  for (let i = 0; i < INCIDENTS; i++) {
    const r = await api(s.url, TOKEN, 'incidents.trigger', { serviceId, title: `Incident ${i}: ${'the disk rots '.repeat(20)}`, dedupKey: `rot-${i}` });
    expect(r.status).toBe(200);
  }
  const b = await standby(['backup', '--data-dir', dir], 'npm');
  expect(b.code, b.output).toBe(0);
  const backup = /to (\S+\.db) \(/.exec(b.output)![1]!;
  expect(b.output).toContain(`Backed up ${join(dir, 'standby.db')} to ${join(dir, 'backups')}/standby-`);
  expect(count(backup)).toBe(INCIDENTS);
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  expect(existsSync(join(dir, 'standby.db-wal'))).toBe(false);
  return { dir, backup };
}

describe('a damaged database', () => {
  const problems: Record<Damage, RegExp> = {
    'corrupted page': /is damaged \((quick_check: |SQLITE_CORRUPT: )/,
    truncated: /is truncated: \d+ bytes, but its header says \d+/,
    'zero bytes': /is empty \(0 bytes\)/,
  };

  it('refuses to start (corrupted page, truncated, zero bytes), naming the file and the newest backup; standby restore then starts clean', { timeout: 240_000 }, async () => {
    const pristine = await prepared();
    for (const how of Object.keys(problems) as Damage[]) {
      const dir = tempDir('standby-damaged-');
      cpSync(pristine.dir, dir, { recursive: true });
      const file = join(dir, 'standby.db');
      const newest = pristine.backup.replace(pristine.dir, dir);
      damage(file, how);
      const damagedBytes = readFileSync(file);

      await expect(startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN }), how).rejects.toThrow(/exited with 1 before listening/);
      const refused = await standby(['serve', '--port', '0', '--data-dir', dir]);
      expect(refused.code, how).toBe(1);
      expect(refused.output, how).toMatch(new RegExp(`Standby will not start: its database ${file} ${problems[how].source}`));
      expect(refused.output, how).toContain(`The newest backup is ${newest} (taken `);
      expect(refused.output, how).toContain(`standby restore --data-dir "${dir}"`);
      expect(readFileSync(file).equals(damagedBytes), `${how}: the refused file is left as it was`).toBe(true);

      const restored = await standby(['restore', '--data-dir', dir]);
      expect(restored.code, restored.output).toBe(0);
      expect(restored.output).toContain(`Restored ${file} from ${newest} (taken `);
      const aside = readdirSync(dir).filter((f) => /^standby-replaced-.*\.db$/.test(f));
      expect(aside, how).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0]!)).equals(damagedBytes), `${how}: the damaged file is kept aside`).toBe(true);

      const s = await startChild(['--data-dir', dir], { STANDBY_TOKEN: TOKEN });
      children.push(s);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      expect((await api(s.url, TOKEN, 'incidents.list', { limit: 1 })).body.total).toBe(INCIDENTS);

      if (how === 'zero bytes') {
        // While it runs, restore refuses and changes nothing; a damaged backup is refused too.
        const busy = await standby(['restore', '--data-dir', dir]);
        expect([busy.code, busy.output.trim()]).toEqual([1, `Not restoring: Another Standby (pid ${s.child.pid}) is already running with the data directory ${dir}. Stop it first, or choose another directory with --data-dir.`]);
        s.child.kill('SIGTERM');
        await s.exited;
        const garbage = join(dir, 'garbage.db');
        writeFileSync(garbage, readFileSync(file).subarray(0, 4096));
        const bad = await standby(['restore', garbage, '--data-dir', dir]);
        expect(bad.code).toBe(1);
        expect(bad.output).toMatch(/^Not restoring: .*garbage\.db (is damaged|is not a database)/);
        expect(count(file)).toBe(INCIDENTS);
      }
      s.child.kill('SIGKILL');
    }
  });
});
