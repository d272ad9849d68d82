/**
 * The domain's shapes, as zod schemas: PagerDuty's model for a team of one.
 * These schemas validate every input (HTTP bodies, IPC arguments, config files, form fields),
 * so their messages name the field and the rule. This module imports nothing but zod: it runs
 * in the engine, the Electron shell and the renderer alike.
 */
import { z } from 'zod';

/** Urgency decides how hard Standby tries to reach you: high escalates, low notifies quietly. */
export const Urgency = z.enum(['high', 'low']);
export type Urgency = z.infer<typeof Urgency>;

/** Severity as the PagerDuty Events API v2 defines it. */
export const Severity = z.enum(['critical', 'error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

/** IncidentStatus is PagerDuty's lifecycle: triggered, acknowledged, resolved. */
export const IncidentStatus = z.enum(['triggered', 'acknowledged', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Id is a positive integer row id. */
export const Id = z.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive');

const label = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour)');
const weekdays = z
  .array(z.number().int().min(0, 'weekdays are 0 (Sunday) to 6 (Saturday)').max(6, 'weekdays are 0 (Sunday) to 6 (Saturday)'))
  .min(1, 'must name at least one weekday')
  .max(7);

/** isTimeZone tells whether the runtime's Intl knows an IANA time zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** TimeZone is an IANA zone name such as "Europe/Paris". */
export const TimeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris"');

/** Profile is the person on call. */
export const ProfileInput = z.strictObject({
  name: z.string().trim().max(200, 'must be at most 200 characters'),
  email: z.union([z.literal(''), z.email('must be an email address')]),
  phone: z.union([z.literal(''), z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, such as +14155550123')]),
  timeZone: TimeZone,
});
export type ProfileInput = z.infer<typeof ProfileInput>;
export type Profile = ProfileInput;

/**
 * ContactMethodType is how Standby can reach someone. `desktop` is this computer's notification
 * centre; the others are delivered by notification channels.
 */
export const ContactMethodType = z.enum(['desktop', 'email', 'sms', 'voice', 'ntfy', 'pushover', 'slack', 'discord', 'telegram', 'webhook']);
export type ContactMethodType = z.infer<typeof ContactMethodType>;

const addressRules: Record<ContactMethodType, { test: (a: string) => boolean; rule: string }> = {
  desktop: { test: () => true, rule: '' },
  email: { test: (a) => z.email().safeParse(a).success, rule: 'must be an email address' },
  sms: { test: (a) => /^\+[1-9]\d{6,14}$/.test(a), rule: 'must be a phone number in E.164 form, such as +14155550123' },
  voice: { test: (a) => /^\+[1-9]\d{6,14}$/.test(a), rule: 'must be a phone number in E.164 form, such as +14155550123' },
  ntfy: { test: (a) => /^[-_A-Za-z0-9]{1,64}$/.test(a) || isHttpUrl(a), rule: 'must be an ntfy topic or topic URL' },
  pushover: { test: (a) => /^[A-Za-z0-9]{30}$/.test(a), rule: 'must be a 30-character Pushover user key' },
  slack: { test: isHttpUrl, rule: 'must be an http(s) URL' },
  discord: { test: isHttpUrl, rule: 'must be an http(s) URL' },
  telegram: { test: (a) => /^-?\d+$|^@[A-Za-z0-9_]{5,}$/.test(a), rule: 'must be a Telegram chat id or @channel' },
  webhook: { test: isHttpUrl, rule: 'must be an http(s) URL' },
};

function isHttpUrl(a: string): boolean {
  try {
    const u = new URL(a);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** ContactMethodInput is a way to reach me or a backup contact; secrets are referenced, never stored here. */
export const ContactMethodInput = z
  .strictObject({
    type: ContactMethodType,
    label,
    address: z.string().trim().max(2000, 'must be at most 2000 characters'),
    /** A name in the OS keychain for a token this method needs; the secret itself never enters the database. */
    secretRef: z.string().max(200).nullable().default(null),
  })
  .superRefine((v, ctx) => {
    const r = addressRules[v.type];
    if (v.type !== 'desktop' && !r.test(v.address)) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: `${r.rule} for a ${v.type} contact method` });
    }
  });
export type ContactMethodInput = z.infer<typeof ContactMethodInput>;
export type ContactMethod = ContactMethodInput & { id: number };

/** NotificationRuleInput: for incidents of this urgency, notify this contact method after this many minutes. */
export const NotificationRuleInput = z.strictObject({
  urgency: Urgency,
  startDelayMinutes: z.number().int('must be whole minutes').min(0, 'must be 0 (immediately) or more').max(1440, 'must be at most 1440 minutes'),
  contactMethodId: Id,
});
export type NotificationRuleInput = z.infer<typeof NotificationRuleInput>;
export type NotificationRule = NotificationRuleInput & { id: number };

/** EscalationTarget is who a level pages: me (through my notification rules) or a backup contact method. */
export const EscalationTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('me') }),
  z.strictObject({ kind: z.literal('contact'), contactMethodId: Id }),
]);
export type EscalationTarget = z.infer<typeof EscalationTarget>;

