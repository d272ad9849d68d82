/** The disk monitor on this machine's temporary directory. */
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { diskMonitor } from '../../../../electron/engine/monitors/types/disk.ts';
import { runCheck } from './check.ts';

describe('disk monitor', () => {
  const path = tmpdir();
  const s = statfsSync(path);
  const freePercent = (s.bavail / s.blocks) * 100;

  it('is up while more than the percentage and size are free, down otherwise', async () => {
    const up = await runCheck(diskMonitor, { path, minFreePercent: Math.max(0, Math.floor(freePercent) - 1) });
    expect(up.status).toBe('up');
    expect(up.message).toMatch(/% free \(.*\) on /);
    const down = await runCheck(diskMonitor, { path, minFreePercent: Math.min(100, Math.ceil(freePercent) + 1) });
    expect(down.status).toBe('down');
    expect(down.message).toMatch(/under \d+%/);
    const size = await runCheck(diskMonitor, { path, minFreeMegabytes: 1e12 });
    expect(size.message).toMatch(/under 1000000000000 MB/);
    expect(size.details).toMatchObject({ path, freePercent: expect.any(Number), freeMegabytes: expect.any(Number) });
  });

  it('is down when the path does not exist, and needs a threshold', async () => {
    const r = await runCheck(diskMonitor, { path: '/no/such/dir/standby', minFreePercent: 10 });
    expect(r.message).toMatch(/cannot read the free space of \/no\/such\/dir\/standby: ENOENT/);
    expect(diskMonitor.schema.safeParse({ path: '/' }).error!.issues[0]!.message).toBe('give minFreePercent, minFreeMegabytes or both');
  });
});
