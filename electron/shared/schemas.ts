/**
 * The domain's shapes, as zod schemas: PagerDuty's model for a team of one.
 * These schemas validate every input (HTTP bodies, IPC arguments, config files, form fields),
 * so their messages name the field and the rule. This module imports nothing but zod: it runs
 * in the engine, the Electron shell and the renderer alike.
 */
import { z } from 'zod';
import './zod-words.ts';
import { SecretRef } from './channel-schemas.ts';

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

/** Label is a required display name of up to 200 characters. */
export const Label = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour)');
const weekdays = z
  .array(z.number().int().min(0, 'weekdays are 0 (Sunday) to 6 (Saturday)').max(6, 'weekdays are 0 (Sunday) to 6 (Saturday)'))
  .min(1, 'must name at least one weekday')
  .max(7);

/** zones are the runtime's canonical IANA names and the UTC spellings, listed on first use. */
let zones: Set<string> | undefined;

/**
 * isTimeZone tells whether the runtime's Intl knows an IANA time zone name. A listed name is answered
 * from the list; only another spelling (an alias, other letter case) builds a formatter to ask, which
 * loads ICU's locale data: 8 MB a server that formats nothing would keep for its whole life.
 */
export function isTimeZone(tz: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  if (zones.has(tz)) return true;
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
    label: Label,
    address: z.string().trim().max(2000, 'must be at most 2000 characters'),
    /** A name in the OS keychain for a token this method needs; the secret itself never enters the database. */
    secretRef: SecretRef.nullable().default(null),
    /**
     * When the URL carries a credential (user:password@, a query, a webhook token), the keychain entry
     * that holds the whole URL; `address` is then the URL without it ("…" in its place).
     */
    urlSecretRef: SecretRef.nullable().optional(),
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
  name: Label,
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
  name: Label,
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

/** PageFailure is the newest failed page of an incident whose contact method has not delivered a page on it since. */
export interface PageFailure {
  contactMethodId: number;
  contactType: string;
  /** label is the contact method's label when it still exists. */
  label: string | null;
  /** error is the delivery's reason, as recorded. */
  error: string;
  at: string;
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
  /** pageFailure is the newest page on it that failed and was not delivered since by the same contact method (null: none). */
  pageFailure: PageFailure | null;
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
