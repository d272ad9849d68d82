/**
 * Power events. Local: before the computer sleeps, monitors stop checking (a sleep is not downtime); when it
 * wakes or the screen is unlocked, every job that fell due while it slept runs at once rather than at the
 * next scheduler tick, and monitors resume if there was a suspend (an unlock alone changes nothing for them). The engine's job rows make each escalation happen
 * once and each notification at least once (never twice but after a crash), however often this fires.
 */
import { powerMonitor } from 'electron';
import type { Engine } from '../engine/engine.ts';
import type { RemoteBackend } from '../engine/remote/remote-backend.ts';

/** PowerTarget is what to do when the computer sleeps and wakes. */
export interface PowerTarget {
  woke(why: string): void;
  sleeps(): void;
}

/** enginePower: a local engine pauses its checks before sleep, and on wake resumes them and runs every job that fell due. */
export function enginePower(engine: Engine, log: (line: string) => void): PowerTarget {
  return {
    woke: (why) => {
      log(`${why}: running due escalations`);
      engine.monitors.onResume();
      engine.lifecycle.runDue().catch((err: unknown) => log(`running due jobs after ${why} failed: ${(err as Error).message}`));
    },
    sleeps: () => {
      log('suspend: checks pause; due escalations will run on wake');
      engine.monitors.onSuspend();
    },
  };
}

/** remotePower: the box kept watching while this computer slept; on wake the tray reconnects at once instead of after its backoff. */
export function remotePower(remote: RemoteBackend, log: (line: string) => void): PowerTarget {
  return {
    woke: (why) => {
      log(`${why}: reconnecting to ${remote.box}`);
      remote.wake();
    },
    sleeps: () => {},
  };
}

/** watchPower tells the target on `resume`, `unlock-screen` and `suspend`; it returns the function that stops watching. */
export function watchPower(target: PowerTarget): () => void {
  const onResume = () => target.woke('resume');
  const onUnlock = () => target.woke('unlock-screen');
  const onSuspend = () => target.sleeps();
  powerMonitor.on('resume', onResume);
  powerMonitor.on('unlock-screen', onUnlock);
  powerMonitor.on('suspend', onSuspend);
  return () => {
    powerMonitor.off('resume', onResume);
    powerMonitor.off('unlock-screen', onUnlock);
    powerMonitor.off('suspend', onSuspend);
  };
}
