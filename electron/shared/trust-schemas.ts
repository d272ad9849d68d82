/**
 * What keeps a person from trusting a page that will never arrive: the channels notification rules use
 * but that are not set up (`channels.problems`), a page that failed on an incident (`Incident.pageFailure`),
 * the phone number's SMS and voice rules offered rather than added (`contactMethods.addPhone`), and the
 * guided first run's progress (`setup.get`, `setup.update`). Part of the one contract in api.ts.
 */
import { z } from 'zod';
import { ContactMethodType } from './schemas.ts';

/** ChannelSection names the Settings → Channels section that sets a channel up. */
export type ChannelSection = 'sms' | 'twilio' | 'email' | 'pushover' | 'telegram';

/** ChannelProblem is one channel that contact methods page through but that cannot send yet. */
export interface ChannelProblem {
  /** section is the Settings → Channels section that fixes it. */
  section: ChannelSection;
  /** title names the channel as a person knows it ("Twilio"). */
  title: string;
  /** contactTypes are the contact method types that page through it ("sms", "voice"). */
  contactTypes: ContactMethodType[];
  /** reason says what is missing, in a person's words ("no Account SID and sending number"). */
  reason: string;
}

/** ChannelProblemsInput asks about the contact types notification rules and escalation policies page (absent), or about the given ones (an offer). */
export const ChannelProblemsInput = z.strictObject({ contactTypes: z.array(ContactMethodType).max(20).optional() });

/** AddPhoneInput accepts the phone number's offer: an SMS and a voice contact method, each with a high-urgency notification rule. */
export const AddPhoneInput = z.strictObject({
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, such as +14155550123'),
  sms: z.boolean({ error: 'must be true or false' }).default(true),
  voice: z.boolean({ error: 'must be true or false' }).default(true),
});

/** SetupStep is one step of the guided first run. */
export const SetupStep = z.enum(['profile', 'contact', 'monitor', 'done']);
export type SetupStep = z.infer<typeof SetupStep>;

/**
 * SetupState is the guided first run's progress: `pending` shows it at open (a new data directory), `skipped`
 * hides it until resumed, `done` once finished. A data directory made before the guide existed is `done`.
 */
export const SetupState = z.strictObject({
  status: z.enum(['pending', 'skipped', 'done']),
  step: SetupStep,
  /** contactMethodId is the contact method the guide made or picked for the test page. */
  contactMethodId: z.number().int().positive().nullable(),
});
export type SetupState = z.infer<typeof SetupState>;

/** SetupUpdate changes some of the first run's progress. */
export const SetupUpdate = z.strictObject({
  status: SetupState.shape.status.optional(),
  step: SetupStep.optional(),
  contactMethodId: z.number().int().positive().nullable().optional(),
});
