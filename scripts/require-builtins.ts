/**
 * requireBuiltins rewrites the engine bundle's imports of Node's own modules (`import tls, { connect }
 * from "node:tls"`) as requires (`const tls = __builtin("node:tls"), { connect } = tls`). Importing a
 * built-in module as an ES module makes Node build its ES-module face, which reads every export,
 * lazy getters included: node:tls then lists its ~140 root certificates as strings, node:crypto loads
 * Web Crypto, node:fs and node:dns their promise APIs. A require reads only what the code uses. The
 * values are the same objects; measured, the rewrite keeps `standby serve` about 3 MB smaller
 * (docs/performance.md). Only the bundle's leading import block is rewritten (rolldown puts every
 * external import there); node:module stays an import, as the require itself comes from it.
 */
import { builtinModules } from 'node:module';

/** BUILTIN tells whether an import specifier names one of Node's own modules. */
function builtin(spec: string): boolean {
  return spec.startsWith('node:') || builtinModules.includes(spec);
}

/** IMPORT matches one import declaration on its own line: default, namespace, named, or bare. */
const IMPORT = /^import\s+(?:(?<def>[\w$]+)\s*,?\s*)?(?:\*\s+as\s+(?<ns>[\w$]+)\s*)?(?:\{(?<named>[^}]*)\}\s*)?(?:from\s+)?"(?<spec>[^"]+)";$/;

/** requireBuiltins answers the bundle with its built-in imports turned into requires. */
export function requireBuiltins(code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  let i = 0;
  let defined = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('import ')) break;
    const m = IMPORT.exec(line);
    if (!m?.groups) throw new Error(`requireBuiltins: cannot read the bundle's import line: ${line}`);
    const { def, ns, named, spec } = m.groups as { def?: string; ns?: string; named?: string; spec: string };
    if (!builtin(spec) || spec === 'node:module') {
      out.push(line);
      continue;
    }
    if (!defined) {
      out.push('import { createRequire as __builtinRequire } from "node:module";', 'const __builtin = __builtinRequire(import.meta.url);');
      defined = true;
    }
    const name = def ?? ns;
    const bindings = named
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => s.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'));
    if (name) out.push(`const ${name} = __builtin(${JSON.stringify(spec)});${bindings?.length ? ` const { ${bindings.join(', ')} } = ${name};` : ''}`);
    else if (bindings?.length) out.push(`const { ${bindings.join(', ')} } = __builtin(${JSON.stringify(spec)});`);
    else out.push(`__builtin(${JSON.stringify(spec)});`);
  }
  return [...out, ...lines.slice(i)].join('\n');
}
