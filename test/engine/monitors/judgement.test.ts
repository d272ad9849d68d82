/** Judgement as a pure function: retries, recovery confirmation, flapping, unknown checks. */
import { describe, expect, it } from 'vitest';
import { initialJudgement, judge, judgementSettings, restartedJudgement, type JudgementSettings, type JudgementState } from '../../../electron/engine/monitors/judgement.ts';
import type { Verdict } from '../../../electron/engine/monitors/monitor-type.ts';

const settings: JudgementSettings = { retries: 2, recoveryChecks: 2, flapChanges: 4, flapWindowMs: 600_000, resolveOnRecovery: true, confirmsFailures: true };

/** run feeds verdicts one a minute and records each step's status, confirming flag and effects. */
function run(verdicts: Array<Verdict | 'unknown'>, s = settings, start: JudgementState = initialJudgement()) {
  let state = start;
  return verdicts.map((v, i) => {
    const j = judge(state, v, i * 60_000, s);
    state = j.state;
    return `${v}->${state.status}${j.confirming ? '?' : ''}${j.effects.map((e) => `+${e.type}`).join('')}`;
  });
}

describe('judge', () => {
  it('is down only after retries more failures, and up only after recoveryChecks good checks', () => {
    expect(run(['up', 'down', 'down', 'down', 'down', 'up', 'up', 'up'])).toEqual([
      'up->up', 'down->up?', 'down->up?', 'down->down+open', 'down->down', 'up->down?', 'up->up+resolve', 'up->up',
    ]);
  });

  it('starts counting again after a good check', () => {
    expect(run(['up', 'down', 'down', 'up', 'down', 'down'])).toEqual(['up->up', 'down->up?', 'down->up?', 'up->up', 'down->up?', 'down->up?']);
  });

  it('goes down at once when retries is 0 or the type needs no confirmation', () => {
    expect(run(['down'], { ...settings, retries: 0 })).toEqual(['down->down+open']);
    expect(run(['down'], { ...settings, confirmsFailures: false })).toEqual(['down->down+open']);
  });

  it('ignores unknown checks (Standby offline): they neither confirm a failure nor a recovery', () => {
    expect(run(['up', 'down', 'unknown', 'unknown', 'down', 'down'])).toEqual(['up->up', 'down->up?', 'unknown->up', 'unknown->up', 'down->up?', 'down->down+open']);
  });

  it('degraded is up for incidents: no page, and it recovers a down monitor', () => {
    expect(run(['degraded', 'down', 'degraded'], { ...settings, retries: 0, recoveryChecks: 1 })).toEqual(['degraded->degraded', 'down->down+open', 'degraded->degraded+resolve']);
  });

  it('marks flapping at N changes in the window, keeps the incident open, and resolves when the window holds fewer', () => {
    const s = { ...settings, retries: 0, recoveryChecks: 1, flapChanges: 4, flapWindowMs: 5 * 60_000 };
    const steps = run(['down', 'up', 'down', 'up', 'down', 'up', 'up', 'up', 'up', 'up'], s);
    // Changes at minutes 0-5; at minute 7 the 5-minute window holds 3 (minutes 3, 4, 5), fewer than 4.
    expect(steps).toEqual([
      'down->down+open', 'up->up+resolve', 'down->down+open', 'up->up+flapping', 'down->down', 'up->up',
      'up->up', 'up->up+resolve', 'up->up', 'up->up',
    ]);
  });

  it('re-opens when opening did not work (a maintenance window) while still down', () => {
    const down = judge(initialJudgement(), 'down', 0, { ...settings, retries: 0 }).state;
    expect(judge({ ...down, incidentOpen: false }, 'down', 60_000, settings).effects).toEqual([{ type: 'open' }]);
  });
});

describe('restarting judgement (after a sleep, a pause or a settings change)', () => {
  it('forgets a half-confirmed failure but keeps the status; a settled state needs no restart', () => {
    let state = initialJudgement();
    for (const [i, v] of (['up', 'down'] as const).entries()) state = judge(state, v, i * 60_000, settings).state;
    expect(state.failStreak).toBe(1);
    const restarted = restartedJudgement(state);
    expect(restarted).toEqual({ ...state, failStreak: 0, okStreak: 0, unknownSince: null });
    expect(restartedJudgement(restarted!)).toBeNull();
  });

  it('reads the settings off a monitor', () => {
    const rec = { retries: 2, recoveryChecks: 2, flapping: { changes: 4, windowMinutes: 10 }, resolveOnRecovery: true };
    expect(judgementSettings(rec, true)).toEqual(settings);
  });
});
