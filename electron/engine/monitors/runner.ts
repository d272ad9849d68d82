/**
 * MonitorRunner runs the monitors: it schedules their checks, asks "is it me?" before a network
 * failure counts, judges each check (retries, recovery, flapping), opens and resolves incidents
 * through the incident engine, stores results, and handles sleep, wake and "pause monitoring".
 * With no monitors it sets no timer at all.
 */
import type { ApiEvent } from '../../shared/api.ts';
import type { MonitoringStatus, MonitorView } from '../../shared/monitor-schemas.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import type { IncidentEngine } from '../incidents/incident-engine.ts';
import type { Store } from '../store/database.ts';
import { CheckFeed } from './check-feed.ts';
import { Connectivity } from './connectivity.ts';
import { applyIncidentEffects } from './incident-effects.ts';
import { forgiveDowntime, regraceHeartbeats } from './heartbeats.ts';
import { judge, judgementSettings, restartedJudgement } from './judgement.ts';
import { Maintenance } from './maintenance.ts';
import { lastChecks, monitorView, nextCheckAt, nextOnGrid, runCheck, sameJudgement, shownState, type Live } from './live.ts';
import { MonitorRepo, type MonitorRecord } from './monitor-repo.ts';
import { errorText } from './monitor-type.ts';
import { builtinMonitorTypes, type MonitorTypeRegistry } from './registry.ts';
import { ResultWriter } from './result-writer.ts';
import { HOUR, ResultStore, type PendingResult } from './results.ts';
import { withDefaults, type MonitorRunnerOptions, type RunnerTuning } from './runner-options.ts';
import { Scheduler } from './scheduler.ts';

export { nextOnGrid, spreadOffset, type Live } from './live.ts';
export type { MonitorRunnerOptions } from './runner-options.ts';

/** MonitorRunnerDeps are the runner's collaborators. */
export interface MonitorRunnerDeps {
  store: Store;
  clock: Clock;
  lifecycle: IncidentEngine;
  emit: (e: ApiEvent) => void;
  log: (line: string) => void;
  /** woke is told when the computer woke from sleep or the network came back (the responders poll again at once). */
  woke?: () => void;
}

/** WAKE_SPREAD_MS: after a wake, the monitors that fell due while asleep are checked within this long after the settle time. */
export const WAKE_SPREAD_MS = 60_000;

/** MonitorRunner is the monitors' engine. */
export class MonitorRunner {
  readonly repo: MonitorRepo;
  readonly results: ResultStore;
  readonly connectivity: Connectivity;
  readonly types: MonitorTypeRegistry;
  readonly scheduler: Scheduler;
  /** feed sends each check to those watching live (`monitor.checks`), throttled. */
  readonly feed: CheckFeed;
  private readonly d: MonitorRunnerDeps;
  private readonly o: RunnerTuning;
  private readonly live = new Map<number, Live>();
  private readonly writer: ResultWriter;
  private epoch = 0;
  private epochController = new AbortController();
  private readonly maintenance: Maintenance;
  private pauseTimer: TimerHandle | undefined;
  private started = false;
  private suspendedAt: number | null = null;
  private lastWakeAt: number | null = null;
  /** pause mirrors the stored "pause monitoring" switch. */
  private pause: { paused: boolean; until: number | null };

  constructor(deps: MonitorRunnerDeps, opts: MonitorRunnerOptions = {}) {
    this.d = deps;
    this.o = withDefaults(opts);
    this.types = opts.types ?? builtinMonitorTypes();
    this.repo = new MonitorRepo(deps.store);
    this.pause = this.repo.globalPause();
    this.results = new ResultStore(deps.store, () => deps.clock.now());
    this.feed = new CheckFeed(deps.clock, deps.log);
    this.writer = new ResultWriter({
      store: deps.store,
      results: this.results,
      flushMs: this.o.flushMs,
      log: deps.log,
      saveJudgement: (id) => {
        const live = this.live.get(id);
        if (live) this.repo.saveJudgement(id, live.rec.judgement);
      },
    });
    this.maintenance = new Maintenance({ clock: deps.clock, results: this.results, tuning: this.o, retentionMs: () => this.repo.settings().rawRetentionDays * 24 * HOUR, flush: () => this.flush(), log: deps.log });
    this.connectivity = new Connectivity(deps.clock, { timeoutMs: this.o.connectivityTimeoutMs, cacheMs: this.o.connectivityCacheMs, recheckMs: this.o.offlineRecheckMs }, (s) => this.onConnectivity(s.online === true));
    this.scheduler = new Scheduler({
      clock: deps.clock,
      concurrency: 100,
      maxTickMs: this.o.maxTickMs,
      coalesceMs: this.o.coalesceMs,
      startsEarly: (id) => this.live.get(id)?.type.startsEarly === true,
      sleepGapMs: this.o.sleepGapMs,
      run: (id, dueAt) => this.run(id, dueAt),
      onWake: (gap) => this.wake(gap),
      onError: (id, err) => this.d.log(`monitor ${id}: the check's run failed, trying again shortly: ${errorText(err)}`),
    });
    for (const rec of this.repo.list()) this.upsert(rec, false);
  }

