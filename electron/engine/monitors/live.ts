/**
 * A monitor as the runner holds it, and what the runner does with one that needs no runner state:
 * where its checks fall in time, its view for the API, and one check run with its timeout.
 */
import type { CheckResult, MonitorView } from '../../shared/monitor-schemas.ts';
import { displayStatus, type JudgementState } from './judgement.ts';
import type { MonitorRecord } from './monitor-repo.ts';
import { errorText, type CheckOutcome, type HeartbeatState, type MonitorType } from './monitor-type.ts';

/** Live is a monitor as the runner holds it. */
export interface Live {
  rec: MonitorRecord;
  type: MonitorType;
  config: unknown;
  confirming: boolean;
  lastCheck: CheckResult | null;
  /** needsNetwork is the type's answer for these settings, asked once rather than on every check. */
  needsNetwork: boolean;
}

/** spreadOffset places a monitor's first check within its interval (golden-ratio steps by id, so starts spread evenly). */
export function spreadOffset(id: number, intervalMs: number): number {
  return Math.floor(((id * 0.6180339887498949) % 1) * intervalMs);
}

/** nextOnGrid is the first time after `now` on the grid `dueAt + k * intervalMs`. */
export function nextOnGrid(dueAt: number, intervalMs: number, now: number): number {
  if (dueAt + intervalMs > now) return dueAt + intervalMs;
  return now + intervalMs - ((now - dueAt) % intervalMs);
}

/**
 * nextCheckAt plans a monitor's next check `settleMs` from now plus its spread, or at the end of its
 * pause; null when none is due (disabled, paused with no end, all monitoring paused). Given when it
 * was last checked (a start), a check less than an interval old keeps its place: the next one is due
 * an interval after it, so a restart checks nothing early and nothing twice.
 */
export function nextCheckAt(rec: MonitorRecord, allPaused: boolean, now: number, settleMs: number, lastCheckAt?: number, spreadWithinMs = Infinity): number | null {
  const intervalMs = rec.intervalSeconds * 1000;
  if (!rec.enabled || allPaused || (rec.paused && rec.pausedUntil === null)) return null;
  if (rec.paused) return rec.pausedUntil!;
  if (lastCheckAt !== undefined && lastCheckAt <= now && lastCheckAt + intervalMs > now + settleMs) return lastCheckAt + intervalMs;
  return now + settleMs + spreadOffset(rec.id, Math.min(intervalMs, spreadWithinMs));
}

/** lastChecks are held monitors' last check times (in memory: their writes are batched). */
export function lastChecks(lives: Iterable<Live>): Map<number, number> {
  const times = new Map<number, number>();
  for (const live of lives) if (live.lastCheck) times.set(live.rec.id, Date.parse(live.lastCheck.at));
  return times;
}

/** sameJudgement tells whether two states would be stored alike (so unchanged ones are not written). */
export function sameJudgement(a: JudgementState, b: JudgementState): boolean {
  return a.status === b.status && a.since === b.since && a.failStreak === b.failStreak && a.okStreak === b.okStreak && a.flapping === b.flapping
    && a.incidentOpen === b.incidentOpen && a.unknownSince === b.unknownSince && a.changes.length === b.changes.length;
}

/** shownState is what a person sees change in a monitor after a check: its status, whether it is confirming, whether it flaps. */
export function shownState(live: Live, paused: boolean): string {
  return `${displayStatus(live.rec.judgement, paused || live.rec.paused)} ${live.confirming} ${live.rec.judgement.flapping}`;
}

/** monitorView is a monitor as the API shows it; "pause monitoring" shows every monitor paused. */
export function monitorView(live: Live, pause: { paused: boolean; until: number | null }, pingPath: string | null): MonitorView {
  const { paused, pausedUntil, judgement, hasPingKey: _h, ...monitor } = live.rec;
  const iso = (t: number) => new Date(t).toISOString();
  return {
    ...monitor,
    status: displayStatus(judgement, paused || pause.paused),
    statusSince: judgement.since === null ? null : iso(judgement.since),
    confirming: live.confirming,
    isFlapping: judgement.flapping,
    paused: paused || pause.paused,
    pausedUntil: paused && pausedUntil !== null ? iso(pausedUntil) : pause.paused && pause.until !== null ? iso(pause.until) : null,
    lastCheck: live.lastCheck,
    pingPath,
  };
}

/**
 * runCheck runs a monitor's check with its timeout; `stop` aborts it early (sleep, pause, shutdown). A
 * thrown error is a failed check. One timer per check: at the timeout it aborts the check, and a check
 * that ignores its signal still ends one second later, as down.
 */
export function runCheck(live: Live, stop: AbortSignal, now: () => number, heartbeat: (id: number) => HeartbeatState): Promise<CheckOutcome> {
  const timeoutMs = live.rec.timeoutSeconds * 1000;
  const controller = new AbortController();
  const abort = () => controller.abort();
  stop.addEventListener('abort', abort, { once: true });
  return new Promise<CheckOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop.removeEventListener('abort', abort);
      resolve(outcome);
    };
    let timer = setTimeout(() => {
      controller.abort();
      timer = setTimeout(() => finish({ status: 'down', message: `no answer within ${timeoutMs} ms` }), 1000);
    }, timeoutMs);
    const ctx = { signal: controller.signal, timeoutMs, now, heartbeat: () => (live.rec.kind === 'heartbeat' ? heartbeat(live.rec.id) : undefined) };
    try {
      live.type.check(live.config, ctx).then(finish, (err: unknown) => finish({ status: 'down', message: `the check failed: ${errorText(err)}` }));
    } catch (err) {
      finish({ status: 'down', message: `the check failed: ${errorText(err)}` });
    }
  });
}
