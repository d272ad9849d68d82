/**
 * The delivery stage around the channels (Alertmanager's RetryStage, for one person): a due notify job
 * is claimed with a durable "sending" attempt row in one commit, right before its send (pages due
 * together share that commit); sent through its channel with a timeout; and recorded in another, through
 * the group commit inbound events use (outcomes that arrive together share one fsync). A retryable failure puts the same job
 * row back to pending with backoff (or until a device connects: waiting-pages.ts); each attempt and the final outcome are timeline entries. SMS and
 * calls count against a daily budget. Pages are at-least-once: a job a crash (or a stop) left
 * "sending" is sent again at the next start, marked as a possible repeat, with the same idempotency key.
 */
import type { ApiEvent } from '../../shared/api.ts';
import type { ContactMethod } from '../../shared/schemas.ts';
import type { DeliveryBudget, DeliveryOutcome } from '../../shared/channel-schemas.ts';
import type { Clock } from '../clock.ts';
import type { NotifyPayload } from '../incidents/lifecycle.ts';
import { AnswerTestRepo } from '../responders/answer-tests.ts';
import { ReceiptRepo } from '../responders/receipts.ts';
import { SecretBindings } from '../secrets/bindings.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { GroupCommit } from '../store/group-commit.ts';
import type { IncidentRepo, JobRow, PagedIncident } from '../store/incident-repo.ts';
import { AckLinks } from './ack-links.ts';
import { withDeadline } from './deadline.ts';
import { BUDGETED_TYPES, localDay } from './budget.ts';
import { permanent, type AckLinkSet, type DeliveryResult } from './channel.ts';
import { DeliveryRepo } from './delivery-repo.ts';
import { charges, payloadData, who } from './delivery-words.ts';
import { incidentMessage, testMessage } from './message.ts';
import type { ChannelRegistry } from './registry.ts';
import { deliveryPolicy, formatDelay, nextRetry, type DeliveryPolicy } from './retry.ts';
import { SettingsRepo } from './settings-repo.ts';
import { SendAttempts } from './send-attempts.ts';
import { waitsLine, WaitingPages } from './waiting-pages.ts';
import { DeliverySettings } from '../../shared/channel-schemas.ts';

/** DeliveryDeps are the stage's collaborators. */
export interface DeliveryDeps {
  store: Store;
  config: ConfigRepo;
  incidents: IncidentRepo;
  clock: Clock;
  channels: ChannelRegistry;
  secrets: SecretStore;
  emit: (e: ApiEvent) => void;
  log: (line: string) => void;
  /** commits batches the outcome records of sends that end together (shared with inbound events); default: one of its own. */
  commits?: GroupCommit;
}

/** ACK_LINKS_DEADLINE_MS bounds reading the ack links' signing key: past it (a keychain that hangs) the page goes out without links. */
export const ACK_LINKS_DEADLINE_MS = 5_000;

/** LATE_START_MS: an attempt that starts this long after it was due counts as interrupted (its retries and window start again). */
export const LATE_START_MS = 60_000;

/** ClaimedDelivery is a notify job claimed for one attempt. */
export interface ClaimedDelivery {
  job: JobRow;
  attempt: number;
  attemptId: number;
  /** repeat: an earlier attempt was interrupted by a restart, so this page may repeat one that arrived. */
  repeat: boolean;
  /** incident is what the page says of its incident, read inside the claim's transaction (no read of its own). */
  incident: PagedIncident;
  /** releases is WaitingPages' count of releases at the claim: a device that connects after it is not missed. */
  releases: number;
}

/** DeliveryStage delivers notify jobs and test sends. */
export class DeliveryStage {
  readonly ack: AckLinks;
  readonly settings: SettingsRepo;
  /** bindings say which destinations each secret was entered for; a channel reads a secret for no other. */
  readonly bindings: SecretBindings;
  /** receipts are the pages a phone may answer (responders/). */
  readonly receipts: ReceiptRepo;
  /** waiting are the pages that wait for a device to connect (waiting-pages.ts). */
  readonly waiting: WaitingPages;
  /** tests are the test sends waiting for the person's answer (responders/answer-tests.ts). */
  readonly tests: AnswerTestRepo;
  /** answerable tells whether a channel's answers are heard now (set by the engine from its responders): its tests then ask for one. */
  answerable: (type: string) => boolean = () => false;
  private readonly repo: DeliveryRepo;
  private readonly d: DeliveryDeps;
  /** attempts makes each send through its channel (with its timeout) and cuts them short at a stop. */
  private readonly attempts: SendAttempts;
  /** sends are the deliveries and test sends under way, until their outcome (and receipt) is stored. */
  private readonly sends = new Set<Promise<unknown>>();
  /** commits batches the outcome records of sends that end together into one commit (one fsync), with inbound events. */
  private readonly commits: GroupCommit;
  /** policyOf is the policy last made, with the stored text it was made from. */
  private policyOf: { json: string | null; policy: DeliveryPolicy } | undefined;

