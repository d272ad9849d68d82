/**
 * The engine bundle imports Node's own modules with require (scripts/require-builtins.ts): the same
 * objects as an import, without Node building their ES-module face, which reads every lazy getter
 * (node:crypto's loads Web Crypto, node:tls's lists its root certificates). Real Node processes run
 * the code before and after the rewrite.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBuiltins } from '../../../scripts/require-builtins.ts';
import { tempDir } from '../../helpers/headless.ts';

/** run runs an ES module's code in a fresh Node and answers what it printed as JSON. */
function run(code: string): unknown {
  const file = join(tempDir('standby-builtins-'), 'bundle.mjs');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('requireBuiltins', () => {
  it("rewrites each kind of import of Node's modules, and leaves the others and the code after them as they were", () => {
    const code = [
      'import { createRequire } from "node:module";',
      'import tls, { connect as connect$1, checkServerIdentity } from "node:tls";',
      'import * as fsAll from "node:fs";',
      'import { join } from "node:path";',
      'import { Buffer as Buffer$2 } from "buffer";',
      'import "node:sqlite";',
      'import yaml from "yaml";',
      '',
      'import("node:os");',
    ].join('\n');
    expect(requireBuiltins(code).split('\n')).toEqual([
      'import { createRequire } from "node:module";',
      'import { createRequire as __builtinRequire } from "node:module";',
      'const __builtin = __builtinRequire(import.meta.url);',
      'const tls = __builtin("node:tls"); const { connect: connect$1, checkServerIdentity } = tls;',
      'const fsAll = __builtin("node:fs");',
      'const { join } = __builtin("node:path");',
      'const { Buffer: Buffer$2 } = __builtin("buffer");',
      '__builtin("node:sqlite");',
      'import yaml from "yaml";',
      '',
      'import("node:os");',
    ]);
  });

  it('gives the code the same objects, and Node no longer runs the modules\' lazy getters (Web Crypto stays unloaded)', () => {
    const code = [
      'import crypto, { createHash } from "node:crypto";',
      'import tls, { connect as tlsConnect } from "node:tls";',
      'import { readFileSync } from "node:fs";',
      'import { createRequire } from "node:module";',
      'const require = createRequire(import.meta.url);',
      'const same = crypto === require("node:crypto") && createHash === require("node:crypto").createHash && tls === require("node:tls") && tlsConnect === require("node:tls").connect && readFileSync === require("node:fs").readFileSync;',
      'console.log(JSON.stringify({ same, webCrypto: process.moduleLoadList.includes("NativeModule internal/crypto/webcrypto") }));',
    ].join('\n');
    expect(run(code)).toEqual({ same: true, webCrypto: true });
    expect(run(requireBuiltins(code))).toEqual({ same: true, webCrypto: false });
  });

  it('refuses an import line it cannot read, rather than leaving it half rewritten', () => {
    expect(() => requireBuiltins('import {\n  a } from "node:fs";')).toThrow('cannot read the bundle\'s import line: import {');
  });
});