  /** start loads the monitors and schedules their checks, spread over each interval. */
  start(): void {
    this.started = true;
    this.writer.open();
    this.sync(false);
    this.pause = this.repo.globalPause();
    if (this.pause.paused && this.pause.until !== null && this.pause.until <= this.d.clock.now()) this.setPause(false, null);
    if (this.pause.paused) this.armPauseTimer();
    else {
      const last = this.results.lastCheckTimes();
      forgiveDowntime(this.repo, last, this.d.clock.now());
      this.scheduleAll(0, last);
    }
    this.scheduler.start();
    this.armMaintenance();
  }

  /** stop ends all checks (aborting those in progress) and writes what is buffered. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.epochController.abort();
    this.maintenance.stop();
    if (this.pauseTimer) this.d.clock.clearTimer(this.pauseTimer);
    this.connectivity.stop();
    this.feed.stop();
    await this.scheduler.stop();
    this.writer.close();
  }

  /** idle resolves when no check is running (tests call it after moving a fake clock). */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** applySettings reads the monitoring settings (reference targets, concurrency). */
  applySettings(): void {
    const s = this.repo.settings();
    this.connectivity.setTargets(s.referenceTargets);
    this.scheduler.setConcurrency(s.concurrency);
  }

  /** reload re-reads every monitor from the database (after a configuration import); changed ones are rescheduled. */
  reload(): void {
    this.sync(true);
  }

  private sync(schedule: boolean): void {
    this.applySettings();
    const ids = new Set<number>();
    for (const rec of this.repo.list()) {
      ids.add(rec.id);
      const old = this.live.get(rec.id);
      const same = old && JSON.stringify({ ...old.rec, judgement: 0 }) === JSON.stringify({ ...rec, judgement: 0 });
      if (!same) this.upsert(rec, schedule);
    }
    for (const id of [...this.live.keys()]) if (!ids.has(id)) this.remove(id);
  }

  /** upsert holds a monitor (new or changed) and, when asked, schedules its next check. */
  upsert(rec: MonitorRecord, schedule: boolean): Live | undefined {
    const type = this.types.get(rec.kind);
    const parsed = type?.schema.safeParse(rec.config);
    if (!type || !parsed?.success) {
      this.d.log(`monitor "${rec.name}" is skipped: ${type ? 'its settings no longer fit its type' : `no monitor type "${rec.kind}"`}`);
      this.remove(rec.id);
      return undefined;
    }
    const old = this.live.get(rec.id);
    // The judgement held here is the newest (its writes are batched each second); the stored one may lag.
    // Another kind starts over (the repo stored a fresh judgement).
    if (old && old.rec.kind === rec.kind) rec.judgement = old.rec.judgement;
    const live: Live = { rec, type, config: parsed.data, confirming: false, lastCheck: old?.lastCheck ?? null, needsNetwork: type.needsNetwork(parsed.data) };
    this.live.set(rec.id, live);
    // Changed settings (another URL, other retries): failures of the old settings do not add up with the new ones.
    if (old && JSON.stringify({ ...old.rec, name: 0, judgement: 0 }) !== JSON.stringify({ ...rec, name: 0, judgement: 0 })) this.restartJudgement(live);
    if (schedule) this.scheduleOne(live, 0);
    this.armMaintenance();
    return live;
  }

  /** remove forgets a monitor (deleted or broken). */
  remove(id: number): void {
    this.live.delete(id);
    this.writer.forget(id);
    this.feed.forget(id);
    this.scheduler.unschedule(id);
  }

  /** get is a held monitor. */
  get(id: number): Live | undefined {
    return this.live.get(id);
  }

  /** all lists the held monitors. */
  all(): Live[] {
    return [...this.live.values()];
  }

  /** view is a monitor as the API shows it. */
  view(live: Live, pingPath: string | null = null): MonitorView {
    return monitorView(live, this.pause, pingPath);
  }

  /** emitMonitor tells subscribers a monitor changed (never with its ping key). */
  emitMonitor(view: MonitorView): void {
    this.d.emit({ type: 'monitor.changed', data: { monitor: { ...view, pingPath: null } } });
  }