  constructor(deps: DeliveryDeps) {
    this.d = deps;
    this.repo = new DeliveryRepo(deps.store);
    this.commits = deps.commits ?? new GroupCommit(deps.store);
    this.settings = new SettingsRepo(deps.store);
    this.bindings = new SecretBindings(deps.store);
    this.receipts = new ReceiptRepo(deps.store);
    this.tests = new AnswerTestRepo(deps.store);
    this.waiting = new WaitingPages({ store: deps.store, repo: this.repo, incidents: deps.incidents, config: deps.config, channels: deps.channels, policy: () => this.policy(), now: () => deps.clock.now() });
    this.attempts = new SendAttempts({
      channels: deps.channels,
      settings: this.settings,
      timeoutMs: () => this.policy().timeoutSeconds * 1000,
      secret: (ref, destination) => this.boundSecret(ref, destination),
      responderState: (key) => this.receipts.cursor(key),
    });
    this.ack = new AckLinks({ store: deps.store, secrets: deps.secrets, clock: deps.clock, settings: () => this.settings.get('ack'), log: deps.log });
  }

  /** policy is the delivery settings with defaults applied (validated once per stored text: a page asks several times). */
  policy(): DeliveryPolicy {
    const json = this.settings.json('delivery');
    if (this.policyOf?.json !== json) {
      const r = DeliverySettings.safeParse(json === null ? {} : JSON.parse(json));
      this.policyOf = { json, policy: deliveryPolicy(r.success ? r.data : undefined) };
    }
    return this.policyOf.policy;
  }

  /** budget is today's SMS + voice count against its limit, in the profile's time zone. */
  budget(now = this.d.clock.now()): DeliveryBudget {
    const timeZone = this.d.config.getProfile().timeZone;
    const day = localDay(now, timeZone);
    const limit = this.policy().smsVoicePerDay;
    const used = this.repo.charged(day.start, day.end);
    return { limit, used, remaining: Math.max(0, limit - used), day: day.day, resetsAt: new Date(day.end).toISOString(), timeZone };
  }

  /**
   * claim moves a due notify job pending -> running and records the attempt, in one commit, so the
   * attempt is durable before anything is sent. A job over the SMS/voice budget is closed instead.
   */
  claim(job: JobRow, now: number): ClaimedDelivery | undefined {
    const p = job.payload as unknown as NotifyPayload;
    let blocked: { contact: ContactMethod; budget: DeliveryBudget } | undefined;
    const claimed = this.d.store.transaction((): ClaimedDelivery | undefined => {
      if (!this.d.incidents.setJobState(job.id, 'pending', 'running', now)) return undefined;
      const contact = this.contact(p.contactMethodId);
      if (contact && BUDGETED_TYPES.has(contact.type)) {
        const budget = this.budget(now);
        if (budget.remaining <= 0) {
          this.d.incidents.setJobState(job.id, 'running', 'done', now);
          this.d.incidents.addLog(job.incidentId, now, {
            type: 'notify',
            actor: 'system',
            message: `Not notifying ${who(contact, p.contactMethodId)}: today's SMS and voice budget is used up (${budget.used} of ${budget.limit}); it resets at local midnight (raise channels.delivery.smsVoicePerDay to allow more)`,
            data: { ...payloadData(p, contact, job.key), outcome: 'skipped', reason: 'budget', budget: { limit: budget.limit, used: budget.used, day: budget.day } },
          });
          blocked = { contact, budget };
          return undefined;
        }
      }
      const history = this.repo.history(job.id);
      const attempt = history.count + 1;
      // Well after it was due (the computer slept, the process was held up): its retries start again from here.
      const late = now - job.dueAt >= LATE_START_MS;
      const attemptId = this.repo.start({ jobId: job.id, incidentId: job.incidentId, contactMethodId: p.contactMethodId, contactType: contact?.type ?? 'unknown', attempt, startedAt: now, late });
      return { job, attempt, attemptId, repeat: history.interrupted, incident: this.d.incidents.forPage(job.incidentId), releases: this.waiting.releases };
    });
    if (blocked) {
      this.budgetEvent(blocked.budget, { incidentId: job.incidentId, contactMethodId: blocked.contact.id, type: blocked.contact.type });
      this.d.log(`notify: ${who(blocked.contact, p.contactMethodId)} not sent, the SMS/voice budget is used up (${blocked.budget.used}/${blocked.budget.limit})`);
      this.d.emit({ type: 'incident.changed', data: { incident: this.d.incidents.get(job.incidentId) } });
    }
    return claimed;
  }

