/**
 * Reading a configuration file's text (YAML or JSON) into plain data, within bounds a hostile or
 * broken file cannot get past: at most ConfigTextMaxChars characters, lists and maps nested at most
 * MAX_DEPTH levels, few YAML aliases that expand little, and at most MAX_VALUES values in all. Each
 * bound is checked before the work it guards, so a file that breaks one is refused in time and
 * memory proportional to its size (never a stack overflow, an alias bomb or a quadratic parse),
 * with an invalid_input error that names the rule in a person's words.
 */
import YAML from 'yaml';
import { ConfigTextMaxChars } from '../../shared/config-file.ts';
import { ApiError } from '../../shared/errors.ts';

/** ConfigFormat is a configuration file's syntax. */
export type ConfigFormat = 'yaml' | 'json';

/** MAX_DEPTH is how deeply lists and maps may nest; a Standby configuration needs fewer than 10 levels. */
export const MAX_DEPTH = 64;
/** MAX_ALIASES is how many YAML aliases (`*name`) a file may hold; resolving each one scans the document's anchors. */
export const MAX_ALIASES = 100;
/**
 * MAX_ALIAS_EXPANSION is the yaml package's `maxAliasCount` (its guard against "billion laughs"):
 * how far the aliases of one anchor may expand, counting aliases within aliases
 * (https://eemeli.org/yaml/#tojs-options; its default is 100).
 */
export const MAX_ALIAS_EXPANSION = 1000;
/**
 * MAX_VALUES bounds the lists, maps and scalars of the whole file (map keys aside), each copy an
 * alias makes included. 5,000 monitors of 20 values each are half of it; the yaml package reads
 * about 100,000 scalars a second, so the bound also keeps a YAML file from holding the engine's one
 * thread for long (bench/config.bench.ts).
 */
export const MAX_VALUES = 200_000;

/**
 * The parser's stack holds the document and each list or map still open, plus at most a scalar or
 * a key being read: more than MAX_DEPTH + STACK_SLACK entries means the file nests deeper than
 * MAX_DEPTH. The exact rule is checked on the data afterwards.
 */
const STACK_SLACK = 4;

/** readConfigText parses the text into plain data, or throws ApiError('invalid_input') naming the syntax error or the bound it breaks. */
export function readConfigText(text: string, format: ConfigFormat): unknown {
  if (text.length > ConfigTextMaxChars) throw refused('the file must be at most 5 MB');
  const data = format === 'json' ? readJson(text) : readYaml(text);
  checkShape(data, format);
  return data;
}

function readJson(text: string): unknown {
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(message);
    const { line, col } = lineCol(text, at ? Number(at[1]) : text.length);
    const rule = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    throw syntaxError('JSON', line, col, rule);
  }
}

/** checkJsonDepth refuses brackets nested deeper than MAX_DEPTH in one pass over the text, before JSON.parse builds anything. */
function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) throw tooDeep(lineCol(text, i));
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

function readYaml(text: string): unknown {
  const lines = new YAML.LineCounter();
  // uniqueKeys: false because the yaml package compares each key with every earlier one (a map of
  // 40,000 keys takes seconds); checkYamlNodes finds repeated keys with a set instead.
  const composer = new YAML.Composer({ uniqueKeys: false, logLevel: 'error' });
  let doc: YAML.Document.Parsed | undefined;
  let second: YAML.Document.Parsed | undefined;
  for (const d of composer.compose(boundedTokens(text, lines), true, text.length)) {
    if (doc) {
      second = d;
      break;
    }
    doc = d;
  }
  if (!doc) return null;
  const first = doc.errors[0];
  if (first) {
    const rule = first.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    const pos = lines.linePos(first.pos[0]);
    throw syntaxError('YAML', pos.line, pos.col, rule);
  }
  if (second) {
    const pos = lines.linePos(second.range[0]);
    throw syntaxError('YAML', pos.line, pos.col, 'the file must hold one YAML document');
  }
  checkYamlNodes(doc, lines);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/excessive alias count/i.test(message)) throw refused(`the YAML uses aliases (*name) to expand to more than ${MAX_ALIAS_EXPANSION} values; write the values out instead`);
    throw refused(`the YAML cannot be read: ${message}`);
  }
}

/**
 * boundedTokens is the yaml package's own lexer and parser (what YAML.parseDocument runs), stopped
 * as soon as the lists and maps still open nest deeper than MAX_DEPTH (composing and converting a
 * deeper document recurses once per level, and a 5 MB run of `[` would take the parser many
 * seconds), or once it has read more than twice MAX_VALUES scalars: keys and values together, so
 * more than MAX_VALUES values.
 */
