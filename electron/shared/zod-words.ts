/**
 * zod-words: zod's own messages ("Too big: expected string to have <=2000 characters") said as the rest of
 * Standby says a rule ("must be at most 2,000 characters"), for every schema whose check names no message
 * of its own. A message a schema gives always wins; this only words the ones it left to zod. Imported for
 * its effect by the schema modules, so the engine, the shell and the renderer all word errors alike.
 */
import { z, type core } from 'zod';

const n = (v: number | bigint): string => Number(v).toLocaleString('en-US');

type Issue = core.$ZodRawIssue;

/** TYPE_WORDS says what a value must be, per zod's expected type. */
const TYPE_WORDS: Record<string, string> = {
  number: 'must be a number',
  int: 'must be a whole number',
  string: 'must be text',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be a set of fields',
  date: 'must be a date',
};

/** wordIssue answers a person's words for one of zod's default issues, or undefined to keep zod's. */
export function wordIssue(iss: Issue): string | undefined {
  switch (iss.code) {
    case 'too_big': {
      const max = n(iss.maximum as number);
      if (iss.origin === 'string') return `must be at most ${max} characters`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must list at most ${max}`;
      return iss.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'too_small': {
      const min = n(iss.minimum as number);
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (iss.origin === 'array' || iss.origin === 'set') return Number(iss.minimum) <= 1 ? 'must list at least one' : `must list at least ${min}`;
      return iss.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return TYPE_WORDS[iss.expected] ?? undefined;
    case 'invalid_value':
      return iss.values.length === 1 ? `must be ${JSON.stringify(iss.values[0])}` : `must be one of ${iss.values.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (iss.format === 'email') return 'must be an email address';
      if (iss.format === 'url') return 'must be a URL';
      if (iss.format === 'datetime') return 'must be an ISO 8601 date-time';
      if (iss.format === 'uuid') return 'must be a UUID';
      return 'is not in the expected form';
    case 'not_multiple_of':
      return `must be a multiple of ${n(iss.divisor as number)}`;
    default:
      return undefined;
  }
}

z.config({ customError: wordIssue });
