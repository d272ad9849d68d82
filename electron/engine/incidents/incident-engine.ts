/**
 * IncidentEngine applies the lifecycle to stored incidents: it opens incidents (with dedup,
 * maintenance and urgency rules), carries out each transition's effects in the same transaction as
 * the state change, and runs the durable jobs (notifications, escalations, timeouts) when due.
 */
import { ApiError } from '../../shared/errors.ts';
import type { ApiEvent, TriggerResult } from '../../shared/api.ts';
import type { Actor, Service, TriggerInput } from '../../shared/schemas.ts';
import type { Clock } from '../clock.ts';
import { DeliveryStage } from '../notify/delivery.ts';
import type { ChannelRegistry } from '../notify/registry.ts';
import { MemorySecretStore, type SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { GroupCommit } from '../store/group-commit.ts';
import type { DueTimer, IncidentRepo, JobRow } from '../store/incident-repo.ts';
import { activeMaintenance, urgencyFor } from './calendar.ts';
import { JobRunner, type WakeHint } from './job-runner.ts';
import { escalationDue, transition, type IncidentState, type LifecycleContext, type LifecycleEvent, type NotifyPayload, type Transition } from './lifecycle.ts';

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
  /** stopGraceMs overrides how long stopping waits for sends in flight (tests). */
  stopGraceMs?: number;
}

/** IncidentEngine is the incident lifecycle bound to storage, time and channels. */
export class IncidentEngine {
  /** delivery sends notify jobs through the channels, with retries, the SMS/voice budget and ack links. */
  readonly delivery: DeliveryStage;
  /** jobs runs the durable jobs when due (see JobRunner). */
  readonly jobs: JobRunner;
  /**
   * commits is the group commit the writes that come in bursts share (inbound events, the outcomes of
   * pages): what arrives in one turn of the event loop is made durable by one fsync.
   */
  readonly commits: GroupCommit;

  private readonly d: IncidentEngineDeps;

  constructor(deps: IncidentEngineDeps) {
    this.d = deps;
    this.commits = new GroupCommit(deps.store);
    this.delivery = new DeliveryStage({ ...deps, commits: this.commits, secrets: deps.secrets ?? new MemorySecretStore() });
    this.jobs = new JobRunner({ clock: deps.clock, incidents: deps.incidents, delivery: this.delivery, runTimer: (job, now) => this.runTimer(job, now), contactTypes: () => deps.config.contactTypes(), log: deps.log, ...(deps.stopGraceMs !== undefined ? { stopGraceMs: deps.stopGraceMs } : {}) });
  }

  /** start marks for sending again what a crash interrupted and arms the scheduler; due jobs start at once (idle() waits for them). */
  start(): void {
    this.jobs.start();
  }

  /** stop disarms the scheduler and ends the sends in flight (see JobRunner.stop); call before closing the store. */
  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** runDue runs every job that is due (see JobRunner.runDue). */
  runDue(): Promise<void> {
    return this.jobs.runDue();
  }

  /** idle resolves when no job run is in progress (tests use it after moving a fake clock). */
  idle(): Promise<void> {
    return this.jobs.idle();
  }

  /** wake looks at the schedule again after a change (see JobRunner.wake; `hint` is what the change planned). */
  wake(hint?: WakeHint): void {
    this.jobs.wake(hint);
  }

  /** releaseWaiting sends the pages to one type of contact method that wait for a device of it, which just connected (see WaitingPages). */
  releaseWaiting(contactType: string): void {
    try {
      if (this.delivery.waiting.release(contactType) > 0) this.wake();
    } catch (err) {
      // The store refused the write (a full disk, say): the pages go out when their wait ends instead.
      this.d.log(`sending the waiting ${contactType} pages failed: ${(err as Error).message}`);
    }
  }

