import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiSchemas } from '../../electron/shared/api.ts';
import { ROOT } from '../helpers/headless.ts';

describe('docs/api.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
  it('has a curl example for every method of the API contract', () => {
    const missing = Object.keys(apiSchemas).filter((m) => !doc.includes(`/api/${m} `) && !doc.includes(`/api/${m}'`) && !doc.includes(`/api/${m}"`));
    expect(missing, 'methods without a curl example in docs/api.md').toEqual([]);
  });

  it('names every event of the contract (electron/shared/api-events.ts)', () => {
    const contract = readFileSync(join(ROOT, 'electron/shared/api-events.ts'), 'utf8');
    const events = [...contract.matchAll(/^ {2}'([a-zA-Z]+\.[a-zA-Z]+)': /gm)].map((m) => m[1]!);
    expect(events.length, 'events read from the contract').toBeGreaterThan(15);
    expect(events.filter((e) => !doc.includes(`\`${e}\``)), 'events not named in docs/api.md').toEqual([]);
  });
});
