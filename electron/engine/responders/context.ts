/**
 * What a responder may use: the channel settings, a secret for a destination (checked like a channel's,
 * secrets/bindings.ts), the person's contact methods (only they may answer), the page receipts and
 * cursors, and applying an answer with the cursor in one transaction.
 */
import type { ContactMethod, Incident } from '../../shared/schemas.ts';
import type { Clock } from '../clock.ts';
import type { AckLinks } from '../notify/ack-links.ts';
import type { AnswerTest, AnswerTestRepo } from './answer-tests.ts';
import type { DeliveryStage } from '../notify/delivery.ts';
import type { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import type { IncidentRepo } from '../store/incident-repo.ts';
import { VIA, type Answer, type AnswerOutcome, type LastAnswer } from './answers.ts';
import type { ReceiptRepo } from './receipts.ts';

/** ResponderContext is a responder's view of the engine. */
export interface ResponderContext {
  clock: Clock;
  log: (line: string) => void;
  /** settings reads a channel settings section as stored. */
  settings: (kind: string) => Record<string, unknown> | undefined;
  /** secret reads a keychain entry for a destination; it throws when the secret was not entered for it or the keychain fails. */
  secret: (ref: string, destination: string) => Promise<string | null>;
  contacts: () => ContactMethod[];
  receipts: ReceiptRepo;
  /** sendsSettled resolves once the pages and test sends under way have their outcome and receipt stored. */
  sendsSettled: () => Promise<void>;
  /** ackLinks checks and consumes the signed single-use tokens a button carries (ntfy's http buttons), as the /ack route does. */
  ackLinks: AckLinks;
  /** answer applies an answer; `also` (the cursor) is written in the same transaction. */
  answer: (a: Answer, also?: () => void) => AnswerOutcome;
  /** tests are the test sends waiting for an answer ("Send test" in the contact method form). */
  tests: AnswerTestRepo;
  /** answerTest marks a test answered from `via`, with `also` (the cursor) in the same transaction; false if it was answered already. */
  answerTest: (t: AnswerTest, via: string, also?: () => void) => boolean;
  /** unconfirmedPage tells whether an incident has a page to one of these contact methods that may have reached the phone with no receipt stored (its answer lost, or a restart cut it short). */
  unconfirmedPage: (incidentId: number, contactMethodIds: readonly number[]) => boolean;
  /** lastAnswer is an incident's latest acknowledgement or resolution: where from and when (the follow-up's words). */
  lastAnswer: (incidentId: number) => LastAnswer;
  /** incidentByNumber finds an incident by the number people see ("#12"). */
  incidentByNumber: (n: number) => Incident | undefined;
  /** timeZone is the profile's time zone, for times in replies. */
  timeZone: () => string;
}

/** EngineParts are the parts of the engine a responder context is made of. */
export interface EngineParts {
  clock: Clock;
  log: (line: string) => void;
  store: Store;
  config: ConfigRepo;
  incidents: IncidentRepo;
  delivery: DeliveryStage;
  answer: (a: Answer, also?: () => void) => AnswerOutcome;
}

/** engineResponderContext is the responders' view of a running engine. */
export function engineResponderContext(e: EngineParts): ResponderContext {
  const { delivery } = e;
  return {
    clock: e.clock,
    log: e.log,
    settings: (kind) => delivery.settings.get(kind),
    secret: (ref, destination) => delivery.boundSecret(ref, destination),
    contacts: () => e.config.listContactMethods(),
    receipts: delivery.receipts,
    sendsSettled: () => delivery.settled(),
    ackLinks: delivery.ack,
    answer: e.answer,
    tests: delivery.tests,
    answerTest: (t, via, also) =>
      e.store.transaction(() => {
        also?.();
        const first = delivery.tests.answered(t.id, e.clock.now(), via);
        if (first) e.log(`test answer received from ${via}`);
        return first;
      }),
    unconfirmedPage: (id, contactMethodIds) => delivery.unconfirmedPage(id, contactMethodIds),
    lastAnswer: (id) => {
      const last = e.incidents.timeline(id).findLast((x) => x.type === 'acknowledge' || x.type === 'resolve');
      return { via: VIA.exec(last?.message ?? '')?.[1] ?? null, at: last?.at ?? null };
    },
    incidentByNumber: (n) => {
      const r = e.store.prepare('SELECT id FROM incidents WHERE number = ?').get(n) as { id: number } | undefined;
      return r ? e.incidents.find(r.id) : undefined;
    },
    timeZone: () => e.config.getProfile().timeZone,
  };
}
