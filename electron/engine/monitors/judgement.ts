/**
 * Judgement turns checks into a monitor's state, as a pure function `(state, check, settings) ->
 * (state, effects)`: a failure is re-checked `retries` times before the monitor is down, a down
 * monitor needs `recoveryChecks` good checks in a row to be up, and a monitor that changes between
 * up and down `flapping.changes` times within the window is flapping: its incident stays open (one
 * page) until the window holds fewer changes. Unknown checks (Standby offline) change nothing.
 */
import type { Verdict } from './monitor-type.ts';

/** JudgedStatus is a monitor's confirmed health. */
export type JudgedStatus = 'pending' | 'up' | 'degraded' | 'down';

/** JudgementState is what judgement remembers between checks (stored as JSON on the monitor's row). */
export interface JudgementState {
  status: JudgedStatus;
  since: number | null;
  /** failStreak counts failures in a row while not yet down. */
  failStreak: number;
  /** okStreak counts good checks in a row while down. */
  okStreak: number;
  /** changes are the times of up/down changes within the flapping window. */
  changes: number[];
  flapping: boolean;
  /** incidentOpen: the monitor opened an incident it has not resolved yet. */
  incidentOpen: boolean;
  /** unknownSince is set while checks cannot tell (Standby offline); the status underneath is kept. */
  unknownSince: number | null;
}

/** JudgementSettings are the monitor settings judgement needs. */
export interface JudgementSettings {
  retries: number;
  recoveryChecks: number;
  flapChanges: number;
  flapWindowMs: number;
  resolveOnRecovery: boolean;
  /** confirmsFailures is false when a failure needs no re-check (heartbeats). */
  confirmsFailures: boolean;
}

/** judgementSettings reads the judgement settings off a monitor's stored settings. */
export function judgementSettings(
  rec: { retries: number; recoveryChecks: number; flapping: { changes: number; windowMinutes: number }; resolveOnRecovery: boolean },
  confirmsFailures: boolean,
): JudgementSettings {
  return {
    retries: rec.retries,
    recoveryChecks: rec.recoveryChecks,
    flapChanges: rec.flapping.changes,
    flapWindowMs: rec.flapping.windowMinutes * 60_000,
    resolveOnRecovery: rec.resolveOnRecovery,
    confirmsFailures,
  };
}

/** restartedJudgement forgets half-confirmed failures and recoveries (null when there are none), keeping the status and incident. */
export function restartedJudgement(j: JudgementState): JudgementState | null {
  if (j.failStreak === 0 && j.okStreak === 0 && j.unknownSince === null) return null;
  return { ...j, failStreak: 0, okStreak: 0, unknownSince: null };
}

/** JudgementEffect is what the runner must do after a check: open (or re-alert) the incident, resolve it, or note flapping. */
export type JudgementEffect = { type: 'open' } | { type: 'resolve' } | { type: 'flapping'; changes: number };

/** Judged is judgement's answer: the new state, effects, and whether the next check is a confirmation (at the retry interval). */
export interface Judged {
  state: JudgementState;
  effects: JudgementEffect[];
  confirming: boolean;
}

/** initialJudgement is a new monitor's state. */
export function initialJudgement(): JudgementState {
  return { status: 'pending', since: null, failStreak: 0, okStreak: 0, changes: [], flapping: false, incidentOpen: false, unknownSince: null };
}

/** judge applies one check (its verdict, or 'unknown') at time `at`. */
export function judge(prev: JudgementState, verdict: Verdict | 'unknown', at: number, s: JudgementSettings): Judged {
  // The common case, a healthy monitor checked healthy again, changes nothing: no copy of the state.
  if (verdict === prev.status && verdict !== 'down' && prev.failStreak === 0 && prev.okStreak === 0 && prev.unknownSince === null && !prev.flapping && prev.changes.length === 0) {
    return { state: prev, effects: [], confirming: false };
  }
  if (verdict === 'unknown') {
    return { state: { ...prev, unknownSince: prev.unknownSince ?? at }, effects: [], confirming: false };
  }
  const state: JudgementState = { ...prev, unknownSince: null, changes: prev.changes.filter((t) => t > at - s.flapWindowMs) };
  const effects: JudgementEffect[] = [];
  let confirming = false;
  let startedFlapping = false;
  // The runner sets incidentOpen back to false when the incident engine suppresses the trigger.
  const open = () => {
    state.incidentOpen = true;
    effects.push({ type: 'open' });
  };

  const change = (to: JudgedStatus) => {
    state.changes.push(at);
    state.status = to;
    state.since = at;
    state.failStreak = 0;
    state.okStreak = 0;
    if (!state.flapping && state.changes.length >= s.flapChanges) startedFlapping = state.flapping = true;
  };

  if (verdict === 'down') {
    state.okStreak = 0;
    if (state.status === 'down') {
      // Still down. If opening the incident did not work (a maintenance window), try again.
      if (!state.incidentOpen) open();
    } else {
      state.failStreak++;
      if (s.confirmsFailures && state.failStreak <= s.retries) {
        confirming = true;
      } else {
        change('down');
        // While flapping the incident opened once stays open: no new page for each change.
        if (!state.incidentOpen) open();
      }
    }
  } else if (state.status === 'down') {
    state.okStreak++;
    if (state.okStreak < s.recoveryChecks) {
      confirming = true;
    } else {
      change(verdict);
      if (!state.flapping) effects.push(...recover(state, s));
    }
  } else {
    state.failStreak = 0;
    if (state.status !== verdict) {
      state.status = verdict;
      state.since = at;
    }
  }

  if (startedFlapping) {
    effects.push({ type: 'flapping', changes: state.changes.length });
  } else if (state.flapping && state.changes.length < s.flapChanges) {
    // Flapping ends when the window holds fewer changes than the threshold; a recovered monitor's incident then resolves.
    state.flapping = false;
    if (state.status !== 'down') effects.push(...recover(state, s));
  }
  return { state, effects, confirming };
}

function recover(state: JudgementState, s: JudgementSettings): JudgementEffect[] {
  if (!state.incidentOpen) return [];
  state.incidentOpen = false;
  return s.resolveOnRecovery ? [{ type: 'resolve' }] : [];
}

/** displayStatus is the status a person sees for a judged state. */
export function displayStatus(state: JudgementState, paused: boolean): 'pending' | 'up' | 'degraded' | 'down' | 'unknown' | 'paused' {
  if (paused) return 'paused';
  if (state.unknownSince !== null) return 'unknown';
  return state.status;
}
