/**
 * Pages that wait for a device (the headless desktop with no UI connected): a page no connected device
 * can show waits until the first one connects (release) or its retry window ends, with one timeline
 * entry, instead of being retried on a schedule nobody is there to see. A page planned while its
 * channel says it is unavailable waits from the transaction that plans it (schedule): one failed
 * attempt and the timeline's entry, as a first attempt that found no device would write, with nothing
 * claimed or sent; a storm of incidents with no UI open then costs no delivery work at all. A page
 * whose send finds no device (a UI that went away meanwhile) waits through DeliveryStage's record.
 */
import type { ContactMethodType } from '../../shared/schemas.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import type { IncidentRepo } from '../store/incident-repo.ts';
import type { NotifyPayload, PlannedJob } from '../incidents/lifecycle.ts';
import type { DeliveryRepo } from './delivery-repo.ts';
import { payloadData, who } from './delivery-words.ts';
import type { ChannelRegistry } from './registry.ts';
import { formatDelay, nextRetry, type DeliveryPolicy } from './retry.ts';

/** waitsLine is the timeline's entry for a page that waits for a device to connect. */
export function waitsLine(name: string, attempt: number, error: string, forMs: number): string {
  return `Notifying ${name} waits (attempt ${attempt}): ${error}; it goes out when one connects, for up to ${formatDelay(forMs)}`;
}

/** WaitingPagesDeps are what the waiting pages read and write. */
export interface WaitingPagesDeps {
  store: Store;
  repo: DeliveryRepo;
  incidents: IncidentRepo;
  config: ConfigRepo;
  channels: ChannelRegistry;
  policy: () => DeliveryPolicy;
  now: () => number;
}

/** WaitingPages holds pages for a device and lets them go when one connects. */
export class WaitingPages {
  /** releases counts release calls: an attempt that found no device waits only if none connected since its claim. */
  releases = 0;
  private readonly d: WaitingPagesDeps;

  constructor(deps: WaitingPagesDeps) {
    this.d = deps;
  }

  /**
   * release makes due now the pages to one type of contact method that wait for a device or for a
   * retry, since one just connected; it answers how many (the job runner then needs a wake).
   */
  release(contactType: string): number {
    this.releases++;
    return this.d.store.transaction(() => this.d.repo.release(contactType, this.d.now()));
  }

  /**
   * schedule stores a planned page inside the transaction that plans it, and answers whether it waits:
   * a page due now whose channel is unavailable waits for a device until its retry window ends (with
   * retries on; with them off it goes the usual way, and fails at its attempt).
   */
  schedule(incidentId: number, job: PlannedJob, now: number): boolean {
    const p = job.payload as NotifyPayload;
    const type = job.dueAt <= now ? this.d.config.contactTypes().get(p.contactMethodId) : undefined;
    const error = type === undefined ? undefined : this.d.channels.get(type as ContactMethodType)?.unavailable?.();
    const decision = error === undefined ? undefined : nextRetry(this.d.policy(), 1, now, now);
    if (error === undefined || type === undefined || !decision || !('retryAt' in decision)) {
      this.d.incidents.schedule(incidentId, job, now);
      return false;
    }
    const jobId = this.d.incidents.schedule(incidentId, { ...job, dueAt: decision.windowEndsAt }, now);
    if (jobId === undefined) return false; // planned before (the same key): left as it was
    const attemptId = this.d.repo.start({ jobId, incidentId, contactMethodId: p.contactMethodId, contactType: type, attempt: 1, startedAt: now });
    this.d.repo.finish(attemptId, 'failed', now, { error, charged: false });
    const contact = this.d.config.getContactMethod(p.contactMethodId);
    this.d.incidents.addLog(incidentId, now, {
      type: 'notify',
      actor: 'system',
      message: waitsLine(who(contact, p.contactMethodId), 1, error, decision.windowEndsAt - now),
      data: { ...payloadData(p, contact, job.key), attempt: 1, error, retryable: true, outcome: 'waiting', retryAt: new Date(decision.windowEndsAt).toISOString() },
    });
    return true;
  }
}
