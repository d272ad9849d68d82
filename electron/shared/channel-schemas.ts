/** Notification channel and delivery settings (non-secret; secrets are keychain entries named by *Ref fields). */
import { z } from 'zod';
import './zod-words.ts';

/**
 * channelUrl is a server a channel talks to. It carries no credential: settings are exported and shown,
 * so a token belongs in the keychain (a contact method's secret is sent as `Authorization: Bearer`).
 */
const channelUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((u) => {
  try {
    const url = new URL(u);
    return url.username === '' && url.password === '' && url.search === '';
  } catch {
    return true;
  }
}, 'must not carry a credential (user:password@ or a ?query): settings are exported and shown; keep a token in the keychain instead (an SMS gateway gets a contact method\'s secret as "Authorization: Bearer")');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, such as +14155550123');

/** SecretRef names an entry in the OS keychain (or, opted in, a STANDBY_SECRET_<REF> environment variable). */
export const SecretRef = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be a keychain entry name: a letter or digit, then letters, digits, ".", "_", ":" or "-" (at most 200 characters)')
  .refine((r) => !r.toLowerCase().startsWith('standby.'), 'must not name one of Standby\'s own entries ("standby.…"): those are never sent anywhere');

/** WEBHOOK_TEMPLATE_FIELDS are the {{placeholders}} a webhook body template may use. */
export const WEBHOOK_TEMPLATE_FIELDS = ['event', 'incidentId', 'number', 'title', 'service', 'urgency', 'triggeredAt', 'details', 'text', 'ackUrl', 'resolveUrl', 'deliveryKey', 'repeat'] as const;

/** SENDER is an address `user@host` where the host may be one label (localhost) or a domain name. */
const SENDER = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** EmailSettings: the SMTP server email is sent through (port defaults to 587 for STARTTLS, 465 for TLS, 25 for none). */
export const EmailSettings = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  port: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be a TCP port (1 to 65535)').max(65535, 'must be a TCP port (1 to 65535)').optional(),
  security: z.enum(['starttls', 'tls', 'none']).optional(),
  user: z.string().max(255, 'must be at most 255 characters').optional(),
  passwordRef: SecretRef.optional(),
  /** from may name a host without a dot (standby@localhost): a local mail server accepts it. */
  from: z.email({ pattern: SENDER, error: 'must be an email address, such as standby@example.com or standby@localhost' }),
  rejectUnauthorized: z.boolean({ error: 'must be true or false' }).optional(),
});

/**
 * TwilioSettings: the Twilio account SMS and voice calls go through; the auth token is a keychain entry
 * (default "twilio.authToken"). `answers` (default true) lets the person answer a page SMS with "4"
 * (acknowledge), "6" (resolve), "ack 12" or "resolve 12": Standby reads the replies to `from` from
 * Twilio's message list every 15 s (responders/sms.ts); false turns the polling and the hint in the SMS off.
 */
export const TwilioSettings = z.strictObject({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID: "AC" and 32 hexadecimal digits'),
  from: e164,
  authTokenRef: SecretRef.optional(),
  baseUrl: channelUrl.optional(),
  answers: z.boolean().optional(),
});

/** SmsSettings picks the SMS provider: a generic gateway webhook receiving `{to, message}`, or Twilio (settings under `twilio`). */
export const SmsSettings = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('webhook'), url: channelUrl }),
  z.strictObject({ provider: z.literal('twilio') }),
]);

/** VoiceSettings: voice calls through Twilio (settings under `twilio`), the voice and how many times the summary is spoken. */
export const VoiceSettings = z.strictObject({
  provider: z.literal('twilio'),
  voice: z.string().regex(/^[A-Za-z0-9.\-_]{1,64}$/, 'must be a Twilio voice name such as "alice" or "Polly.Joanna"').optional(),
  loop: z.number().int('must be a whole number').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5').optional(),
});

const ntfyPriority = z.number().int('must be a whole number').min(1, 'must be 1 (min) to 5 (max)').max(5, 'must be 1 (min) to 5 (max)');
/**
 * NtfySettings: the ntfy server (default https://ntfy.sh), an optional access token entry, priorities per
 * urgency, and `answers` (default off): the page's Acknowledge and Resolve buttons publish to a private
 * reply topic on the same server that Standby reads, so no public URL is needed (responders/ntfy.ts).
 */