/** EscalationLevel pages its targets, then waits delayMinutes before the next level. */
export const EscalationLevel = z.strictObject({
  targets: z.array(EscalationTarget).min(1, 'a level needs at least one target').max(10),
  delayMinutes: z.number().int('must be whole minutes').min(1, 'must be at least 1 minute').max(1440, 'must be at most 1440 minutes'),
});
export type EscalationLevel = z.infer<typeof EscalationLevel>;

/** EscalationPolicyInput: ordered levels, repeated up to 9 times when nobody acknowledges. */
export const EscalationPolicyInput = z.strictObject({
  name: label,
  description: z.string().max(2000).default(''),
  levels: z.array(EscalationLevel).min(1, 'a policy needs at least one level').max(20, 'at most 20 levels'),
  repeatCount: z.number().int().min(0, 'must be 0 to 9').max(9, 'must be 0 to 9 (PagerDuty repeats a policy at most 9 times)').default(0),
});
export type EscalationPolicyInput = z.infer<typeof EscalationPolicyInput>;
export type EscalationPolicy = EscalationPolicyInput & { id: number };

/** SupportHours are the days and times (in the profile's time zone) when incidents are high urgency. */
export const SupportHours = z.strictObject({ days: weekdays, start: hhmm, end: hhmm });
export type SupportHours = z.infer<typeof SupportHours>;

/** UrgencyRule decides an incident's urgency when it triggers. */
export const UrgencyRule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant'), urgency: Urgency }),
  z.strictObject({ type: z.literal('severity') }),
  z.strictObject({ type: z.literal('support_hours'), supportHours: SupportHours }),
]);
export type UrgencyRule = z.infer<typeof UrgencyRule>;

/** MaintenanceWindow: while one is active, the service opens no incident. */
export const MaintenanceWindow = z.discriminatedUnion('type', [
  z
    .strictObject({ type: z.literal('once'), start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }), end: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }), description: z.string().max(500).default('') })
    .refine((w) => Date.parse(w.end) > Date.parse(w.start), { path: ['end'], message: 'must be after start' }),
  z.strictObject({ type: z.literal('weekly'), days: weekdays, start: hhmm, end: hhmm, description: z.string().max(500).default('') }),
]);
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

/** ServiceInput is something the person runs and is on call for. */
export const ServiceInput = z.strictObject({
  name: label,
  description: z.string().max(2000).default(''),
  escalationPolicyId: Id,
  urgencyRule: UrgencyRule.default({ type: 'constant', urgency: 'high' }),
  ackTimeoutMinutes: z.number().int().min(0, 'must be 0 (off) or more minutes').max(1440, 'must be at most 1440 minutes').default(30),
  autoResolveMinutes: z.number().int().min(0, 'must be 0 (off) or more minutes').max(10080, 'must be at most 10080 minutes (7 days)').default(240),
  maintenanceWindows: z.array(MaintenanceWindow).max(50).default([]),
  enabled: z.boolean().default(true),
});
export type ServiceInput = z.infer<typeof ServiceInput>;
export type Service = ServiceInput & { id: number };

/** Actor says who or what changed an incident. */
export const Actor = z.enum(['me', 'monitor', 'api', 'auto', 'system']);
export type Actor = z.infer<typeof Actor>;

/** LogEntryType names each kind of timeline entry, in PagerDuty's words. */
export const LogEntryType = z.enum([
  'trigger', 'alert', 'notify', 'acknowledge', 'unacknowledge', 'escalate', 'snooze', 'annotate',
  'urgency_change', 'resolve', 'repeat', 'exhaust', 'reassign',
]);
export type LogEntryType = z.infer<typeof LogEntryType>;

/** LogEntry is one line of an incident's timeline. */
export interface LogEntry {
  id: number;
  incidentId: number;
  at: string;
  type: LogEntryType;
  actor: Actor;
  message: string;
  data: Record<string, unknown>;
}

