/**
 * Checks shared by the inbound formats. They collect every problem as one sentence in PagerDuty's
 * style ("'payload.summary' is missing or blank"), so a sender learns all that is wrong at once.
 * Optional fields may be absent or null (many senders write null for "not set").
 */

/** MAX_DETAILS_DEPTH bounds how deeply custom details may nest: deeper input is refused, not stored. */
export const MAX_DETAILS_DEPTH = 32;

/** Problems collects what is wrong with one request body. */
export class Problems {
  readonly errors: string[] = [];

  add(message: string): void {
    this.errors.push(message);
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }
}

/** isRecord tells whether a JSON value is an object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** requiredString reads a string that must be present and not blank, at most max characters. */
export function requiredString(obj: Record<string, unknown>, key: string, path: string, p: Problems, max?: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    p.add(`'${path}' is missing or blank`);
    return undefined;
  }
  return optionalString(obj, key, path, p, max);
}

/** optionalString reads a string that may be absent or null, at most max characters. */
export function optionalString(obj: Record<string, unknown>, key: string, path: string, p: Problems, max?: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    p.add(`'${path}' must be a string, not ${typeName(v)}`);
    return undefined;
  }
  const length = max !== undefined && v.length > max ? characters(v) : 0;
  if (max !== undefined && length > max) {
    p.add(`'${path}' is too long (maximum is ${max} characters, got ${length})`);
    return undefined;
  }
  return v;
}

/**
 * characters counts a string's characters as PagerDuty and Alertmanager do (Unicode code points: Go's
 * runes), not JavaScript's UTF-16 units, in which an emoji counts twice: Alertmanager cuts a summary
 * to 1,024 runes, and a 400 for it is not retried, so the alert would be lost.
 */
export function characters(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** optionalTimestamp reads an ISO 8601 date-time (PagerDuty's examples write offsets as +0000; none means UTC) as epoch milliseconds. */
export function optionalTimestamp(obj: Record<string, unknown>, key: string, path: string, p: Problems): number | undefined {
  const v = optionalString(obj, key, path, p);
  if (v === undefined) return undefined;
  // Without an offset the sender's zone is unknown: read as UTC (Node would read it in this computer's zone).
  const m = ISO_8601.exec(v.trim());
  const ms = m ? Date.parse(m[3] !== undefined ? v.trim() : `${v.trim().replace(' ', 'T')}Z`) : NaN;
  if (Number.isNaN(ms)) {
    p.add(`'${path}' is invalid (must be an ISO 8601 date-time such as 2015-07-17T08:42:58.315+0000, got "${preview(v)}")`);
    return undefined;
  }
  return ms;
}

/** optionalDetails reads free-form details (any JSON value), refusing nesting deeper than MAX_DETAILS_DEPTH. */
export function optionalDetails(obj: Record<string, unknown>, key: string, path: string, p: Problems): unknown {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (deeperThan(v, MAX_DETAILS_DEPTH)) {
    p.add(`'${path}' is nested too deeply (at most ${MAX_DETAILS_DEPTH} levels of objects and arrays)`);
    return undefined;
  }
  return v;
}

/** Link is a link attached to an event (PagerDuty's `links[]`). */
export interface Link {
  href: string;
  text?: string;
}

/** Image is an image attached to an event (PagerDuty's `images[]`). */
export interface Image {
  src: string;
  href?: string;
  alt?: string;
}

/** optionalLinks reads `links`: an array of {href, text?}. */
export function optionalLinks(obj: Record<string, unknown>, key: string, p: Problems): Link[] | undefined {
  const items = optionalArray(obj, key, p);
  if (!items) return undefined;
  const out: Link[] = [];
  items.forEach((item, i) => {
    const path = `${key}[${i}]`;
    if (!isRecord(item)) return p.add(`'${path}' must be an object with 'href', not ${typeName(item)}`);
    const href = requiredString(item, 'href', `${path}.href`, p);
    const text = optionalString(item, 'text', `${path}.text`, p);
    if (href !== undefined) out.push({ href, ...(text !== undefined ? { text } : {}) });
  });
  return out;
}

/** optionalImages reads `images`: an array of {src, href?, alt?}. */
export function optionalImages(obj: Record<string, unknown>, key: string, p: Problems): Image[] | undefined {
  const items = optionalArray(obj, key, p);
  if (!items) return undefined;
  const out: Image[] = [];
  items.forEach((item, i) => {
    const path = `${key}[${i}]`;
    if (!isRecord(item)) return p.add(`'${path}' must be an object with 'src', not ${typeName(item)}`);
    const src = requiredString(item, 'src', `${path}.src`, p);
    const href = optionalString(item, 'href', `${path}.href`, p);
    const alt = optionalString(item, 'alt', `${path}.alt`, p);
    if (src !== undefined) out.push({ src, ...(href !== undefined ? { href } : {}), ...(alt !== undefined ? { alt } : {}) });
  });
  return out;
}

function optionalArray(obj: Record<string, unknown>, key: string, p: Problems): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    p.add(`'${key}' must be an array, not ${typeName(v)}`);
    return undefined;
  }
  return v;
}

/** typeName names a JSON value's type for an error message. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** preview shortens a value for an error message. */
export function preview(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** deeperThan tells, without recursion, whether objects and arrays nest more than max levels. */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