  /** emitDeleted tells subscribers a monitor is gone. */
  emitDeleted(id: number): void {
    this.d.emit({ type: 'monitor.deleted', data: { id } });
  }

  /** status is Standby's own monitoring state. */
  status(): MonitoringStatus {
    const c = this.connectivity.state;
    const p = this.pause;
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return { online: c.online, offlineSince: iso(c.offlineSince), checkedAt: iso(c.checkedAt), paused: p.paused, pausedUntil: iso(p.until), monitors: this.live.size, lastWakeAt: iso(this.lastWakeAt) };
  }

  /** scheduleOne plans a monitor's next check (see nextCheckAt), or none. */
  scheduleOne(live: Live, settleMs: number, lastCheckAt?: number, spreadWithinMs?: number): void {
    const at = nextCheckAt(live.rec, this.pause.paused, this.d.clock.now(), settleMs, lastCheckAt, spreadWithinMs);
    if (at === null) this.scheduler.unschedule(live.rec.id);
    else this.scheduler.schedule(live.rec.id, at);
  }

  /** checkNow runs a monitor's check at once (a heartbeat ping) and stores its result before resolving. */
  async checkNow(id: number): Promise<void> {
    const live = this.live.get(id);
    if (!live || !live.rec.enabled || live.rec.paused || this.pause.paused) return;
    this.scheduler.schedule(id, this.d.clock.now());
    await this.scheduler.dispatch();
    this.flush(); // pings are rare: store the result now, so uptime and results show it at once
  }

  /** pauseAll stops every check until resumeAll, or for `minutes`. */
  pauseAll(minutes: number | undefined): MonitoringStatus {
    const until = minutes === undefined ? null : this.d.clock.now() + minutes * 60_000;
    this.setPause(true, until);
    this.newEpoch();
    this.scheduler.clear();
    this.armPauseTimer();
    this.d.log(`monitoring paused${until === null ? '' : ` until ${new Date(until).toISOString()}`}`);
    this.emitStatus();
    return this.status();
  }

  /** resumeAll restarts every check; heartbeats get their grace time again, since pings could not count while paused. */
  resumeAll(): MonitoringStatus {
    if (this.pauseTimer) this.d.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = undefined;
    if (this.pause.paused) {
      this.setPause(false, null);
      this.freshStart();
      this.scheduleAll(0);
      this.d.log('monitoring resumed');
      this.emitStatus();
    }
    return this.status();
  }

  /** onSuspend is for the shell's power monitor: the computer is about to sleep; checks in progress are dropped. */
  onSuspend(): void {
    this.suspendedAt = this.d.clock.now();
    this.newEpoch();
  }

  /**
   * onResume is for the shell's power monitor: the computer woke; checks restart after a short settle
   * time. Only after a suspend: an unlocked screen (also reported) is not a wake, and a sleep whose
   * suspend was not reported is found by the scheduler's clock (sleepGapMs).
   */
  onResume(): void {
    const now = this.d.clock.now();
    if (this.suspendedAt === null || (this.lastWakeAt !== null && this.lastWakeAt >= this.suspendedAt)) return;
    this.wake(now - this.suspendedAt);
  }

  /** flush writes buffered results and changed judgement state in one transaction (see ResultWriter). */
  flush(): void {
    this.writer.flush();
  }