/** Incident is something that needs the person's attention. Times are ISO 8601 strings. */
export interface Incident {
  id: number;
  number: number;
  title: string;
  serviceId: number;
  serviceName: string;
  urgency: Urgency;
  severity: Severity | null;
  status: IncidentStatus;
  dedupKey: string;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: Actor | null;
  snoozedUntil: string | null;
  escalationLevel: number;
  escalationRound: number;
  alertCount: number;
  details: Record<string, unknown>;
}

/** IncidentWithTimeline is an incident and every log entry, oldest first. */
export interface IncidentWithTimeline extends Incident {
  timeline: LogEntry[];
}

/** TriggerInput opens an incident (or adds an alert to the open one with the same dedup key). */
export const TriggerInput = z.strictObject({
  serviceId: Id,
  title: z.string().trim().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  severity: Severity.default('critical'),
  dedupKey: z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters').optional(),
  source: z.string().max(255).optional(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type TriggerInput = z.infer<typeof TriggerInput>;

/** IntegrationType is how alerts reach a service: PagerDuty's Events API v2, or Prometheus Alertmanager's webhook. */
export const IntegrationType = z.enum(['events_v2', 'alertmanager']);
export type IntegrationType = z.infer<typeof IntegrationType>;

/** AlertGrouping decides what an Alertmanager integration opens one incident for: each alert group (groupKey) or each alert (fingerprint). */
export const AlertGrouping = z.enum(['group', 'alert']);
export type AlertGrouping = z.infer<typeof AlertGrouping>;

/** DEFAULT_EVENTS_PER_MINUTE is PagerDuty's Events API v2 limit per integration key (https://developer.pagerduty.com/docs/events-api-v2/rate-limits/). */
export const DEFAULT_EVENTS_PER_MINUTE = 120;

const integrationFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  /** groupBy is for Alertmanager integrations only (default "group"). */
  groupBy: AlertGrouping.optional(),
  /** rateLimitPerMinute caps events per minute for this key; 0 turns the limit off. */
  rateLimitPerMinute: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (no limit) to 100000').max(100_000, 'must be 0 (no limit) to 100000').default(DEFAULT_EVENTS_PER_MINUTE),
};

/** IntegrationInput creates an integration: a key that lets a monitoring tool open incidents on a service. */
export const IntegrationInput = z
  .strictObject({ serviceId: Id, type: IntegrationType, ...integrationFields })
  .refine((v) => v.type === 'alertmanager' || v.groupBy === undefined, { path: ['groupBy'], message: 'applies to alertmanager integrations only' });
export type IntegrationInput = z.infer<typeof IntegrationInput>;

/** IntegrationUpdate changes an integration's name, grouping or rate limit (its service, type and key stay). */
export const IntegrationUpdate = z.strictObject(integrationFields);
export type IntegrationUpdate = z.infer<typeof IntegrationUpdate>;

/**
 * Integration is one integration of a service. `key` is its routing key (32 hex characters, as
 * PagerDuty's integration keys): read from the secret store, or null when the secret store does not
 * hold it (then it was shown only when created or rotated; rotate to get a new one).
 */
export interface Integration {
  id: number;
  serviceId: number;
  type: IntegrationType;
  name: string;
  key: string | null;
  /** groupBy is set for Alertmanager integrations, null for Events API v2 ones. */
  groupBy: AlertGrouping | null;
  rateLimitPerMinute: number;
  createdAt: string;
  keyRotatedAt: string | null;
}

/** ChangeEvent is a change (a deploy, a configuration update) reported on a service; it never pages. */
export interface ChangeEvent {
  id: number;
  serviceId: number;
  integrationId: number | null;
  summary: string;
  source: string | null;
  /** timestamp is when the sender says the change happened (ISO 8601), if it said. */
  timestamp: string | null;
  receivedAt: string;
  customDetails: unknown;
  links: Array<{ href: string; text?: string }>;
}

// Notification channel and delivery settings (non-secret; secrets are keychain entries named by *Ref fields).

const channelUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, such as +14155550123');

/** SecretRef names an entry in the OS keychain (or, opted in, a STANDBY_SECRET_<REF> environment variable). */
export const SecretRef = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be a keychain entry name: a letter or digit, then letters, digits, ".", "_", ":" or "-" (at most 200 characters)');

/** WEBHOOK_TEMPLATE_FIELDS are the {{placeholders}} a webhook body template may use. */
export const WEBHOOK_TEMPLATE_FIELDS = ['event', 'incidentId', 'number', 'title', 'service', 'urgency', 'triggeredAt', 'details', 'text', 'ackUrl', 'resolveUrl', 'deliveryKey'] as const;

/** EmailSettings: the SMTP server email is sent through (port defaults to 587 for STARTTLS, 465 for TLS, 25 for none). */
export const EmailSettings = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  port: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be a TCP port (1 to 65535)').max(65535, 'must be a TCP port (1 to 65535)').optional(),
  security: z.enum(['starttls', 'tls', 'none']).optional(),
  user: z.string().max(255, 'must be at most 255 characters').optional(),
  passwordRef: SecretRef.optional(),
  from: z.email('must be an email address'),
  rejectUnauthorized: z.boolean({ error: 'must be true or false' }).optional(),
});