  /**
   * claimAll claims several due jobs (see claim) through the group commit, so they share one fsync
   * with each other and with the inbound events and delivery outcomes of the same turn. It resolves
   * once every claim is on disk: no send starts before its claim is stored.
   */
  claimAll(jobs: JobRow[], now: number): Promise<Array<ClaimedDelivery | undefined>> {
    return this.commits.run(() => jobs.map((job) => this.claim(job, now)));
  }

  /** unconfirmedPage tells whether an incident has a page to one of these contact methods that may have arrived without Standby knowing (see DeliveryRepo.unconfirmed). */
  unconfirmedPage(incidentId: number, contactMethodIds: readonly number[]): boolean {
    return this.repo.unconfirmed(incidentId, contactMethodIds);
  }

  /**
   * deliver makes one claimed attempt and records its outcome (delivered, retry later, or failed). The
   * ack links' key is read within ACK_LINKS_DEADLINE_MS (the page goes out without links otherwise),
   * and a page that repeats one a restart interrupted says so. onSent is called once the channel has
   * answered (or the page could not be sent at all), before the outcome is stored.
   */
  deliver(c: ClaimedDelivery, onSent?: () => void): Promise<void> {
    return this.tracked(this.deliverNow(c, onSent));
  }

  /**
   * settled resolves once every send under way now has its outcome stored, receipt included: a tap on a
   * page can reach a responder before the page's own send has returned (the phone shows the message as
   * soon as the channel has it), and the responder waits for this before calling the page unknown.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.sends]);
  }

  private tracked<T>(p: Promise<T>): Promise<T> {
    this.sends.add(p);
    const done = () => this.sends.delete(p);
    p.then(done, done);
    return p;
  }

  private async deliverNow(c: ClaimedDelivery, onSent: (() => void) | undefined): Promise<void> {
    const p = c.job.payload as unknown as NotifyPayload;
    const { incident, repeat } = c;
    const contact = this.contact(p.contactMethodId);
    let result: DeliveryResult;
    let linkWarning: string | undefined;
    if (!contact) {
      result = permanent(`contact method ${p.contactMethodId} no longer exists`);
    } else {
      const timeZone = this.d.config.getProfile().timeZone;
      let ackLinks: AckLinkSet | undefined;
      // With ack links off (the default) a page makes no links, and needs no deadline timer for the keychain.
      if (this.ack.config()) {
        try {
          const deadline = Math.min(ACK_LINKS_DEADLINE_MS, this.policy().timeoutSeconds * 500);
          ackLinks = await withDeadline(this.ack.issue(incident.id), deadline, `the keychain did not answer within ${deadline / 1000} s when reading the ack links' signing key`);
        } catch (err) {
          linkWarning = `ack links left out: ${(err as Error).message}`;
        }
      }
      result = await this.attempts.run(contact, incidentMessage(incident, timeZone, { ackLinks, deliveryKey: c.job.key, repeat }));
    }
    onSent?.();
    if (this.attempts.stopping && !result.ok) return; // cut short by a stop: left "sending", so the next start sends it again
    await this.record(c, p, contact, result, linkWarning, repeat, incident.number);
  }

  /** test sends a test message to a contact method once (never retried) and answers the channel's real outcome. */
  test(contact: ContactMethod): Promise<DeliveryOutcome> {
    return this.tracked(this.testNow(contact));
  }

  private async testNow(contact: ContactMethod): Promise<DeliveryOutcome> {
    const now = this.d.clock.now();
    if (BUDGETED_TYPES.has(contact.type)) {
      const budget = this.budget(now);
      if (budget.remaining <= 0) {
        this.budgetEvent(budget, { incidentId: null, contactMethodId: contact.id, type: contact.type });
        return { ok: false, detail: null, error: `today's SMS and voice budget is used up (${budget.used} of ${budget.limit}); it resets at local midnight`, retryable: false };
      }
    }
    const attemptId = this.d.store.transaction(() => this.repo.start({ jobId: null, incidentId: null, contactMethodId: contact.id, contactType: contact.type, attempt: 1, startedAt: now }));
    // A channel whose answers are heard asks the person to answer the test, and the form waits for it.
    const test = this.answerable(contact.type) ? this.d.store.transaction(() => this.tests.add({ contactMethodId: contact.id, channel: contact.type, address: contact.address, sentAt: now })) : undefined;
    const result = await this.attempts.run(contact, { ...testMessage(now, this.d.config.getProfile().timeZone), answerTest: test?.token });
    this.d.store.transaction(() => {
      this.repo.finish(attemptId, result.ok ? 'delivered' : 'failed', this.d.clock.now(), charges(result));
      if (test && result.ok && result.receipt) this.tests.sent(test.id, result.receipt);
    });
    this.d.log(`test send to ${who(contact, contact.id)}: ${result.ok ? 'delivered' : `failed (${result.error})`}`);
    const answerTestId = test && result.ok ? test.id : null;
    return result.ok ? { ok: true, detail: result.detail ?? 'delivered', error: null, retryable: null, answerTestId } : { ok: false, detail: null, error: result.error, retryable: result.retryable, answerTestId: null };
  }

