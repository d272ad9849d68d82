/**
 * Power events: before the computer sleeps, monitors stop checking (a sleep is not downtime); when it
 * wakes or the screen is unlocked, monitors resume and every job that fell due while it slept runs
 * at once rather than at the next scheduler tick. The engine's job rows make each escalation happen
 * once and each notification at least once (never twice but after a crash), however often this fires.
 */
import { powerMonitor } from 'electron';
import type { Engine } from '../engine/engine.ts';

/** watchPower runs due jobs on `resume` and `unlock-screen`; it returns the function that stops watching. */
export function watchPower(engine: Engine, log: (line: string) => void): () => void {
  const catchUp = (why: string) => () => {
    log(`${why}: running due escalations`);
    engine.monitors.onResume();
    engine.lifecycle.runDue().catch((err: unknown) => log(`running due jobs after ${why} failed: ${(err as Error).message}`));
  };
  const onResume = catchUp('resume');
  const onUnlock = catchUp('unlock-screen');
  const onSuspend = () => {
    log('suspend: checks pause; due escalations will run on wake');
    engine.monitors.onSuspend();
  };
  powerMonitor.on('resume', onResume);
  powerMonitor.on('unlock-screen', onUnlock);
  powerMonitor.on('suspend', onSuspend);
  return () => {
    powerMonitor.off('resume', onResume);
    powerMonitor.off('unlock-screen', onUnlock);
    powerMonitor.off('suspend', onSuspend);
  };
}