  private async run(id: number, dueAt: number): Promise<number | null> {
    const live = this.live.get(id);
    if (!live || !this.started) return null;
    const { rec } = live;
    if (rec.paused) {
      if (rec.pausedUntil === null || rec.pausedUntil > this.d.clock.now()) return rec.pausedUntil;
      this.repo.setPaused(rec.id, false, null);
      rec.paused = false;
      rec.pausedUntil = null;
      this.restartJudgement(live);
      // As monitors.resume: pings could not count while paused, so a heartbeat gets its grace again.
      this.freshStart(rec.id);
    }
    const epoch = this.epoch;
    const outcome = await runCheck(live, this.epochController.signal, () => this.d.clock.now(), (id) => this.repo.heartbeat(id));
    if (epoch !== this.epoch || !this.started || this.live.get(id) !== live) return null;
    // Paused while the check ran: its answer is not judged (a person who pauses a monitor is not paged for it).
    if (rec.paused) return rec.pausedUntil;
    const regular = Math.min(nextOnGrid(dueAt, rec.intervalSeconds * 1000, this.d.clock.now()), outcome.nextCheckAt ?? Infinity);
    if (outcome.pending) return regular;
    const { verdict, message } = live.needsNetwork ? await this.connectivity.gate(outcome.status, outcome.message) : { verdict: outcome.status, message: outcome.message };
    if (epoch !== this.epoch || !this.started) return null;
    if (rec.paused) return rec.pausedUntil;
    const at = this.d.clock.now();
    const result: PendingResult = { monitorId: id, at, status: verdict, latencyMs: outcome.latencyMs ?? null, phases: outcome.phases ?? null, message, details: outcome.details ?? null };
    this.writer.add(result);

    // Compared as a short string, not two full views: most checks change nothing a person sees.
    const before = shownState(live, this.pause.paused);
    const judged = judge(rec.judgement, verdict, at, judgementSettings(rec, live.type.confirmsFailures));
    if (!sameJudgement(rec.judgement, judged.state)) this.writer.changed(id);
    rec.judgement = judged.state;
    live.confirming = judged.confirming;
    live.lastCheck = { at: new Date(at).toISOString(), status: verdict, latencyMs: result.latencyMs, phases: result.phases, message, details: verdict === 'up' ? null : result.details };
    if (judged.effects.length > 0) {
      applyIncidentEffects(this.d.lifecycle, live, judged.effects, this.d.log);
      this.writer.changed(id);
      this.writer.tryFlush();
    }
    if (shownState(live, this.pause.paused) !== before) this.emitMonitor(this.view(live));
    if (this.feed.watching) this.feed.push(id, live.lastCheck);
    return judged.confirming ? Math.min(at + rec.retryIntervalSeconds * 1000, regular) : regular;
  }

  /** wake handles a sleep of gapMs: checks in flight are dropped, heartbeat deadlines move by the gap, every check restarts spread out. */
  private wake(gapMs: number): void {
    const now = this.d.clock.now();
    this.lastWakeAt = now;
    this.newEpoch();
    if (gapMs > 0) this.repo.shiftHeartbeatDeadlines(gapMs);
    this.connectivity.forget();
    this.d.log(`woke after ${Math.round(gapMs / 1000)} s asleep: the gap is not counted; checks restart in ${this.o.wakeSettleMs / 1000} s`);
    // Each monitor keeps its place on its grid; one that fell due while asleep is checked within WAKE_SPREAD_MS of
    // the settle time (spread over its whole interval, an hourly or daily monitor could wait until the next sleep).
    if (!this.pause.paused) this.scheduleAll(this.o.wakeSettleMs, lastChecks(this.live.values()), WAKE_SPREAD_MS);
    this.scheduler.rearm();
    this.emitStatus();
    this.d.woke?.();
  }

  private scheduleAll(settleMs: number, lastCheckAt?: Map<number, number>, spreadWithinMs?: number): void {
    for (const live of this.live.values()) {
      this.restartJudgement(live);
      this.scheduleOne(live, settleMs, lastCheckAt?.get(live.rec.id), spreadWithinMs);
    }
  }

  /** restartJudgement forgets half-confirmed failures and recoveries: checks before a sleep or pause do not add up with checks after it. */
  restartJudgement(live: Live): void {
    const restarted = restartedJudgement(live.rec.judgement);
    if (restarted) {
      live.rec.judgement = restarted;
      this.writer.changed(live.rec.id);
    }
    live.confirming = false;
  }

  /** freshStart gives heartbeats (all, or one) their grace time from now: pings could not count while paused. */
  freshStart(onlyId?: number): void {
    regraceHeartbeats(this.repo, this.live.values(), this.d.clock.now(), onlyId);
  }

  private setPause(paused: boolean, until: number | null): void {
    this.repo.setGlobalPause(paused, until);
    this.pause = { paused, until: paused ? until : null };
  }

  private newEpoch(): void {
    this.epoch++;
    this.epochController.abort();
    this.epochController = new AbortController();
  }

  private armMaintenance(): void {
    if (this.started && this.live.size > 0) this.maintenance.arm();
  }

  private armPauseTimer(): void {
    if (this.pauseTimer) this.d.clock.clearTimer(this.pauseTimer);
    this.pauseTimer = undefined;
    const { until } = this.pause;
    if (until !== null) this.pauseTimer = this.d.clock.setTimer(() => void this.resumeAll(), Math.max(0, until - this.d.clock.now()));
  }

  private onConnectivity(online: boolean): void {
    this.d.log(online ? 'online again: monitor failures count again' : 'offline: no reference target answers; monitor failures are unknown until the network is back');
    this.emitStatus();
    if (online) this.d.woke?.();
  }

  private emitStatus(): void {
    this.d.emit({ type: 'monitoring.changed', data: this.status() });
  }
}