/** TwilioSettings: the Twilio account SMS and voice calls go through; the auth token is a keychain entry (default "twilio.authToken"). */
export const TwilioSettings = z.strictObject({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID: "AC" and 32 hexadecimal digits'),
  from: e164,
  authTokenRef: SecretRef.optional(),
  baseUrl: channelUrl.optional(),
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
/** NtfySettings: the ntfy server (default https://ntfy.sh), an optional access token entry, and priorities per urgency. */
export const NtfySettings = z.strictObject({
  server: channelUrl.optional(),
  tokenRef: SecretRef.optional(),
  highPriority: ntfyPriority.optional(),
  lowPriority: ntfyPriority.optional(),
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
  secrets: Array<{ field: string; ref: string; present: boolean | null }>;
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

/** MonitorStatus is what a monitor shows: pending (never checked), up, degraded (up but slow), down, unknown (Standby itself was offline), or paused. */
export const MonitorStatus = z.enum(['pending', 'up', 'degraded', 'down', 'unknown', 'paused']);
export type MonitorStatus = z.infer<typeof MonitorStatus>;

/** CheckStatus is one check's verdict; unknown means Standby could not tell (it was offline). */
export const CheckStatus = z.enum(['up', 'degraded', 'down', 'unknown']);
export type CheckStatus = z.infer<typeof CheckStatus>;

const seconds = (min: number, max: number, what: string) =>
  z.number({ error: 'must be a number' }).int('must be whole seconds').min(min, `must be ${min} to ${max} seconds${what}`).max(max, `must be ${min} to ${max} seconds${what}`);

/**
 * MonitorFields are a monitor's settings without cross-field rules (the configuration file reuses
 * them). `config` holds the monitor type's own settings; the engine checks it against the type's
 * schema (see `monitors.types`), so its errors name fields such as `config.url`.
 */
export const MonitorFields = z.strictObject({
  name: label,
  kind: z.string({ error: 'must be a monitor type such as "http"' }).regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a monitor type such as "http"'),
  serviceId: Id,
  config: z.record(z.string(), z.unknown(), { error: 'must be an object of the monitor type\'s settings' }).default({}),
  intervalSeconds: seconds(10, 86_400, ' (10 s to 1 day)').default(60),
  timeoutSeconds: seconds(1, 120, '').default(10),
  /** retries: failed checks re-checked before the monitor is down (0: the first failure is down). */
  retries: z.number().int('must be a whole number').min(0, 'must be 0 to 10').max(10, 'must be 0 to 10').default(2),
  retryIntervalSeconds: seconds(5, 3600, '').default(20),
  /** recoveryChecks: good checks in a row before a down monitor is up again. */
  recoveryChecks: z.number().int('must be a whole number').min(1, 'must be 1 to 20').max(20, 'must be 1 to 20').default(1),
  /** flapping: this many up/down changes within windowMinutes mark the monitor flapping; it then pages once. */
  flapping: z
    .strictObject({
      changes: z.number().int('must be a whole number').min(2, 'must be 2 to 100').max(100, 'must be 2 to 100').default(4),
      windowMinutes: z.number().int('must be whole minutes').min(1, 'must be 1 to 1440 minutes').max(1440, 'must be 1 to 1440 minutes').default(60),
    })
    .default({ changes: 4, windowMinutes: 60 }),
  severity: Severity.default('critical'),
  /** resolveOnRecovery: resolve the monitor's incident when it recovers (otherwise the person resolves it). */
  resolveOnRecovery: z.boolean().default(true),
  enabled: z.boolean().default(true),
});

/** monitorRules checks what spans several monitor fields: a check must time out before the next one is due. */
export function monitorRules(v: { intervalSeconds: number; timeoutSeconds: number }, ctx: z.RefinementCtx): void {
  if (v.timeoutSeconds > v.intervalSeconds) ctx.addIssue({ code: 'custom', path: ['timeoutSeconds'], message: `must be at most intervalSeconds (${v.intervalSeconds})` });
}

/** MonitorInput creates or replaces a monitor: a check Standby runs on a schedule; when it fails, an incident opens on its service. */
export const MonitorInput = MonitorFields.superRefine(monitorRules);
export type MonitorInput = z.infer<typeof MonitorInput>;
export type Monitor = MonitorInput & { id: number };

/** CheckPhases are an HTTP check's timing phases in milliseconds (got's `timings.phases`); null when not measured. */
export interface CheckPhases {
  dns: number | null;
  tcp: number | null;
  tls: number | null;
  firstByte: number | null;
  download: number | null;
  total: number | null;
}

/** CheckResult is one stored check. */
export interface CheckResult {
  at: string;
  status: CheckStatus;
  latencyMs: number | null;
  phases: CheckPhases | null;
  message: string | null;
  details: Record<string, unknown> | null;
}

/** MonitorView is a monitor with its live state. `pingPath` is a heartbeat's URL path, which holds its key (null when the secret store does not have it). */
export interface MonitorView extends Monitor {
  status: MonitorStatus;
  statusSince: string | null;
  /** confirming: a failure (or a recovery) is being re-checked before it counts. */
  confirming: boolean;
  /** isFlapping: the monitor changed between up and down too often lately; its incident stays open until it is stable. */
  isFlapping: boolean;
  paused: boolean;
  pausedUntil: string | null;
  lastCheck: CheckResult | null;
  pingPath: string | null;
}

/** ReferenceTarget is a host (an IP address works without DNS) and TCP port that answers when the internet is reachable. */
export const ReferenceTarget = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').max(253, 'must be at most 253 characters'),
  port: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535'),
});
export type ReferenceTarget = z.infer<typeof ReferenceTarget>;

/** MonitoringSettings apply to every monitor: the "is it me?" reference targets, how long raw results are kept, how many checks run at once. */
export const MonitoringSettings = z.strictObject({
  /** referenceTargets: absent means the built-in ones (1.1.1.1:443, 8.8.8.8:53, 9.9.9.9:443); an empty list never considers Standby offline. */
  referenceTargets: z.array(ReferenceTarget).max(10, 'must list at most 10 targets').optional(),
  rawRetentionDays: z.number().int('must be whole days').min(2, 'must be 2 to 365 days').max(365, 'must be 2 to 365 days').default(7),
  concurrency: z.number().int('must be a whole number').min(1, 'must be 1 to 1000').max(1000, 'must be 1 to 1000').default(100),
});
export type MonitoringSettings = z.infer<typeof MonitoringSettings>;

/** MonitoringStatus is Standby's own state as a monitor: online or offline ("is it me?"), paused, asleep. */
export interface MonitoringStatus {
  /** online is null until a reference target has been tried. */
  online: boolean | null;
  offlineSince: string | null;
  checkedAt: string | null;
  paused: boolean;
  pausedUntil: string | null;
  monitors: number;
  /** lastWakeAt is when Standby last noticed the computer waking from sleep. */
  lastWakeAt: string | null;
}

/** UptimeWindowName is a period uptime is reported for. */
export const UptimeWindowName = z.enum(['24h', '7d', '30d', '90d']);
export type UptimeWindowName = z.infer<typeof UptimeWindowName>;

/** LatencySummary is the response time over a period, in milliseconds (p95 is null until the period's bucket closes). */
export interface LatencySummary {
  min: number;
  mean: number;
  p95: number | null;
  max: number;
}

/** UptimeWindow is uptime over one period: up (and degraded) checks over checks that were not unknown. */
export interface UptimeWindow {
  window: UptimeWindowName;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  /** uptime is a fraction from 0 to 1, null when no check counted. */
  uptime: number | null;
  latency: LatencySummary | null;
}

/** SeriesPoint is one hourly or daily bucket of a monitor's history. */
export interface SeriesPoint {
  start: string;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  uptime: number | null;
  latency: LatencySummary | null;
}

/** MonitorTypeInfo describes a monitor type for forms: its kind, what it checks, and its settings as JSON Schema. */
export interface MonitorTypeInfo {
  kind: string;
  label: string;
  description: string;
  configSchema: Record<string, unknown>;
}
