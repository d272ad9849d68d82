/**
 * trackTimers wraps the global setTimeout/setInterval while a test runs the shell, to show that a quit
 * leaves no timer behind: every timer created from Standby's code (its stack passes through
 * electron/) must have fired or been cleared. Timers Node makes internally (sockets) are not seen here;
 * an open socket shows up as a refused connection instead.
 */
import { resolve } from 'node:path';

const SOURCE = `${resolve(import.meta.dirname, '../../electron')}/`;

/** TimerTracker lists the timers still pending that Standby's code made. */
export interface TimerTracker {
  /** pending are the stacks of timers from electron/ that have neither fired nor been cleared. */
  pending(): string[];
  /** restore puts the global functions back. */
  restore(): void;
}

/** trackTimers starts tracking; call `restore` in cleanup. */
export function trackTimers(): TimerTracker {
  const live = new Map<unknown, string>();
  const g = globalThis as unknown as Record<'setTimeout' | 'setInterval' | 'clearTimeout' | 'clearInterval', (...args: unknown[]) => unknown>;
  const orig = { setTimeout: g.setTimeout, setInterval: g.setInterval, clearTimeout: g.clearTimeout, clearInterval: g.clearInterval };
  const ours = (stack: string) => stack.split('\n').slice(2).some((l) => l.includes(SOURCE));
  g.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    const stack = new Error('timer').stack ?? '';
    const t = orig.setTimeout((...a: unknown[]) => {
      live.delete(t);
      return (fn as (...x: unknown[]) => unknown)(...a);
    }, ms, ...args);
    if (ours(stack)) live.set(t, stack);
    return t;
  };
  g.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    const stack = new Error('interval').stack ?? '';
    const t = orig.setInterval(fn, ms, ...args);
    if (ours(stack)) live.set(t, stack);
    return t;
  };
  g.clearTimeout = (t: unknown) => {
    live.delete(t);
    return orig.clearTimeout(t);
  };
  g.clearInterval = (t: unknown) => {
    live.delete(t);
    return orig.clearInterval(t);
  };
  return {
    pending: () => [...live.values()],
    restore: () => Object.assign(g, orig),
  };
}
