/**
 * IncidentEngine applies the lifecycle to stored incidents: it opens incidents (with dedup,
 * maintenance and urgency rules), carries out each transition's effects in the same transaction as
 * the state change, and runs the durable jobs (notifications, escalations, timeouts) when due.
 */
import { ApiError } from '../../shared/errors.ts';
import type { ApiEvent, TriggerResult } from '../../shared/api.ts';
import type { Actor, TriggerInput } from '../../shared/schemas.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { DeliveryStage, type ClaimedDelivery } from '../notify/delivery.ts';
import type { ChannelRegistry } from '../notify/registry.ts';
import { MemorySecretStore, type SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import type { IncidentRepo, JobRow } from '../store/incident-repo.ts';
import { activeMaintenance, urgencyFor } from './calendar.ts';
import { transition, type IncidentState, type LifecycleContext, type LifecycleEvent, type Transition } from './lifecycle.ts';

/** MAX_SLEEP_MS caps how long the scheduler trusts a timer: Node's timers stop while a laptop sleeps, the wall clock does not. */
export const MAX_SLEEP_MS = 15_000;

/** IncidentEngineDeps are the engine's collaborators. */
export interface IncidentEngineDeps {
  store: Store;
  config: ConfigRepo;
  incidents: IncidentRepo;
  clock: Clock;
  channels: ChannelRegistry;
  /** secrets holds channel tokens and the ack links' key (default: in memory). */
  secrets?: SecretStore;
  emit: (e: ApiEvent) => void;
  log: (line: string) => void;
}

/** IncidentEngine is the incident lifecycle bound to storage, time and channels. */
export class IncidentEngine {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  /** poke ends the wait for deliveries in flight early, so work that falls due meanwhile is not held up. */
  private poke: (() => void) | undefined;
  private again = false;
  private stopped = false;
  /** delivery sends notify jobs through the channels, with retries, the SMS/voice budget and ack links. */
  readonly delivery: DeliveryStage;

  private readonly d: IncidentEngineDeps;

  constructor(deps: IncidentEngineDeps) {
    this.d = deps;
    this.delivery = new DeliveryStage({ ...deps, secrets: deps.secrets ?? new MemorySecretStore() });
  }

  /** start recovers deliveries a crash interrupted and arms the scheduler; due jobs run at once. */
  start(): Promise<void> {
    this.recoverInterrupted();
    return this.runDue();
  }

  /** stop disarms the scheduler and aborts deliveries in flight; call before closing the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.delivery.abortAll();
    this.poke?.();
    await this.running;
  }

  /** trigger opens an incident, or adds an alert to the open one with the same dedup key. */
  trigger(input: TriggerInput, actor: Actor): TriggerResult {
    const now = this.d.clock.now();
    const result = this.d.store.transaction((): TriggerResult & { changed?: IncidentState } => {
      const service = this.d.config.getService(input.serviceId);
      if (!service.enabled) return { status: 'suppressed', reason: `service "${service.name}" is disabled` };
      const profile = this.d.config.getProfile();
      const window = activeMaintenance(service.maintenanceWindows, now, profile.timeZone);
      if (window) return { status: 'suppressed', reason: `service "${service.name}" is in a maintenance window${window.description ? ` (${window.description})` : ''}` };
      const dedupKey = input.dedupKey ?? crypto.randomUUID();
      const open = this.d.incidents.findOpen(service.id, dedupKey);
      if (open) {
        const t = transition(open, { type: 'alert', title: input.title, severity: input.severity, details: input.details, actor }, now, this.context(open));
        this.apply(t, now);
        return { status: 'deduplicated', incident: this.d.incidents.get(open.id), changed: t.incident };
      }
      const urgency = urgencyFor(service.urgencyRule, input.severity, now, profile.timeZone);
      const details = input.source ? { source: input.source, ...input.details } : input.details;
      const created = this.d.incidents.create({ title: input.title, serviceId: service.id, urgency, severity: input.severity, dedupKey, createdAt: now, details });
      const t = transition(created, { type: 'open', actor, ...(input.source ? { source: input.source } : {}) }, now, this.context(created));
      this.apply(t, now);
      return { status: 'created', incident: this.d.incidents.get(created.id), changed: t.incident };
    });
    if (result.status !== 'suppressed') {
      this.d.emit({ type: 'incident.changed', data: { incident: result.incident } });
      this.wake();
      return { status: result.status, incident: result.incident };
    }
    this.d.log(`trigger suppressed: ${result.reason}`);
    return result;
  }

  /** act applies a person's (or the API's) action to an incident and returns it as stored. */
  act(id: number, event: LifecycleEvent) {
    const now = this.d.clock.now();
    this.d.store.transaction(() => {
      const state = this.d.incidents.state(id);
      this.apply(transition(state, event, now, this.context(state)), now);
    });
    const incident = this.d.incidents.get(id);
    this.d.emit({ type: 'incident.changed', data: { incident } });
    this.wake();
    return incident;
  }

  /** actByDedupKey acknowledges or resolves the open incident with a dedup key; unknown or resolved keys are dropped. */
  actByDedupKey(serviceId: number, dedupKey: string, event: LifecycleEvent): 'applied' | 'dropped' {
    const open = this.d.incidents.findOpen(serviceId, dedupKey);
    if (!open) return 'dropped';
    if (event.type === 'acknowledge' && open.status === 'acknowledged') return 'applied';
    this.act(open.id, event);
    return 'applied';
  }

  /**
   * runDue runs every job that is due, oldest first. Non-delivery jobs (escalations, timeouts) each
   * commit with their state change; notifications are claimed (pending -> running, with a durable
   * attempt row) in one commit, sent, and recorded in another (done, or back to pending for a retry
   * with backoff), so a job that a channel may have accepted is never sent twice.
   */
  runDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.runDueOnce();
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
        this.wake();
      }
    })();
    return this.running;
  }

  /** idle resolves when no job run is in progress (tests use it after moving a fake clock). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * runDueOnce runs due timers at once and starts due deliveries, then waits for the deliveries,
   * but no longer than until the next job falls due (or new work arrives, see wake): a vendor
   * that hangs until its timeout does not hold up other pages.
   */
  private async runDueOnce(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    for (let guard = 0; guard < 10_000 && !this.stopped; guard++) {
      const now = this.d.clock.now();
      const due = this.d.incidents.due(now);
      if (due.length === 0 && inflight.size === 0) return;
      for (const job of due) {
        if (job.kind === 'notify') {
          const claimed = this.delivery.claim(job, now);
          if (claimed) this.track(inflight, claimed);
        } else {
          this.runTimer(job, now);
        }
      }
      if (inflight.size > 0) await this.settledOrDue(inflight);
    }
  }

  private track(inflight: Set<Promise<void>>, claimed: ClaimedDelivery): void {
    const p: Promise<void> = this.delivery
      .deliver(claimed)
      .catch((err: unknown) => this.d.log(`delivery of job ${claimed.job.id} failed: ${(err as Error).message}`))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }

  /** settledOrDue resolves when every delivery in flight has finished, the next pending job is due, or wake() pokes. */
  private async settledOrDue(inflight: Set<Promise<void>>): Promise<void> {
    let timer: TimerHandle | undefined;
    const interrupted = new Promise<void>((resolve) => {
      this.poke = resolve;
      const next = this.d.incidents.nextDue();
      if (next !== undefined) timer = this.d.clock.setTimer(resolve, Math.min(Math.max(0, next - this.d.clock.now()), MAX_SLEEP_MS));
    });
    try {
      await Promise.race([Promise.all(inflight), interrupted]);
    } finally {
      this.poke = undefined;
      if (timer) this.d.clock.clearTimer(timer);
    }
  }

  private runTimer(job: JobRow, now: number): void {
    const event = timerEvent(job);
    let changed = false;
    this.d.store.transaction(() => {
      if (!this.d.incidents.setJobState(job.id, 'pending', 'done', now)) return;
      const state = this.d.incidents.state(job.incidentId);
      const t = transition(state, event, now, this.context(state));
      changed = t.effects.length > 0;
      this.apply(t, now);
    });
    if (changed) this.d.emit({ type: 'incident.changed', data: { incident: this.d.incidents.get(job.incidentId) } });
  }

  /** recoverInterrupted closes deliveries a crash left half done (see DeliveryStage.recoverInterrupted). */
  private recoverInterrupted(): void {
    this.delivery.recoverInterrupted();
  }

  /** wake arms one timer for the earliest pending job, never longer than MAX_SLEEP_MS (or pokes a run that is waiting on deliveries). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.poke?.(); // a run is waiting on deliveries: let it look at the new work now
      return;
    }
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = undefined;
    const next = this.d.incidents.nextDue();
    if (next === undefined) return;
    const wait = Math.min(Math.max(0, next - this.d.clock.now()), MAX_SLEEP_MS);
    this.timer = this.d.clock.setTimer(() => {
      this.timer = undefined;
      return this.runDue();
    }, wait);
  }

  private context(state: IncidentState): LifecycleContext {
    const service = this.d.config.getService(state.serviceId);
    return { service, policy: this.d.config.getEscalationPolicy(service.escalationPolicyId), rules: this.d.config.listNotificationRules() };
  }

  private apply(t: Transition, now: number): void {
    this.d.incidents.save(t.incident, now);
    for (const e of t.effects) {
      if (e.type === 'log') this.d.incidents.addLog(t.incident.id, now, e.entry);
      else if (e.type === 'cancel') this.d.incidents.cancel(t.incident.id, e.kinds, now);
      else this.d.incidents.schedule(t.incident.id, e.job, now);
    }
  }
}

function timerEvent(job: JobRow): LifecycleEvent {
  switch (job.kind) {
    case 'escalate': {
      const p = job.payload as { level: number; round: number; cycle: number };
      return { type: 'escalation_due', level: p.level, round: p.round, cycle: p.cycle };
    }
    case 'ack_timeout':
      return { type: 'ack_timeout' };
    case 'auto_resolve':
      return { type: 'auto_resolve' };
    case 'snooze_expire':
      return { type: 'snooze_expired' };
    case 'notify':
      throw new ApiError('internal', 'notify jobs are delivered, not transitioned');
  }
}
