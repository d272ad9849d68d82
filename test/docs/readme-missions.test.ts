/**
 * README's "What works today" table: every row names the tests that keep it, and each of them exists
 * (a row whose test was moved or removed is a promise nobody keeps any more).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/headless.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const table = readme.slice(readme.indexOf('## What works today'), readme.indexOf('## Start it'));
const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| mission') && !l.startsWith('| ---'));

describe("README's mission table", () => {
  it('has the rows, each working and kept by tests that exist', () => {
    expect(rows.length).toBeGreaterThanOrEqual(7);
    expect(rows.some((r) => r.includes('tray paired with an always-on box; the box pages while the laptop sleeps; the tray acks'))).toBe(true);
    for (const row of rows) {
      const [, mission, state, keptBy] = row.split('|').map((c) => c.trim());
      expect(state, mission).toBe('working');
      const files = [...keptBy!.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
      expect(files.length, `${mission} names no test`).toBeGreaterThan(0);
      for (const f of files) expect(existsSync(join(ROOT, f)), `${f} (${mission})`).toBe(true);
    }
  });
});
