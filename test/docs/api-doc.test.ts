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
});
