/**
 * ContactDeliveryState is what the contact method list does beyond editing: a test send per
 * contact method (`contactMethods.test`: one real send, never retried, with its real outcome), and
 * storing the secret a contact method names (`secretRef`) in the keychain with `contactMethods.setSecret`. The
 * secret is sent once and never shown or kept by the page.
 */
import type { AnswerTestStatus, ResponderStatus } from '../../../../electron/shared/api.ts';
import type { DeliveryOutcome } from '../../../../electron/shared/channel-schemas.ts';
import type { ContactMethod, ContactMethodType } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';

/** SECRET_USES says, per contact method type that may use one, what its keychain entry holds (docs/channels.md). */
export const SECRET_USES: Partial<Record<ContactMethodType, string>> = {
  sms: 'the SMS gateway’s token, sent as "Authorization: Bearer" (Twilio uses the Twilio section’s instead)',
  ntfy: 'an access token for the topic, if it needs one (empty: the ntfy section’s)',
  pushover: 'the Pushover application token (empty: the Pushover section’s, "pushover.token")',
  slack: 'the webhook URL’s last segment (its token), with the rest of the URL as the address',
  discord: 'the webhook URL’s token, with the rest of the URL as the address',
  telegram: 'the bot token (empty: the Telegram section’s, "telegram.botToken")',
  webhook: 'a signing secret: requests then carry X-Standby-Signature',
};

/** TestResult is a test send's outcome, or why it could not be asked for. */
export type TestResult = { outcome: DeliveryOutcome; at: number } | { failure: string; at: number };

/** ANSWER_POLL_MS is how often the form asks whether a test's answer arrived. */
export const ANSWER_POLL_MS = 1000;

/** ContactDeliveryState holds test outcomes and the open secret form. */
export class ContactDeliveryState {
  results = $state<Record<number, TestResult>>({});
  testing = $state<Record<number, boolean>>({});
  /** answers are the test round trips: where each contact method's test answer stands (`contactMethods.testAnswer`). */
  answers = $state<Record<number, AnswerTestStatus>>({});
  /** watching holds each contact method's next look (not shown, so not reactive). */
  private readonly watching: Record<number, ReturnType<typeof setTimeout>> = {};
  /** responders say, per channel a phone can answer through, whether Standby hears its answers (`responders.status`). */
  responders = $state<ResponderStatus[]>([]);

  /** loadResponders reads whether each two-way channel's answers are heard; a failure leaves the list as it was. */
  async loadResponders(): Promise<void> {
    try {
      this.responders = await call('responders.status', {});
    } catch {
      // The list of contact methods works without it; Settings, Answering from the phone, says why.
    }
  }

  /** answering is a contact method type's answer state in words, or null for a type no phone answers through. */
  answering(type: ContactMethodType): string | null {
    const r = this.responders.find((x) => x.channel === type);
    if (!r) return null;
    return r.state === 'listening' ? 'answers on' : r.state === 'failing' ? 'answers failing' : r.state === 'offline' ? 'answers paused: offline' : 'answers off';
  }
  /** secretFor is the contact method whose secret form is open. */
  secretFor = $state<number | null>(null);
  secretForm = new FormState<{ value: string }>({ value: '' }, ['value']);
  /** stored remembers which contact methods' secrets were stored from this page. */
  stored = $state<Record<number, string>>({});

  /** test sends one real test message and records the channel's answer. */
  async test(c: ContactMethod): Promise<void> {
    this.testing[c.id] = true;
    try {
      this.stopWatching(c.id);
      delete this.answers[c.id];
      const outcome = await call('contactMethods.test', { id: c.id });
      this.results[c.id] = { outcome, at: Date.now() };
      if (outcome.ok && outcome.answerTestId) this.watch(c.id, outcome.answerTestId);
      void this.loadResponders();
    } catch (err) {
      this.results[c.id] = { failure: errorMessage(err), at: Date.now() };
    } finally {
      delete this.testing[c.id];
    }
  }

  /** watch asks every second whether the test's answer arrived, until it did or the test expired (10 minutes). */
  private watch(contactId: number, testId: number): void {
    const look = async () => {
      delete this.watching[contactId];
      try {
        const status = await call('contactMethods.testAnswer', { id: testId });
        this.answers[contactId] = status;
        if (status.status === 'waiting') this.watching[contactId] = setTimeout(look, ANSWER_POLL_MS);
      } catch {
        // A dropped connection or a restart: ask again; the answer is kept by the server.
        this.watching[contactId] = setTimeout(look, ANSWER_POLL_MS * 5);
      }
    };
    void look();
  }

  private stopWatching(contactId: number): void {
    clearTimeout(this.watching[contactId]);
    delete this.watching[contactId];
  }

  /** openSecret opens the secret field of a contact method that names a keychain entry. */
  openSecret(c: ContactMethod): void {
    this.secretFor = c.id;
    this.secretForm.reset({ value: '' });
  }

  /** closeSecret closes it, forgetting what was typed. */
  closeSecret(): void {
    this.secretFor = null;
    this.secretForm.reset({ value: '' });
  }

  /**
   * storeSecret writes the typed secret to the contact method's keychain entry (`contactMethods.setSecret`),
   * for the destination the method has now: pointed elsewhere later, it is not sent until entered again.
   */
  async storeSecret(c: ContactMethod): Promise<void> {
    const r = await this.secretForm.submit((d) => call('contactMethods.setSecret', { id: c.id, value: d.value }));
    this.secretForm.draft.value = '';
    if (r?.secretRef) {
      this.stored[c.id] = r.secretRef;
      this.secretFor = null;
    }
  }
}

/** contactDelivery is the contact methods' test sends and secrets. */
export const contactDelivery = new ContactDeliveryState();