export const NtfySettings = z.strictObject({
  server: channelUrl.optional(),
  tokenRef: SecretRef.optional(),
  highPriority: ntfyPriority.optional(),
  lowPriority: ntfyPriority.optional(),
  answers: z.boolean({ error: 'must be true or false' }).optional(),
});

const pushoverPriority = z.number().int('must be a whole number').min(-2, 'must be -2 to 2').max(2, 'must be -2 to 2');
/** PushoverSettings: the application token entry (default "pushover.token"), priorities, and emergency retry/expire (https://pushover.net/api#priority). */
export const PushoverSettings = z.strictObject({
  tokenRef: SecretRef.optional(),
  baseUrl: channelUrl.optional(),
  highPriority: pushoverPriority.optional(),
  lowPriority: pushoverPriority.optional(),
  retrySeconds: z.number().int('must be whole seconds').min(30, 'must be at least 30 seconds (Pushover\'s minimum)').max(10800, 'must be at most 10800 seconds').optional(),
  expireSeconds: z.number().int('must be whole seconds').min(30, 'must be at least 30 seconds').max(10800, 'must be at most 10800 seconds (Pushover\'s maximum, 3 hours)').optional(),
  sound: z.string().regex(/^[a-z0-9_]{1,32}$/, 'must be a Pushover sound name such as "siren"').optional(),
});

/** TelegramSettings: the bot token entry (default "telegram.botToken") and the Bot API base URL. */
export const TelegramSettings = z.strictObject({
  botTokenRef: SecretRef.optional(),
  baseUrl: channelUrl.optional(),
  /** answers: pages carry Acknowledge / Resolve / Snooze buttons and Standby reads the taps with getUpdates (default on; off when another program reads this bot's updates). */
  answers: z.boolean({ error: 'must be true or false' }).optional(),
});

/** WebhookSettings: an optional body template with {{placeholders}}, its content type, and the signature header's name. */
export const WebhookSettings = z
  .strictObject({
    template: z.string().min(1, 'must not be empty').max(20000, 'must be at most 20000 characters').optional(),
    contentType: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+(;.*)?$/i, 'must be a media type such as "application/json"').optional(),
    signatureHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name').optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.template) return;
    for (const m of v.template.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)) {
      if (!(WEBHOOK_TEMPLATE_FIELDS as readonly string[]).includes(m[1] ?? '')) {
        ctx.addIssue({ code: 'custom', path: ['template'], message: `{{${m[1]}}} is not a known placeholder; use one of ${WEBHOOK_TEMPLATE_FIELDS.join(', ')}` });
      }
    }
    if ((v.contentType ?? 'application/json').startsWith('application/json')) {
      try {
        JSON.parse(v.template.replace(/\{\{\s*[^}\s]*\s*\}\}/g, 'x'));
      } catch {
        ctx.addIssue({ code: 'custom', path: ['template'], message: 'must be JSON once its placeholders are filled in (placeholders go inside JSON strings, such as "{{title}}")' });
      }
    }
  });

/** DeliverySettings: retries with backoff around every channel, the attempt timeout, and the daily SMS + voice budget. */
export const DeliverySettings = z.strictObject({
  retries: z.number().int('must be a whole number').min(0, 'must be 0 to 10').max(10, 'must be 0 to 10').optional(),
  retryBaseSeconds: z.number().int('must be whole seconds').min(1, 'must be 1 to 600 seconds').max(600, 'must be 1 to 600 seconds').optional(),
  maxRetryMinutes: z.number().int('must be whole minutes').min(1, 'must be 1 to 120 minutes').max(120, 'must be 1 to 120 minutes').optional(),
  timeoutSeconds: z.number().int('must be whole seconds').min(1, 'must be 1 to 120 seconds').max(120, 'must be 1 to 120 seconds').optional(),
  smsVoicePerDay: z.number().int('must be a whole number').min(0, 'must be 0 to 10000').max(10000, 'must be 0 to 10000').optional(),
});

