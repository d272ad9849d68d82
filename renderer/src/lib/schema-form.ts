/**
 * Forms derived from schemas. A monitor type's settings arrive as JSON Schema (`monitors.types`);
 * `fieldsFromJsonSchema` turns the property kinds Standby's types use (strings, numbers and
 * integers, booleans, enums, arrays of strings, string maps, simple nested objects, JSON scalars)
 * into `FieldSpec`s, and channel settings describe theirs the same way (channel-fields.ts). A
 * `SchemaDraft` holds what a person types; `configFromDraft` turns it into the object the engine
 * validates, leaving out what was left empty so the engine's defaults apply.
 */

/** FieldOption is one choice of an enum field. */
export interface FieldOption {
  value: string;
  label: string;
}

interface FieldBase {
  key: string;
  label: string;
  hint?: string;
  required: boolean;
  /** showIf shows (and sends) the field only while another field of the same group has one of these values. */
  showIf?: { key: string; equals: string[] };
}

/** FieldSpec describes one field of a generated form. */
export type FieldSpec =
  | (FieldBase & { type: 'text'; inputType?: 'text' | 'url'; multiline?: boolean; placeholder?: string })
  | (FieldBase & { type: 'number'; integer: boolean; min?: number; max?: number; default?: number })
  | (FieldBase & { type: 'boolean'; default: boolean })
  | (FieldBase & { type: 'enum'; options: FieldOption[]; default?: string; emptyLabel?: string })
  | (FieldBase & { type: 'list'; default?: string[] })
  | (FieldBase & { type: 'map' })
  | (FieldBase & { type: 'json' })
  | (FieldBase & { type: 'group'; fields: FieldSpec[] });

/** SchemaDraft is a generated form's content, by field key and kind of input. */
export interface SchemaDraft {
  /** text holds text, enum, list (one per line), map ("Name: value" lines) and json fields. */
  text: Record<string, string>;
  num: Record<string, number | null>;
  bool: Record<string, boolean>;
  groups: Record<string, { on: boolean; draft: SchemaDraft }>;
}

/** FieldText is a field's label and hint, for schemas that carry neither. */
export interface FieldText {
  label: string;
  hint?: string;
}

type JsonSchema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** humanize writes a camelCase key as words: "maxResponseMs" is "Max response ms". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function rangeHint(min: unknown, max: unknown): string | undefined {
  if (typeof min === 'number' && typeof max === 'number') return `${min} to ${max}`;
  if (typeof min === 'number') return `at least ${min}`;
  if (typeof max === 'number') return `at most ${max}`;
  return undefined;
}

const join = (...parts: Array<string | undefined>): string | undefined => {
  const text = parts.filter((p): p is string => Boolean(p)).join('. ');
  return text ? text : undefined;
};

/**
 * fieldsFromJsonSchema lists the fields of an object schema in its property order; `texts` give
 * labels and hints by key (a nested field's key is "parent.child"), and `hidden` keys are left out.
 */
export function fieldsFromJsonSchema(schema: JsonSchema, texts: Record<string, FieldText> = {}, hidden: string[] = [], parent = ''): FieldSpec[] {
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const specs: FieldSpec[] = [];
  for (const [key, raw] of Object.entries(props)) {
    const path = parent ? `${parent}.${key}` : key;
    if (hidden.includes(path) || !isObject(raw)) continue;
    const text = texts[path];
    const base = { key, label: text?.label ?? humanize(key), required: required.includes(key) };
    const type = raw.type;
    if (Array.isArray(raw.enum) && raw.enum.every((v) => typeof v === 'string')) {
      const options = (raw.enum as string[]).map((v) => ({ value: v, label: v }));
      specs.push({ ...base, type: 'enum', options, ...(typeof raw.default === 'string' ? { default: raw.default } : {}), ...(text?.hint ? { hint: text.hint } : {}) });
    } else if (type === 'string') {
      const long = typeof raw.maxLength === 'number' && raw.maxLength > 10_000;
      specs.push({ ...base, type: 'text', inputType: raw.format === 'uri' ? 'url' : 'text', multiline: long, ...(text?.hint ? { hint: text.hint } : {}) });
    } else if (type === 'integer' || type === 'number') {
      const hint = join(text?.hint, rangeHint(raw.minimum, raw.maximum));
      specs.push({
        ...base,
        type: 'number',
        integer: type === 'integer',
        ...(typeof raw.minimum === 'number' ? { min: raw.minimum } : {}),
        ...(typeof raw.maximum === 'number' ? { max: raw.maximum } : {}),
        ...(typeof raw.default === 'number' ? { default: raw.default } : {}),
        ...(hint ? { hint } : {}),
      });
    } else if (type === 'boolean') {
      specs.push({ ...base, type: 'boolean', default: raw.default === true, ...(text?.hint ? { hint: text.hint } : {}) });
    } else if (type === 'array' && isObject(raw.items) && raw.items.type === 'string') {
      const fallback = Array.isArray(raw.default) ? raw.default.map(String) : undefined;
      specs.push({ ...base, type: 'list', hint: join(text?.hint, 'One per line') as string, ...(fallback ? { default: fallback } : {}) });
    } else if (type === 'object' && isObject(raw.properties)) {
      specs.push({ ...base, type: 'group', fields: fieldsFromJsonSchema(raw, texts, hidden, path), ...(text?.hint ? { hint: text.hint } : {}) });
    } else if (type === 'object' && isObject(raw.additionalProperties) && raw.additionalProperties.type === 'string') {
      specs.push({ ...base, type: 'map', hint: join(text?.hint, 'One per line, as "Name: value"') as string });
    } else {
      specs.push({ ...base, type: 'json', hint: join(text?.hint, 'A string, a number, true, false or null (quote a string that looks like a number)') as string });
    }
  }
  return specs;
}

