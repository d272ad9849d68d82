/** withDeadline bounds a promise that may never settle (a keychain call, a vendor that hangs). */

/** DeadlineError says a step did not finish in time; its message is the caller's, in a person's words. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * withDeadline resolves or rejects as `work` does, or rejects with DeadlineError(message) after ms of
 * real time, whichever comes first. The work itself goes on (a promise cannot be cancelled); its
 * late result is ignored.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
    timer.unref?.();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