  /**
   * recoverInterrupted sends again the deliveries a crash or a stop left without an outcome (jobs
   * still running, other than those in `inFlight`): their attempt becomes "unknown" (it may have
   * arrived) and the job is due now, unless the incident no longer needs the page. At-least-once: a
   * duplicate is a nuisance, a lost page is the failure Standby exists to prevent.
   */
  recoverInterrupted(inFlight: ReadonlySet<number> = new Set(), cause = 'a restart'): void {
    const now = this.d.clock.now();
    for (const job of this.d.incidents.running()) {
      if (inFlight.has(job.id)) continue;
      const p = job.payload as unknown as NotifyPayload;
      const name = who(this.contact(p.contactMethodId), p.contactMethodId);
      this.d.store.transaction(() => {
        this.repo.abandon(job.id, now);
        const moot = this.moot(job.incidentId, p, this.repo.history(job.id).firstAt ?? now);
        const data = { ...payloadData(p, this.contact(p.contactMethodId), job.key), outcome: 'interrupted' };
        if (moot) {
          this.d.incidents.setJobState(job.id, 'running', 'done', now);
          this.d.incidents.addLog(job.incidentId, now, { type: 'notify', actor: 'system', message: `A delivery to ${name} was interrupted by ${cause} before Standby knew whether it arrived; it is not sent again (${moot})`, data });
          return;
        }
        this.repo.reschedule(job.id, now);
        this.d.incidents.addLog(job.incidentId, now, { type: 'notify', actor: 'system', message: `A delivery to ${name} was interrupted by ${cause} before Standby knew whether it arrived; sending it again (it may arrive twice)`, data });
      });
    }
  }

  /** abortAll cuts short the attempts in flight (Standby is stopping); they stay "sending" and are sent again at the next start. */
  abortAll(): void {
    this.attempts.abortAll();
  }

  /**
   * boundSecret reads a secret for one destination, for a channel or a responder: null when it is not
   * stored at all (the caller says "not in the keychain"), SecretNotBoundError when it is stored but was
   * entered for another destination.
   */
  async boundSecret(ref: string, destination: string): Promise<string | null> {
    if (!this.bindings.allows(ref, destination) && (await this.d.secrets.get(ref)) === null) return null;
    this.bindings.check(ref, destination);
    return this.d.secrets.get(ref);
  }

  /**
   * record stores a send's outcome through the group commit: sends that end in the same turn of the
   * event loop share one commit. It resolves once the outcome is on disk and rejects when it is not
   * (then the job stays running and is sent again: at-least-once, as after a crash).
   */
  private async record(c: ClaimedDelivery, p: NotifyPayload, contact: ContactMethod | undefined, result: DeliveryResult, linkWarning: string | undefined, repeat: boolean, incidentNumber: number): Promise<void> {
    const now = this.d.clock.now();
    const base = { ...payloadData(p, contact, c.job.key), attempt: c.attempt, ...(linkWarning ? { ackLinks: linkWarning } : {}), ...(repeat ? { repeat: true } : {}) };
    const line = await this.commits.run(() => {
      const said = this.recordOutcome(c, p, contact, result, now, base, repeat);
      // A delivered page of an incident still triggered, by a contact method that never failed on it, changes
      // only the timeline. Otherwise the incident goes out whole, read inside this commit: its page failure may
      // change, or it was answered meanwhile (the page just delivered is then dismissed or closed on the phone).
      const incidentId = c.job.incidentId;
      const onlyTimeline = result.ok && this.d.incidents.status(incidentId) === 'triggered' && !this.repo.failedOn(incidentId, p.contactMethodId);
      if (onlyTimeline) this.d.emit({ type: 'incident.timeline', data: { incidentId } });
      else this.d.emit({ type: 'incident.changed', data: { incident: this.d.incidents.get(incidentId) } });
      return said;
    });
    this.d.log(`notify #${incidentNumber}: ${line}`);
  }