/** AckSettings: signed links in messages to acknowledge or resolve from a phone (off unless enabled, with the public URL Standby is reachable at). */
export const AckSettings = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }),
    publicBaseUrl: channelUrl.optional(),
    ttlMinutes: z.number().int('must be whole minutes').min(5, 'must be 5 to 10080 minutes').max(10080, 'must be 5 to 10080 minutes (7 days)').optional(),
  })
  .refine((v) => !v.enabled || v.publicBaseUrl !== undefined, { path: ['publicBaseUrl'], message: 'is required when ack links are enabled (the URL your phone can reach Standby at)' });

/** ChannelSettingsSchemas maps each settings section (`channels.<kind>` in the configuration) to its schema. */
export const ChannelSettingsSchemas = {
  email: EmailSettings,
  sms: SmsSettings,
  voice: VoiceSettings,
  twilio: TwilioSettings,
  ntfy: NtfySettings,
  pushover: PushoverSettings,
  telegram: TelegramSettings,
  webhook: WebhookSettings,
  delivery: DeliverySettings,
  ack: AckSettings,
} as const;

/** ChannelSettingsKind names one settings section. */
export const ChannelSettingsKind = z.enum(['email', 'sms', 'voice', 'twilio', 'ntfy', 'pushover', 'telegram', 'webhook', 'delivery', 'ack']);
export type ChannelSettingsKind = z.infer<typeof ChannelSettingsKind>;
/** ChannelSettingsOf is the settings type of one section. */
export type ChannelSettingsOf<K extends ChannelSettingsKind> = z.infer<(typeof ChannelSettingsSchemas)[K]>;

/** ChannelSettingsUpdate sets one section's settings (null removes them), validated by that section's schema. */
export const ChannelSettingsUpdate = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('email'), settings: EmailSettings.nullable() }),
  z.strictObject({ kind: z.literal('sms'), settings: SmsSettings.nullable() }),
  z.strictObject({ kind: z.literal('voice'), settings: VoiceSettings.nullable() }),
  z.strictObject({ kind: z.literal('twilio'), settings: TwilioSettings.nullable() }),
  z.strictObject({ kind: z.literal('ntfy'), settings: NtfySettings.nullable() }),
  z.strictObject({ kind: z.literal('pushover'), settings: PushoverSettings.nullable() }),
  z.strictObject({ kind: z.literal('telegram'), settings: TelegramSettings.nullable() }),
  z.strictObject({ kind: z.literal('webhook'), settings: WebhookSettings.nullable() }),
  z.strictObject({ kind: z.literal('delivery'), settings: DeliverySettings.nullable() }),
  z.strictObject({ kind: z.literal('ack'), settings: AckSettings.nullable() }),
]);
export type ChannelSettingsUpdate = z.infer<typeof ChannelSettingsUpdate>;

/** ChannelSettingsView answers `channels.get`: a section's settings and whether each keychain entry it names holds a secret (never the secret). */
export interface ChannelSettingsView {
  kind: ChannelSettingsKind;
  settings: Record<string, unknown> | null;
  /** secrets: each entry the settings name, whether it holds a value, and the destination it is sent to with whether it was entered for it. */
  secrets: Array<{ field: string; ref: string; present: boolean | null; destination?: string; bound?: boolean }>;
  /** secretStore names the backend; error says why it could not be read (and how to fix it). */
  secretStore: { kind: string; error: string | null };
}

/** DeliveryOutcome is what one send to a contact method did. */
export interface DeliveryOutcome {
  ok: boolean;
  /** detail is the channel's answer on success (e.g. "HTTP 201"); error says why it failed, with no secret in it. */
  detail: string | null;
  error: string | null;
  retryable: boolean | null;
  /**
   * answerTestId is set when the test asks the person to answer from the phone (a channel whose answers
   * are on): `contactMethods.testAnswer` with it says when the answer arrived.
   */
  answerTestId?: number | null;
}

/** DeliveryBudget is today's SMS + voice budget in the profile's time zone. */
export interface DeliveryBudget {
  limit: number;
  used: number;
  remaining: number;
  /** day is the local date (YYYY-MM-DD) the count is for; resetsAt is the next local midnight. */
  day: string;
  resetsAt: string;
  timeZone: string;
}
