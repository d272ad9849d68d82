/**
 * FormState is one edit form's state: the draft being edited, whether it is saving, and the
 * engine's answer when it refused the draft, per field (the contract's `issues[].path`) so each
 * message can be shown next to the field it names. Each message is a sentence about its field in a
 * person's words ("Timeout must be at most the check interval (5 s)"; see shared/field-labels.ts), and
 * the engine answers every error of a draft at once.
 */
import { issueSentence } from '../../../electron/shared/field-labels.ts';
import { ApiClientError, errorMessage, type ApiIssue } from './api-client.ts';

/** FormState holds a draft of T and the errors the engine returned for it. */
export class FormState<T> {
  draft = $state() as T;
  busy = $state(false);
  /** message is the form-level error (or null); field errors are in `issues`. */
  message = $state<string | null>(null);
  issues = $state<ApiIssue[]>([]);
  /** saved is a short confirmation after a successful submit. */
  saved = $state(false);
  readonly #fields: string[];
  readonly #invalidMessage: string;

  /**
   * fields are the path prefixes this form shows next to a field; other issues are listed with the
   * message, which is `invalidMessage` when the engine refused the input.
   */
  constructor(initial: T, fields: string[], invalidMessage = 'Not saved: please correct the fields marked below.') {
    this.draft = initial;
    this.#fields = fields;
    this.#invalidMessage = invalidMessage;
  }

  /** error is the message for exactly this path (e.g. "name", "levels.0.delayMinutes"). */
  error(path: string): string | undefined {
    return this.issues.find((i) => i.path === path)?.message;
  }

  /** errorsUnder lists the issues inside a group (e.g. "maintenanceWindows.2"), each with its path relative to it. */
  errorsUnder(prefix: string): ApiIssue[] {
    return this.issues
      .filter((i) => i.path === prefix || i.path.startsWith(`${prefix}.`))
      .map((i) => ({ path: i.path.slice(prefix.length + 1), message: i.message }));
  }

  /** unplaced are issues no field of this form shows: they are listed under the form's message. */
  get unplaced(): ApiIssue[] {
    return this.issues.filter((i) => !this.#fields.some((f) => i.path === f || i.path.startsWith(`${f}.`)));
  }

  /** reset replaces the draft and clears errors. */
  reset(next: T): void {
    this.draft = next;
    this.clear();
  }

  /** clear forgets errors and the saved confirmation. */
  clear(): void {
    this.message = null;
    this.issues = [];
    this.saved = false;
  }

  /**
   * submit runs save with the draft; it records the engine's errors and returns the result, or
   * undefined when it failed. `pathPrefix` is where the draft sits in the method's input (`value`
   * for `*.update`, whose input is `{id, value}`): it is taken off issue paths so they name fields.
   */
  async submit<R>(save: (draft: T) => Promise<R>, pathPrefix?: string): Promise<R | undefined> {
    this.busy = true;
    this.clear();
    try {
      const result = await save($state.snapshot(this.draft) as T);
      this.saved = true;
      return result;
    } catch (err) {
      if (err instanceof ApiClientError && err.code === 'invalid_input' && err.issues.length > 0) {
        const strip = pathPrefix ? `${pathPrefix}.` : '';
        this.issues = err.issues.map((i) => {
          const path = strip && i.path.startsWith(strip) ? i.path.slice(strip.length) : i.path;
          return { path, message: issueSentence(path, i.message) };
        });
        this.message = this.#invalidMessage;
      } else {
        this.message = errorMessage(err);
      }
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
