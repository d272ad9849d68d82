/**
 * PhoneOfferState is the offer made when a phone number is set: page it by SMS after 5 minutes and by a
 * voice call after 10, for high urgency. Nothing is added until the person accepts (`contactMethods.addPhone`),
 * and the offer says first what the rules need (`channels.problems` for SMS and voice: a Twilio account),
 * so no rule is added that can only fail.
 */
import type { ChannelProblem } from '../../../../electron/shared/api.ts';
import type { ContactMethod } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { config } from './config.svelte.ts';

/** PhoneOfferState holds the open offer, if any. */
export class PhoneOfferState {
  /** phone is the number offered, or null when no offer is open. */
  phone = $state<string | null>(null);
  problems = $state<ChannelProblem[]>([]);
  sms = $state(true);
  voice = $state(true);
  busy = $state(false);
  error = $state<string | null>(null);
  /** added are the contact methods the last accepted offer added (the confirmation). */
  added = $state<ContactMethod[] | null>(null);

  /** offer opens the offer for a number, unless SMS and voice already reach it. */
  async offer(phone: string, known: ContactMethod[] = config.contactMethods): Promise<void> {
    this.added = null;
    const has = (type: string) => known.some((c) => c.type === type && c.address === phone);
    if (!phone || (has('sms') && has('voice'))) return void (this.phone = null);
    this.sms = !has('sms');
    this.voice = !has('voice');
    this.error = null;
    try {
      this.problems = await call('channels.problems', { contactTypes: ['sms', 'voice'] });
    } catch (err) {
      this.problems = [];
      this.error = errorMessage(err);
    }
    this.phone = phone;
  }

  /** accept adds the chosen rules and their contact methods. */
  accept = async (): Promise<void> => {
    if (this.phone === null) return;
    this.busy = true;
    this.error = null;
    try {
      this.added = await call('contactMethods.addPhone', { phone: this.phone, sms: this.sms, voice: this.voice });
      this.phone = null;
      await config.load('all');
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  };

  /** dismiss closes the offer without adding anything. */
  dismiss(): void {
    this.phone = null;
    this.error = null;
  }
}

/** phoneOffer is the window's phone number offer. */
export const phoneOffer = new PhoneOfferState();
