/**
 * A configuration file cannot do harm by its shape: an alias bomb, deep nesting or a flood of
 * values is refused with a 400 naming the rule, through the real HTTP route, and changes nothing.
 * No test here measures time; each finishing at all is the point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../electron/engine/config/config-file.ts';
import { MAX_ALIASES, MAX_DEPTH, MAX_VALUES } from '../../../electron/engine/config/config-text.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ApiError } from '../../../electron/shared/errors.ts';
import { api, snapshot, tempDir } from '../../helpers/headless.ts';

const TOKEN = 'config-bounds-test-token';
let s: HeadlessServer;

beforeAll(async () => {
  s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, log: () => {} });
});
afterAll(() => s.close());

/** BILLION_LAUGHS is the classic alias bomb: nine levels of nine aliases, 9^9 (387 million) values once expanded. */
const BILLION_LAUGHS = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
].join('\n');

const PROFILE = 'profile: { name: Ada, email: "", phone: "", timeZone: UTC }';
const POLICY = 'escalationPolicies: [ { name: P, levels: [ { delayMinutes: 5, targets: [ { kind: me } ] } ] } ]';

/** nested wraps a value in `levels` lists, JSON or YAML flow style alike. */
function nested(levels: number, inner = '0'): string {
  return `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
}

/** refusedOverHttp imports the text through POST /api/config.import and checks the 400, that it names the rule, and that nothing changed. */
async function refusedOverHttp(text: string, format: 'yaml' | 'json' | undefined, rule: RegExp): Promise<void> {
  const exported = await api(s.url, TOKEN, 'config.export', { format: 'yaml' });
  const rows = snapshot(s.engine.store.db);
  const r = await api(s.url, TOKEN, 'config.import', { text, ...(format ? { format } : {}) });
  expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(400);
  expect(r.body.error.code).toBe('invalid_input');
  expect(r.body.error.message).toMatch(rule);
  expect(r.body.error.issues).toHaveLength(1);
  expect(r.body.error.message.endsWith(r.body.error.issues[0].message)).toBe(true);
  expect((await api(s.url, TOKEN, 'config.export', { format: 'yaml' })).body).toEqual(exported.body);
  expect(snapshot(s.engine.store.db)).toEqual(rows);
}

function refused(text: string, format?: 'yaml' | 'json'): ApiError {
  try {
    parseConfig(text, format);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_input');
    return err as ApiError;
  }
  throw new Error('expected the file to be refused');
}

describe('config.import over HTTP refuses a hostile shape with 400 and changes nothing', () => {
  it('an alias bomb ("billion laughs"): the aliases expand too far', async () => {
    await refusedOverHttp(BILLION_LAUGHS, undefined, /^the YAML uses aliases \(\*name\) to expand to more than 1000 values; write the values out instead$/);
    // The same bomb inside an otherwise valid file.
    await refusedOverHttp(`version: 1\n${PROFILE}\nmonitoring:\n  referenceTargets: []\nx:\n${BILLION_LAUGHS.replace(/^/gm, '  ')}`, 'yaml', /expand to more than 1000 values/);
  });

  it('YAML nested deeper than 64 levels, in flow and block style', async () => {
    await refusedOverHttp(`x: ${nested(MAX_DEPTH + 1)}`, 'yaml', /^the file nests deeper than 64 levels: lists and maps inside each other; a Standby configuration needs fewer than 10$/);
    await refusedOverHttp(`${'- '.repeat(200)}x`, 'yaml', /^the file nests deeper than 64 levels \(at line 1, column \d+\)/);
    // 4.8 MB of brackets: refused where the nesting passes 64, without reading on.
    await refusedOverHttp(nested(2_400_000), 'yaml', /^the file nests deeper than 64 levels \(at line 1, column 69\)/);
  });

  it('JSON nested deeper than 64 levels', async () => {
    await refusedOverHttp(`{"version": 1, "x": ${nested(MAX_DEPTH)}}`, undefined, /^the file nests deeper than 64 levels \(at line 1, column 84\)/);
    await refusedOverHttp(nested(MAX_DEPTH + 1), 'json', /^the file nests deeper than 64 levels \(at line 1, column 65\)/);
  });

  it('a JSON array 100,000 levels deep does not crash the process, and the server goes on answering', async () => {
    await refusedOverHttp(nested(100_000), 'json', /^the file nests deeper than 64 levels/);
    await refusedOverHttp(nested(100_000), 'yaml', /^the file nests deeper than 64 levels/);
    expect((await api(s.url, TOKEN, 'system.health')).status).toBe(200);
  });

  it('an alias to no anchor, which used to be a 500', async () => {
    await refusedOverHttp('version: 1\nprofile: *nowhere\n', 'yaml', /^YAML syntax error at line 2, column 10: the alias \*nowhere names no anchor \(&nowhere\) above it$/);
  });
});

describe('parseConfig bounds', () => {
  it('counts nesting exactly: 64 levels pass the rule (and meet the schema), 65 do not', () => {
    for (const format of ['yaml', 'json'] as const) {
      const ok = format === 'json' ? `{"version": 1, "x": ${nested(MAX_DEPTH - 1)}}` : `version: 1\nx: ${nested(MAX_DEPTH - 1)}`;
      expect(refused(ok, format).message).toMatch(/Unrecognized key: "x"/);
      const deep = format === 'json' ? `{"version": 1, "x": ${nested(MAX_DEPTH)}}` : `version: 1\nx: ${nested(MAX_DEPTH)}`;
      expect(refused(deep, format).message).toMatch(/^the file nests deeper than 64 levels/);
    }
  });

  it('counts the copies aliases make: wide anchors the yaml package lets through still stop at MAX_VALUES', () => {
    // Within yaml's maxAliasCount (it counts aliases, not what they copy), but c holds 10 × 10 × 20,000 values.
    const text = [`a: &a [${Array(20_000).fill(0).join(', ')}]`, `b: &b [${Array(10).fill('*a').join(', ')}]`, `c: [${Array(10).fill('*b').join(', ')}]`].join('\n');
    expect(refused(text).message).toBe('the file holds more than 200000 values, counting the copies its aliases (*name) make; a Standby configuration holds far fewer');
    expect(refused(`[${Array(MAX_VALUES + 1).fill(0).join(',')}]`, 'json').message).toBe('the file holds more than 200000 values; a Standby configuration holds far fewer');
    expect(refused(`[${Array(MAX_VALUES).fill(0).join(',')}]`, 'json').message).toMatch(/^\(input\): must be a set of fields$/);
  });

  it('stops reading YAML once it holds more scalars than twice the values allowed (keys and values)', () => {
    const pairs = Array.from({ length: MAX_VALUES + 1 }, (_, i) => `k${i}: ${i}`).join('\n');
    expect(refused(pairs).message).toBe('the file holds more than 200000 values, counting the copies its aliases (*name) make; a Standby configuration holds far fewer');
  });

  it(`refuses more than ${MAX_ALIASES} aliases, each anchor used once`, () => {
    const anchors = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `  - &a${i} x`).join('\n');
    const aliases = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `  - *a${i}`).join('\n');
    expect(refused(`a:\n${anchors}\nb:\n${aliases}\n`).message).toBe('the YAML uses more than 100 aliases (*name); write the values out instead');
  });

  it('refuses a self-referring alias and a repeated key', () => {
    // The yaml package makes a list that holds itself: endlessly deep.
    expect(refused('a: &a [ *a ]\n').message).toBe('the file nests deeper than 64 levels: lists and maps inside each other; a Standby configuration needs fewer than 10');
    expect(refused('version: 1\nversion: 1\n').message).toBe('YAML syntax error at line 2, column 1: Map keys must be unique');
    expect(refused('{ a: 1, b: 2, a: 3 }', 'yaml').message).toBe('YAML syntax error at line 1, column 15: Map keys must be unique');
  });

  it('refuses text over 5 MB even when it does not come through the API (serve --config)', () => {
    expect(refused(`# ${'x'.repeat(5_000_000)}`).message).toBe('the file must be at most 5 MB');
  });

  it('still reads a file that uses a few aliases for what it repeats', () => {
    const text = [
      'version: 1',
      PROFILE,
      POLICY,
      'services:',
      '  - { name: Blog, escalationPolicy: P, maintenanceWindows: &nightly [ { type: weekly, days: [0], start: "02:00", end: "03:00" } ] }',
      '  - { name: Shop, escalationPolicy: P, maintenanceWindows: *nightly }',
    ].join('\n');
    const config = parseConfig(text);
    expect(config.services.map((x) => x.maintenanceWindows)).toEqual([config.services[0]!.maintenanceWindows, config.services[0]!.maintenanceWindows]);
    expect(config.services[1]!.maintenanceWindows[0]).toMatchObject({ type: 'weekly', start: '02:00' });
  });
});