  /** recordOutcome writes one send's outcome inside record's commit and returns its timeline line. */
  private recordOutcome(c: ClaimedDelivery, p: NotifyPayload, contact: ContactMethod | undefined, result: DeliveryResult, now: number, base: Record<string, unknown>, repeat: boolean): string {
    const name = who(contact, p.contactMethodId);
    if (result.ok) {
      this.repo.finish(c.attemptId, 'delivered', now, { charged: true });
      this.d.incidents.setJobState(c.job.id, 'running', 'done', now);
      const line = `Notified ${name}: delivered${c.attempt > 1 ? ` on attempt ${c.attempt}` : ''}${repeat ? ' (a repeat: an interrupted attempt may have arrived)' : ''}`;
      this.d.incidents.addLog(c.job.incidentId, now, { type: 'notify', actor: 'system', message: line, data: { ...base, outcome: 'delivered' } });
      // A two-way channel's page: the phone may answer it, and it is closed when the incident is answered anywhere.
      if (result.receipt && contact) this.receipts.add({ incidentId: c.job.incidentId, contactMethodId: contact.id, channel: contact.type, address: contact.address, receipt: result.receipt, createdAt: now });
      return line;
    }
    const failure = { error: result.error, retryable: result.retryable, ...(result.status !== undefined ? { status: result.status } : {}) };
    this.repo.finish(c.attemptId, 'failed', now, { status: result.status, error: result.error, ...charges(result) });
    const decision = result.retryable ? this.retryDecision(c, p, now, result.retryAfterMs) : undefined;
    // No device to show it: the page waits for one to connect (WaitingPages) until the retry window ends, unless one connected since the claim.
    const waits = decision && 'retryAt' in decision && result.untilConnected === true && c.releases === this.waiting.releases;
    if (decision && 'retryAt' in decision && this.repo.reschedule(c.job.id, waits ? decision.windowEndsAt : decision.retryAt)) {
      const line = waits
        ? waitsLine(name, c.attempt, result.error, decision.windowEndsAt - now)
        : `Notifying ${name} failed (attempt ${c.attempt}): ${result.error}; retrying in ${formatDelay(decision.delayMs)}`;
      const retryAt = new Date(waits ? decision.windowEndsAt : decision.retryAt).toISOString();
      this.d.incidents.addLog(c.job.incidentId, now, { type: 'notify', actor: 'system', message: line, data: { ...base, ...failure, outcome: waits ? 'waiting' : 'retrying', retryAt } });
      return line;
    }
    this.d.incidents.setJobState(c.job.id, 'running', 'done', now);
    const why = decision && 'giveUp' in decision ? ` (${decision.giveUp})` : '';
    const line = `Notifying ${name} failed: ${result.error}${why}`;
    this.d.incidents.addLog(c.job.incidentId, now, { type: 'notify', actor: 'system', message: line, data: { ...base, ...failure, outcome: 'failed' } });
    return line;
  }

  /** retryDecision applies the policy (counted since the last restart that interrupted this page), and stops retrying a page the incident no longer needs. */
  private retryDecision(c: ClaimedDelivery, p: NotifyPayload, now: number, retryAfterMs?: number) {
    const h = this.repo.history(c.job.id);
    const moot = this.moot(c.job.incidentId, p, h.firstAt ?? now);
    if (moot) return { giveUp: `not retried: ${moot}` };
    return nextRetry(this.policy(), h.sinceInterruption.count, h.sinceInterruption.firstAt ?? now, now, retryAfterMs);
  }

  /** moot says why an incident no longer needs a page first tried at firstAt (resolved, moved on, acknowledged since), or undefined. */
  private moot(incidentId: number, p: NotifyPayload, firstAt: number): string | undefined {
    const state = this.d.incidents.state(incidentId);
    if (state.status === 'resolved') return 'the incident is resolved';
    if (state.cycle !== p.cycle) return 'the incident moved on (escalated, re-triggered or its urgency changed)';
    if (state.status === 'acknowledged' && (this.d.incidents.lastAcknowledgedAt(incidentId) ?? 0) >= firstAt) return 'the incident was acknowledged';
    return undefined;
  }

  private budgetEvent(b: DeliveryBudget, blocked: { incidentId: number | null; contactMethodId: number; type: string }): void {
    this.d.emit({ type: 'delivery.budget', data: { limit: b.limit, used: b.used, remaining: b.remaining, day: b.day, blocked } });
  }

  private contact(id: number): ContactMethod | undefined {
    try {
      return this.d.config.getContactMethod(id);
    } catch {
      return undefined;
    }
  }
}
