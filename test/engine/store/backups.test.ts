/**
 * The daily backup on fake time: one at start when the newest is older than a day (none at a
 * restart soon after), one a day after, the last 7 kept and nothing else in the folder touched; a
 * crash's partial file removed; a backup that fails on a full disk leaves nothing behind, sets the
 * `backup` warning and is tried again within the hour; "Back up now" through the API.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { testEngine, type TestEngine } from '../../helpers/engine.ts';
import { tempDir } from '../../helpers/headless.ts';
import { mountTmpfs, tmpfsUnavailable } from '../../helpers/tmpfs.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup.length = 0;
});

async function engineIn(dir: string, clock: FakeClock, log: string[] = []): Promise<TestEngine> {
  const t = await testEngine({ databasePath: join(dir, 'standby.db'), clock, log: (l) => log.push(l) });
  cleanup.push(() => t.engine.stop());
  await t.settle();
  return t;
}

const names = (dir: string) => readdirSync(join(dir, 'backups')).sort();
const hours = (clock: FakeClock, n: number) => clock.advance(n * 3_600_000);

describe('the daily backup', () => {
  it('is taken at start, then a day after the newest; the last 7 are kept and nothing else in the folder is touched', { timeout: 60_000 }, async () => {
    const dir = tempDir('standby-backups-');
    mkdirSync(join(dir, 'backups'));
    writeFileSync(join(dir, 'backups', 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'backups', 'standby-before-upgrade.db'), 'mine too');
    writeFileSync(join(dir, 'backups', 'standby-2026-03-01T00-00-00Z.db.partial'), 'left by a crash');
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const t = await engineIn(dir, clock);
    expect(names(dir)).toEqual(['notes.txt', 'standby-2026-03-02T12-00-00Z.db', 'standby-before-upgrade.db']);
    await hours(clock, 23);
    expect(names(dir).filter((n) => n.startsWith('standby-2026'))).toHaveLength(1);
    await hours(clock, 1);
    expect(names(dir).filter((n) => n.startsWith('standby-2026'))).toEqual(['standby-2026-03-02T12-00-00Z.db', 'standby-2026-03-03T12-00-00Z.db']);
    await hours(clock, 24 * 8);
    const kept = names(dir).filter((n) => n.startsWith('standby-2026'));
    expect(kept).toEqual(['04', '05', '06', '07', '08', '09', '10', '11'].slice(1).map((d) => `standby-2026-03-${d}T12-00-00Z.db`));
    expect(names(dir)).toContain('notes.txt');
    expect(names(dir)).toContain('standby-before-upgrade.db');
    // Each is a whole database with the engine's data.
    const copy = new DatabaseSync(join(dir, 'backups', kept.at(-1)!), { readOnly: true });
    expect(copy.prepare('PRAGMA quick_check').get()).toEqual({ quick_check: 'ok' });
    expect((copy.prepare('SELECT COUNT(*) AS n FROM services').get() as { n: number }).n).toBe(1);
    copy.close();
    const listed = await t.engine.invoke('backups.list', {});
    expect(listed.directory).toBe(join(dir, 'backups'));
    expect(listed.keep).toBe(7);
    expect(listed.backups.map((b) => b.createdAt)).toEqual(kept.map((n) => `${n.slice(8, 18)}T12:00:00.000Z`).reverse());
    expect(t.engine.health.snapshot().problems.map((p) => p.code)).not.toContain('backup');
  });

  it('takes none at a restart when the newest is less than a day old, and "Back up now" adds one at once', async () => {
    const dir = tempDir('standby-backups-');
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const first = await engineIn(dir, clock);
    await first.engine.stop();
    await hours(clock, 2);
    const t = await engineIn(dir, clock);
    expect(names(dir)).toEqual(['standby-2026-03-02T12-00-00Z.db']);
    const made = await t.engine.invoke('backups.create', {});
    expect(made).toMatchObject({ file: 'standby-2026-03-02T14-00-00Z.db', createdAt: '2026-03-02T14:00:00.000Z' });
    expect(made.bytes).toBeGreaterThan(0);
    // Two in one second get numbered names, newest listed first.
    const again = await t.engine.invoke('backups.create', {});
    expect(again.file).toBe('standby-2026-03-02T14-00-00Z-2.db');
    expect((await t.engine.invoke('backups.list', {})).backups.map((b) => b.file)).toEqual([again.file, made.file, 'standby-2026-03-02T12-00-00Z.db']);
    // The next daily one is a day after the newest, manual or not.
    await hours(clock, 23);
    expect(names(dir)).toHaveLength(3);
    await hours(clock, 1);
    expect(names(dir)).toContain('standby-2026-03-03T14-00-00Z.db');
  });

  const noTmpfs = tmpfsUnavailable();
  it.skipIf(noTmpfs !== undefined)(`that fails on a full disk leaves no partial file, warns, and is tried again within the hour${noTmpfs ? ` (skipped: ${noTmpfs})` : ''}`, async () => {
    const dir = tempDir('standby-backups-');
    mkdirSync(join(dir, 'backups'));
    // The backups folder is its own 64 KB file system: a new database (about 190 KB) does not fit.
    const small = mountTmpfs('64k', join(dir, 'backups'));
    cleanup.push(() => small.unmount());
    const log: string[] = [];
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const t = await engineIn(dir, clock, log);
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
    const warning = t.engine.health.snapshot().problems.find((p) => p.code === 'backup');
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning!.message).toBe(`The daily backup of the database failed: SQLITE_FULL: the disk holding ${join(dir, 'backups', 'standby-2026-03-02T12-00-00Z.db')} is full. There is no backup yet. Standby tries again within an hour.`);
    expect(log).toContain(`warning: ${warning!.message}`);
    await expect(t.engine.invoke('backups.create', {})).rejects.toThrow(/SQLITE_FULL: the disk holding .* is full/);
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);

    small.unmount();
    await hours(clock, 1);
    expect(names(dir)).toEqual(['standby-2026-03-02T13-00-00Z.db']);
    expect(t.engine.health.snapshot().problems.map((p) => p.code)).not.toContain('backup');
    expect(existsSync(join(dir, 'backups', 'standby-2026-03-02T13-00-00Z.db.partial'))).toBe(false);
  });
});