function scalarText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') {
    try {
      JSON.parse(v);
      return JSON.stringify(v);
    } catch {
      return v;
    }
  }
  return JSON.stringify(v);
}

/** draftFromConfig fills a form from saved settings, or from the schema's defaults when there are none. */
export function draftFromConfig(specs: FieldSpec[], config: Record<string, unknown> | null | undefined): SchemaDraft {
  const c = config ?? {};
  const d: SchemaDraft = { text: {}, num: {}, bool: {}, groups: {} };
  for (const s of specs) {
    const v = c[s.key];
    switch (s.type) {
      case 'text':
        d.text[s.key] = typeof v === 'string' ? v : '';
        break;
      case 'number':
        d.num[s.key] = typeof v === 'number' ? v : (s.default ?? null);
        break;
      case 'boolean':
        d.bool[s.key] = typeof v === 'boolean' ? v : s.default;
        break;
      case 'enum':
        d.text[s.key] = typeof v === 'string' ? v : (s.default ?? '');
        break;
      case 'list':
        d.text[s.key] = (Array.isArray(v) ? v.map(String) : (s.default ?? [])).join('\n');
        break;
      case 'map':
        d.text[s.key] = isObject(v) ? Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join('\n') : '';
        break;
      case 'json':
        d.text[s.key] = scalarText(v);
        break;
      case 'group':
        d.groups[s.key] = { on: s.required || isObject(v), draft: draftFromConfig(s.fields, isObject(v) ? v : undefined) };
        break;
    }
  }
  return d;
}

/** isOptional tells whether a field may be left empty with nothing filled in for it (no default to show). */
export function isOptional(spec: FieldSpec): boolean {
  if (spec.required || spec.type === 'boolean' || spec.type === 'group') return false;
  return !('default' in spec) || spec.default === undefined;
}

/** isShown tells whether a field applies, given the draft of its group. */
export function isShown(spec: FieldSpec, d: SchemaDraft): boolean {
  return !spec.showIf || spec.showIf.equals.includes(d.text[spec.showIf.key] ?? '');
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * configFromDraft builds the settings object. Empty optional fields are left out (the engine's
 * defaults apply); an empty required field is sent as it is, for the engine to name.
 */
export function configFromDraft(specs: FieldSpec[], d: SchemaDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    if (!isShown(s, d)) continue;
    const text = d.text[s.key] ?? '';
    switch (s.type) {
      case 'text':
      case 'enum':
        if (text.trim() !== '' || s.required) out[s.key] = text;
        break;
      case 'number': {
        const n = d.num[s.key];
        if (typeof n === 'number' && Number.isFinite(n)) out[s.key] = n;
        else if (s.required) out[s.key] = null;
        break;
      }
      case 'boolean':
        out[s.key] = d.bool[s.key] ?? s.default;
        break;
      case 'list':
        if (lines(text).length > 0 || s.required) out[s.key] = lines(text);
        break;
      case 'map': {
        const entries = lines(text).map((l) => {
          const at = l.indexOf(':');
          return at < 0 ? [l, ''] : [l.slice(0, at).trim(), l.slice(at + 1).trim()];
        });
        if (entries.length > 0 || s.required) out[s.key] = Object.fromEntries(entries);
        break;
      }
      case 'json':
        if (text.trim() === '') break;
        try {
          out[s.key] = JSON.parse(text);
        } catch {
          out[s.key] = text;
        }
        break;
      case 'group': {
        const g = d.groups[s.key];
        if (g && (g.on || s.required)) out[s.key] = configFromDraft(s.fields, g.draft);
        break;
      }
    }
  }
  return out;
}