  /**
   * trigger opens an incident, or adds an alert to the open one with the same dedup key in the same
   * scope: the integration's whose event it is (`integrationId`), else the service's own.
   */
  trigger(input: TriggerInput, actor: Actor, integrationId: number | null = null): TriggerResult {
    const now = this.d.clock.now();
    const result = this.d.store.transaction((): TriggerResult & { changed?: IncidentState; planned?: WakeHint } => {
      const service = this.d.config.getService(input.serviceId);
      if (!service.enabled) return { status: 'suppressed', reason: `service "${service.name}" is disabled` };
      const profile = this.d.config.getProfile();
      const window = activeMaintenance(service.maintenanceWindows, now, profile.timeZone);
      if (window) return { status: 'suppressed', reason: `service "${service.name}" is in a maintenance window${window.description ? ` (${window.description})` : ''}` };
      const dedupKey = input.dedupKey ?? crypto.randomUUID();
      const open = this.d.incidents.findOpen(service.id, dedupKey, integrationId);
      if (open) {
        const t = transition(open, { type: 'alert', title: input.title, severity: input.severity, details: input.details, actor }, now, this.context(open));
        const planned = this.apply(t, now);
        return { status: 'deduplicated', incident: this.d.incidents.get(open.id), changed: t.incident, planned };
      }
      const urgency = urgencyFor(service.urgencyRule, input.severity, now, profile.timeZone);
      const details = input.source ? { source: input.source, ...input.details } : input.details;
      const ctx = this.contextOf(service);
      // Its first escalation timer is written with the row: opening it then leaves the row as it is.
      const escalateAt = escalationDue(urgency, ctx.policy, 1, now);
      const created = this.d.incidents.create({ title: input.title, serviceId: service.id, urgency, severity: input.severity, dedupKey, createdAt: now, details, integrationId, escalateAt });
      const t = transition(created, { type: 'open', actor, ...(input.source ? { source: input.source } : {}) }, now, ctx);
      const planned = this.apply(t, now, created);
      return { status: 'created', incident: this.d.incidents.get(created.id), changed: t.incident, planned };
    });
    if (result.status !== 'suppressed') {
      this.d.emit({ type: 'incident.changed', data: { incident: result.incident } });
      this.wake(result.planned);
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

  /**
   * resolveEverywhere resolves the open incidents with a dedup key on any service: a monitor's key
   * ("monitor:<id>") is its alone, and its incident stays on the service it was opened on when the
   * monitor is moved to another.
   */
  resolveEverywhere(dedupKey: string, event: Extract<LifecycleEvent, { type: 'resolve' }>): number {
    const ids = this.d.incidents.openWithKey(dedupKey);
    for (const id of ids) this.act(id, event);
    return ids.length;
  }

  /** actByDedupKey acknowledges or resolves the open incident with a dedup key in a scope (see trigger); unknown or resolved keys are dropped. */
  actByDedupKey(serviceId: number, dedupKey: string, event: LifecycleEvent, integrationId: number | null = null): 'applied' | 'dropped' {
    const open = this.d.incidents.findOpen(serviceId, dedupKey, integrationId);
    if (!open) return 'dropped';
    if (event.type === 'acknowledge' && open.status === 'acknowledged') return 'applied';
    this.act(open.id, event);
    return 'applied';
  }

  private runTimer(timer: DueTimer, now: number): void {
    const incidentId = timer.type === 'job' ? timer.job.incidentId : timer.incidentId;
    let changed = false;
    this.d.store.transaction(() => {
      if (timer.type === 'job') {
        if (!this.d.incidents.setJobState(timer.job.id, 'pending', 'done', now)) return;
        const state = this.d.incidents.state(incidentId);
        const t = transition(state, timerEvent(timer.job), now, this.context(state));
        changed = t.effects.length > 0;
        this.apply(t, now);
        return;
      }
      // The escalation timer on the incident's row: read again here, since an answer may have cleared or moved it since the look.
      const state = this.d.incidents.state(incidentId);
      if (state.escalateAt === null || state.escalateAt > now) return;
      const t = transition(state, { type: 'escalation_due', level: state.escalationLevel, round: state.escalationRound, cycle: state.cycle }, now, this.context(state));
      changed = t.effects.length > 0;
      // A timer the lifecycle found nothing to do for (its incident not triggered) ends: left, it would be due at every look.
      this.apply(t.incident.escalateAt === state.escalateAt ? { ...t, incident: { ...t.incident, escalateAt: null } } : t, now);
    });
    if (changed) this.d.emit({ type: 'incident.changed', data: { incident: this.d.incidents.get(incidentId) } });
  }

  private context(state: IncidentState): LifecycleContext {
    return this.contextOf(this.d.config.getService(state.serviceId));
  }

  /** contextOf is a service's lifecycle context: its escalation policy and my notification rules. */
  private contextOf(service: Service): LifecycleContext {
    return { service, policy: this.d.config.getEscalationPolicy(service.escalationPolicyId), rules: this.d.config.listNotificationRules() };
  }

  /**
   * apply stores a transition: the incident (unless it is `stored`, the row as just written) and its
   * effects. It answers what it planned, for the job runner's wake: its escalation timer, its other
   * timers and its pages, but not those that wait for a device (WaitingPages: nothing to send now).
   */
  private apply(t: Transition, now: number, stored?: IncidentState): WakeHint {
    if (t.incident !== stored) this.d.incidents.save(t.incident, now);
    let timerAt = t.incident.escalateAt;
    const pages: WakeHint['pages'] = [];
    for (const e of t.effects) {
      if (e.type === 'log') this.d.incidents.addLog(t.incident.id, now, e.entry);
      else if (e.type === 'cancel') this.d.incidents.cancel(t.incident.id, e.kinds, now);
      else if (e.job.kind !== 'notify') {
        this.d.incidents.schedule(t.incident.id, e.job, now);
        timerAt = timerAt === null ? e.job.dueAt : Math.min(timerAt, e.job.dueAt);
      } else if (!this.delivery.waiting.schedule(t.incident.id, e.job, now)) {
        pages.push({ dueAt: e.job.dueAt, contactMethodId: (e.job.payload as NotifyPayload).contactMethodId });
      }
    }
    return { timerAt, pages };
  }
}

function timerEvent(job: JobRow): LifecycleEvent {
  switch (job.kind) {
    case 'escalate': {
      // Only in a database written before migration 18, which ends the pending ones: kept for a row put back by hand.
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
