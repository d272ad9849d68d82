/**
 * Disk: "is there more than 50% free disk space?" Free space is what an unprivileged process may
 * still write (statfs `bavail`), against the file system's size (`blocks`), as `df` reports it.
 */
import { statfs } from 'node:fs/promises';
import { z } from 'zod';
import { defineMonitorType, errorText } from '../monitor-type.ts';

const MB = 1024 * 1024;

/** DiskConfig is a disk monitor's settings: a path on the file system and a percentage and/or a size to keep free. */
export const DiskConfig = z
  .strictObject({
    path: z.string().trim().min(1, 'must not be empty').max(4096).regex(/^(\/|[A-Za-z]:[\\/])/, 'must be an absolute path'),
    minFreePercent: z.number({ error: 'must be a number' }).min(0, 'must be 0 to 100').max(100, 'must be 0 to 100').optional(),
    minFreeMegabytes: z.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(1e12, 'must be at most 1e12').optional(),
  })
  .refine((c) => c.minFreePercent !== undefined || c.minFreeMegabytes !== undefined, { path: ['minFreePercent'], message: 'give minFreePercent, minFreeMegabytes or both' });
export type DiskConfig = z.infer<typeof DiskConfig>;

/** diskMonitor checks the free space of the file system holding a path. */
export const diskMonitor = defineMonitorType({
  kind: 'disk',
  label: 'Disk space',
  description: 'Checks that the file system holding a path has at least a percentage and/or a size free.',
  schema: DiskConfig,
  confirmsFailures: true,
  startsEarly: true,
  needsNetwork: () => false,
  async check(c) {
    let s;
    try {
      s = await statfs(c.path);
    } catch (err) {
      return { status: 'down', message: `cannot read the free space of ${c.path}: ${errorText(err)}`, details: { path: c.path } };
    }
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    const percent = total > 0 ? (free / total) * 100 : 0;
    const freeMb = free / MB;
    const shown = `${percent.toFixed(1)}% free (${freeMb >= 10_240 ? `${(freeMb / 1024).toFixed(1)} GB` : `${Math.round(freeMb)} MB`}) on ${c.path}`;
    const details = { path: c.path, freePercent: Math.round(percent * 10) / 10, freeMegabytes: Math.round(freeMb), totalMegabytes: Math.round(total / MB) };
    const short: string[] = [];
    if (c.minFreePercent !== undefined && percent < c.minFreePercent) short.push(`under ${c.minFreePercent}%`);
    if (c.minFreeMegabytes !== undefined && freeMb < c.minFreeMegabytes) short.push(`under ${c.minFreeMegabytes} MB`);
    if (short.length) return { status: 'down', message: `${shown}: ${short.join(' and ')}`, details };
    return { status: 'up', message: shown, details };
  },
});