function* boundedTokens(text: string, lines: YAML.LineCounter): Generator<YAML.CST.Token> {
  const parser = new YAML.Parser(lines.addNewLine);
  lines.addNewLine(0);
  let scalars = 0;
  let marker = false;
  for (const lexeme of new YAML.Lexer().lex(text)) {
    // A plain or block scalar is a marker lexeme, then its text; a quoted one is one lexeme.
    const scalarText = marker;
    marker = lexeme === YAML.CST.SCALAR;
    if (!scalarText && (marker || lexeme[0] === '"' || lexeme[0] === "'") && ++scalars > 2 * MAX_VALUES) throw tooManyValues('yaml');
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_DEPTH + STACK_SLACK) throw tooDeep(lines.linePos(parser.offset));
  }
  yield* parser.end();
}

/** checkYamlNodes refuses too many aliases, an alias to no anchor above it, and a key repeated in one map, each in one pass. */
function checkYamlNodes(doc: YAML.Document.Parsed, lines: YAML.LineCounter): void {
  let aliases = 0;
  const anchors = new Set<string>();
  const at = (node: { range?: YAML.Range | null | undefined }) => lines.linePos(node.range?.[0] ?? 0);
  YAML.visit(doc, (_key, node) => {
    if (YAML.isAlias(node)) {
      if (++aliases > MAX_ALIASES) throw refused(`the YAML uses more than ${MAX_ALIASES} aliases (*name); write the values out instead`);
      if (!anchors.has(node.source)) {
        const pos = at(node);
        throw syntaxError('YAML', pos.line, pos.col, `the alias *${node.source} names no anchor (&${node.source}) above it`);
      }
      return;
    }
    if (YAML.isNode(node) && node.anchor) anchors.add(node.anchor);
    if (!YAML.isMap(node)) return;
    // The yaml package's own rule: scalar keys are the same when their values are.
    const keys = new Set<unknown>();
    for (const pair of node.items) {
      if (!YAML.isScalar(pair.key)) continue;
      if (keys.has(pair.key.value)) {
        const pos = at(pair.key);
        throw syntaxError('YAML', pos.line, pos.col, 'Map keys must be unique');
      }
      keys.add(pair.key.value);
    }
  });
}

/**
 * checkShape walks the data with its own stack (no recursion, so depth cannot overflow it) and
 * refuses nesting deeper than MAX_DEPTH or more than MAX_VALUES values. Counting each value as it
 * is found, the walk stops at the bound however far aliases would expand the data.
 */
function checkShape(data: unknown, format: ConfigFormat): void {
  let values = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: data, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const items = itemsOf(top.value);
    if (!items) continue;
    const depth = top.depth + 1;
    if (depth > MAX_DEPTH) throw tooDeep();
    for (const value of items) {
      if (++values > MAX_VALUES) throw tooManyValues(format);
      stack.push({ value, depth });
    }
  }
}

/** itemsOf is what a list or map holds (keys too, for a Map), or undefined for a scalar or other leaf (a date, binary data). */
function itemsOf(value: unknown): Iterable<unknown> | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof Map) return [...value.keys(), ...value.values()];
  if (value instanceof Set) return value;
  if (value === null || typeof value !== 'object') return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? Object.values(value) : undefined;
}

function tooManyValues(format: ConfigFormat): ApiError {
  const copies = format === 'yaml' ? ', counting the copies its aliases (*name) make' : '';
  return refused(`the file holds more than ${MAX_VALUES} values${copies}; a Standby configuration holds far fewer`);
}

function tooDeep(pos?: { line: number; col: number }): ApiError {
  const where = pos ? ` (at line ${pos.line}, column ${pos.col})` : '';
  return refused(`the file nests deeper than ${MAX_DEPTH} levels${where}: lists and maps inside each other; a Standby configuration needs fewer than 10`);
}

/** refused is the invalid_input error for a rule about the whole file. */
function refused(rule: string): ApiError {
  return new ApiError('invalid_input', rule, [{ path: '(file)', message: rule }]);
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

function syntaxError(syntax: string, line: number, col: number, rule: string): ApiError {
  const where = `line ${line}, column ${col}`;
  return new ApiError('invalid_input', `${syntax} syntax error at ${where}: ${rule}`, [{ path: where, message: rule }]);
}
