/**
 * Ending Standby's process, bounded. Two things can keep a process from ending:
 *
 * - a shutdown step that waits on something that never answers, so `stopWithin` gives it
 *   SHUTDOWN_LIMIT_MS and then lets the process end anyway;
 * - a thread of libuv's threadpool stuck in a native call. keytar runs keychain calls there, and a
 *   locked gnome-keyring whose unlock prompt nobody answers never returns. `process.exit()` (and any
 *   C `exit()`: libuv's cleanup runs as a library destructor) joins every threadpool thread, so it
 *   then waits forever; measured with Node 24 and a real locked gnome-keyring under Xvfb, it never
 *   returned, while a signal whose default action is to terminate ended the process at once. So
 *   `exitProcess` ends by signal when a call is stuck: the signal that asked Standby to stop (exit
 *   status 128 + its number, 143 for SIGTERM, which systemd counts as a clean stop), else SIGKILL.
 *   By then the database is closed (or, past the limit, left as a crash would leave it, which SQLite's
 *   write-ahead log keeps consistent).
 */

/** SHUTDOWN_LIMIT_MS bounds a shutdown: a secret-store call fails within 5 s, so this leaves room for the rest. */
export const SHUTDOWN_LIMIT_MS = 10_000;

/** StopOutcome is how a bounded shutdown went: finished, still running at the limit, or failed with an error. */
export type StopOutcome = { ok: true } | { ok: false; reason: string };

/** stopWithin runs stop and answers when it finished, failed, or ran past limitMs (then it is left running). */
export async function stopWithin(stop: () => Promise<void>, limitMs = SHUTDOWN_LIMIT_MS): Promise<StopOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<StopOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `shutdown did not finish in ${limitMs / 1000} s` }), limitMs);
  });
  try {
    return await Promise.race([
      stop().then(
        (): StopOutcome => ({ ok: true }),
        (err: unknown): StopOutcome => ({ ok: false, reason: `shutdown failed: ${(err as Error).message}` }),
      ),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** ExitHow says how to end: whether a threadpool call is still running (`stuck`), and the signal that asked Standby to stop, if one did. */
export interface ExitHow {
  stuck: boolean;
  signal?: 'SIGTERM' | 'SIGINT' | undefined;
  log: (line: string) => void;
}

/** SIGNAL_GRACE_MS is how long a re-raised signal gets to end the process before SIGKILL does. */
const SIGNAL_GRACE_MS = 2_000;

/** exitProcess ends the process with code, or by signal when a threadpool call is stuck (process.exit would wait for it forever). */
export function exitProcess(code: number, how: ExitHow): void {
  if (!how.stuck) {
    process.exit(code);
    return;
  }
  const signal = how.signal ?? 'SIGKILL';
  how.log(`a keychain call still waits for an answer in a worker thread, and a normal exit would wait for it (forever, if it hangs): ending the process with ${signal}`);
  if (how.signal) {
    // With no listener left, Node restores the signal's default action: terminate the process.
    process.removeAllListeners(how.signal);
    process.kill(process.pid, how.signal);
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), SIGNAL_GRACE_MS);
    return;
  }
  process.kill(process.pid, 'SIGKILL');
}
