/**
 * Errors that cross the API boundary. Each carries a code the transports map to a status
 * (invalid_input -> 400, not_found -> 404, conflict -> 409, unavailable -> 503) and, for bad input, the field and the rule.
 */
import type { z } from 'zod';
import type { ApiErrorBody } from './api.ts';

/** ApiError is an error meant for the caller: its message is safe to show and names what was wrong. */
export class ApiError extends Error {
  readonly code: ApiErrorBody['error']['code'];
  readonly issues: Array<{ path: string; message: string }> | undefined;

  constructor(code: ApiErrorBody['error']['code'], message: string, issues?: Array<{ path: string; message: string }>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }

  /** toBody is the JSON a transport sends back. */
  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** Issue is one field and the rule it broke. */
export type Issue = { path: string; message: string };

/** issuesOf turns zod issues into `{path, message}` pairs, the path dotted from the input's root. */
export function issuesOf(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.');
    return { path: path || '(input)', message: i.message };
  });
}

/** invalidInput builds the 400 error for a failed schema check: "field: rule; field: rule" (with `more` checked alongside it). */
export function invalidInput(error: z.ZodError, prefix = '', more: Issue[] = []): ApiError {
  const issues = [...issuesOf(error, prefix), ...more];
  return new ApiError('invalid_input', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/** notFound builds the 404 error for a missing row. */
export function notFound(what: string, id: number | string): ApiError {
  return new ApiError('not_found', `${what} ${id} does not exist`);
}
