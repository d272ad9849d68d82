/**
 * The one API contract: every method the UI (or a script) may call, with its input schema and
 * output type, plus the events the engine pushes. Two transports serve it: Electron IPC (one
 * `invoke` channel) and HTTP on 127.0.0.1 (`POST /api/<method>`). The renderer talks to a
 * client built from this file and never knows which transport it has.
 */
import { z } from 'zod';
import { Actor, ContactMethodInput, EscalationPolicyInput, Id, IncidentStatus, NotificationRuleInput, ProfileInput, ServiceInput, TriggerInput, Urgency, type ContactMethod, type EscalationPolicy, type Incident, type IncidentWithTimeline, type NotificationRule, type Profile, type Service } from './schemas.ts';
import { IntegrationInput, IntegrationUpdate, type ChangeEvent, type Integration } from './integration-schemas.ts';
import { ChannelSettingsKind, ChannelSettingsUpdate, SecretRef, type ChannelSettingsView, type DeliveryBudget, type DeliveryOutcome } from './channel-schemas.ts';
import { ConfigTextMaxChars } from './config-file.ts';
import { SetInboundPortInput, type SystemInfo } from './system-schemas.ts';
import { DesktopSettingsUpdate, type DesktopSettings } from './desktop-schemas.ts';
import { AddPhoneInput, ChannelProblemsInput, SetupUpdate, type ChannelProblem, type SetupState } from './trust-schemas.ts';
import type { MonitorRow } from './monitor-rows.ts';
import { MonitorInput, MonitoringSettings, type MonitoringStatus, type MonitorTypeInfo, type MonitorView, type CheckMark, type CheckResult, type MonitorChecks, type SeriesPoint, type UptimeFractions, type UptimeWindow } from './monitor-schemas.ts';

// The answers that are plain data live in api-results.ts; this file re-exports them.
import type { AnalyticsSummary, ConfigPreview, ImportSummary, AnswerTestStatus, PairedDevice, PairingCode, RemotePaired, RemoteStatus, ResponderStatus, SecretUseView, TriggerResult } from './api-results.ts';
export * from './api-results.ts';
export type { ChannelProblem, ChannelSection, SetupState, SetupStep } from './trust-schemas.ts';

const none = z.strictObject({});

/** UserSecretRef is a keychain entry a person may set or delete: SecretRef refuses "standby." entries, Standby's own (signing keys, integration keys). */
const UserSecretRef = SecretRef;
/** RotatableKey names the key `secrets.rotate` makes anew: the ack links' signing key (Standby's other keys have their own rotate methods). */
const RotatableKey = z.literal('standby.ackSigningKey', {
  error: 'must be "standby.ackSigningKey", the one key secrets.rotate makes anew (an integration key: integrations.rotate; a ping URL: monitors.rotatePingKey; your own secrets: secrets.set with the new value)',
});
/** SecretValue is a secret as entered: never stored in the database, logged or echoed. */
const SecretValue = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(10_000, 'must be at most 10000 characters');
/** ChannelWithSecret names a settings section that names one secret (`channels.setSecret` stores it for that channel's destination). */
const ChannelWithSecret = z.enum(['email', 'twilio', 'pushover', 'telegram', 'ntfy'], { error: 'must be one of email, twilio, pushover, telegram, ntfy (the channels with a secret of their own)' });
const byId = z.strictObject({ id: Id });
/** MAX_CONFIRMATIONS bounds one `notifications.confirmMany` call. */
export const MAX_CONFIRMATIONS = 500;
/** PauseMinutes is how long to pause monitoring (absent: until resumed). */
const PauseMinutes = z.number({ error: 'must be a number' }).int('must be whole minutes').min(1, 'must be 1 to 43200 minutes (30 days)').max(43_200, 'must be 1 to 43200 minutes (30 days)');
const update = <T extends z.ZodType>(s: T) => z.strictObject({ id: Id, value: s });
/** ConfigText is a configuration file to import or preview: its text and, optionally, its format (guessed when absent). */
const ConfigText = z.strictObject({ text: z.string().min(1, 'must not be empty').max(ConfigTextMaxChars, 'must be at most 5 MB'), format: z.enum(['yaml', 'json']).optional() });

/**
 * RemotePairInput is what the desktop app's "Connect to a Standby server" sends: the box's address and
 * the code it shows, a name for this device in the box's list, and whether to copy this computer's
 * configuration to the box (secrets are entered again there, never copied).
 */
const RemotePairInput = z.strictObject({
  url: z
    .string({ error: 'must be the box\'s address, as text' })
    .trim()
    .min(1, 'must be the box\'s address, such as https://192.168.1.5:8730')
    .max(300, 'must be at most 300 characters')
    .refine((u) => URL.canParse(u), 'must be an address such as https://192.168.1.5:8730 (as the box shows it)')
    .refine((u) => !URL.canParse(u) || new URL(u).protocol === 'https:', 'must start with https://: a box is reached over HTTPS (start it with --allow-lan, see docs/box.md)'),
  code: z.string({ error: 'must be the code shown on the box, as text' }).trim().min(1, 'must be the code shown on the box (Settings → Paired devices → Pair a device, or `standby pair`)').max(32, 'must be at most 32 characters: the code shown on the box'),
  name: z.string({ error: 'must be a name for this computer, as text' }).trim().min(1, 'must name this computer (for the list of paired devices on the box)').max(64, 'must be at most 64 characters'),
  copyConfig: z.boolean({ error: 'must be true or false' }).default(false),
});

/** AnalyticsWindow is the period an analytics query covers: the last 7/30/90 days or a custom range. */
export const AnalyticsWindow = z.union([
  z.enum(['7d', '30d', '90d']),
  z
    .strictObject({ from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }), to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }) })
    .refine((w) => Date.parse(w.to) > Date.parse(w.from), { path: ['to'], message: 'must be after from' }),
]);
export type AnalyticsWindow = z.infer<typeof AnalyticsWindow>;

/** apiSchemas maps each method name to the schema of its single argument. */
export const apiSchemas = {
  'profile.get': none,
  'profile.update': ProfileInput,

  'contactMethods.list': none,
  'contactMethods.create': ContactMethodInput,
  'contactMethods.update': update(ContactMethodInput),
  'contactMethods.delete': byId,
  'contactMethods.addPhone': AddPhoneInput,

  'notificationRules.list': none,
  'notificationRules.create': NotificationRuleInput,
  'notificationRules.update': update(NotificationRuleInput),
  'notificationRules.delete': byId,

  'escalationPolicies.list': none,
  'escalationPolicies.create': EscalationPolicyInput,
  'escalationPolicies.update': update(EscalationPolicyInput),
  'escalationPolicies.delete': byId,

  'services.list': none,
  'services.create': ServiceInput,
  'services.update': update(ServiceInput),
  'services.delete': byId,

  'incidents.list': z.strictObject({
    status: z.array(IncidentStatus).optional(),
    serviceId: Id.optional(),
    urgency: Urgency.optional(),
    /** query finds incidents whose title, service name or dedup key contains it (any case). */
    query: z.string().trim().max(200, 'must be at most 200 characters').optional(),
    limit: z.number().int().min(1, 'must be 1 to 500').max(500, 'must be 1 to 500').default(100),
    offset: z.number().int().min(0, 'must be 0 or more').default(0),
  }),
  'incidents.get': byId,
  'incidents.trigger': TriggerInput,
  'incidents.acknowledge': byId,
  'incidents.resolve': byId,
  'incidents.snooze': z.strictObject({ id: Id, minutes: z.number().int('must be whole minutes').min(1, 'must be 1 to 10080 minutes').max(10080, 'must be 1 to 10080 minutes') }),
  'incidents.note': z.strictObject({ id: Id, text: z.string().trim().min(1, 'must not be empty').max(10000, 'must be at most 10000 characters') }),
  'incidents.escalate': z.strictObject({ id: Id, level: z.number().int().min(1, 'must be 1 or more').optional() }),
  'incidents.setUrgency': z.strictObject({ id: Id, urgency: Urgency }),
  'incidents.reassign': z.strictObject({ id: Id, contactMethodId: Id }),

  'analytics.summary': z.strictObject({ window: AnalyticsWindow.default('30d'), serviceId: Id.optional() }),

  'config.export': z.strictObject({ format: z.enum(['yaml', 'json']).default('yaml') }),
  'config.import': ConfigText,
  'config.preview': ConfigText,

  'integrations.list': z.strictObject({ serviceId: Id.optional() }),
  'integrations.create': IntegrationInput,
  'integrations.update': update(IntegrationUpdate),
  'integrations.rotate': byId,
  'integrations.delete': byId,
  'changeEvents.list': z.strictObject({
    serviceId: Id.optional(),
    limit: z.number().int().min(1, 'must be 1 to 500').max(500, 'must be 1 to 500').default(100),
    offset: z.number().int().min(0, 'must be 0 or more').default(0),
  }),

  'contactMethods.test': byId,
  'contactMethods.testAnswer': byId,
  'channels.get': z.strictObject({ kind: ChannelSettingsKind }),
  'channels.update': ChannelSettingsUpdate,
  'secrets.set': z.strictObject({ ref: UserSecretRef, value: SecretValue }),
  'secrets.delete': z.strictObject({ ref: UserSecretRef }),
  'secrets.list': none,
  'responders.status': none,
  'pairing.start': none,
  'devices.list': none,
  'devices.revoke': byId,
  'remote.status': none,
  'remote.pair': RemotePairInput,
  'remote.disconnect': none,
  'contactMethods.setSecret': z.strictObject({ id: Id, value: SecretValue }),
  'channels.setSecret': z.strictObject({ kind: ChannelWithSecret, value: SecretValue }),
  'secrets.rotate': z.strictObject({ ref: RotatableKey }),
  'delivery.budget': none,
  'channels.problems': ChannelProblemsInput,

  'monitors.types': none,
  'monitors.list': z.strictObject({ serviceId: Id.optional() }),
  'monitors.rows': z.strictObject({ serviceId: Id.optional() }),
  'monitors.get': byId,
  'monitors.create': MonitorInput,
  'monitors.update': update(MonitorInput),
  'monitors.delete': byId,
  'monitors.pause': z.strictObject({ id: Id, minutes: PauseMinutes.optional() }),
  'monitors.resume': byId,
  'monitors.rotatePingKey': byId,
  'monitors.results': z.strictObject({
    id: Id,
    limit: z.number().int('must be a whole number').min(1, 'must be 1 to 1000').max(1000, 'must be 1 to 1000').default(100),
    before: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  }),
  'monitors.uptime': byId,
  'monitors.uptimeAll': none,
  'monitors.uptimeFractions': none,
  'monitors.series': z.strictObject({ id: Id, window: z.enum(['24h', '7d', '30d', '90d', '1y']).default('24h') }),
  'monitors.lastChecks': z.strictObject({
    serviceId: Id.optional(),
    limit: z.number().int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(30),
  }),
  'monitoring.status': none,
  'monitoring.pauseAll': z.strictObject({ minutes: PauseMinutes.optional() }),
  'monitoring.resumeAll': none,
  'monitoring.settings': none,
  'monitoring.updateSettings': MonitoringSettings,

  'system.health': none,
  'setup.get': none,
  'setup.update': SetupUpdate,
  'system.server': none,
  'system.info': none,
  'system.setInboundPort': SetInboundPortInput,
  'desktop.settings': none,
  'desktop.updateSettings': DesktopSettingsUpdate,
  'notifications.confirm': z.strictObject({ deliveryId: z.uuid({ error: 'must be the deliveryId of a notification.desktop event' }) }),
  'notifications.confirmMany': z.strictObject({
    deliveryIds: z
      .array(z.uuid({ error: 'must be the deliveryId of a notification.desktop event' }), { error: 'must be a list of deliveryIds' })
      .min(1, { error: 'must list at least one deliveryId' })
      .max(MAX_CONFIRMATIONS, { error: `must list at most ${MAX_CONFIRMATIONS} deliveryIds (send more in another call)` }),
  }),

  'backups.list': none,
  'backups.create': none,
} as const;

/** ApiMethod is the name of one API method. */
export type ApiMethod = keyof typeof apiSchemas;
/** ApiInput is what a caller passes to a method (defaults may be omitted). */
export type ApiInput<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>;
/** ApiArgs is a method's argument after validation (defaults applied). */
export type ApiArgs<M extends ApiMethod> = z.output<(typeof apiSchemas)[M]>;

/**
 * HealthCode names one thing that can be wrong with Standby itself: its storage (disk full, damaged
 * database), its keychain, its backups, a setup that pages no one when nobody is at this computer, or
 * alerts over HTTP that do not arrive where tools send them (`inbound`: the port was taken), or notification
 * rules that page through a channel that is not set up (`channel_setup`: those pages will fail).
 */
export type HealthCode = 'storage' | 'keychain' | 'backup' | 'no_remote_contact' | 'inbound' | 'channel_setup';

/** HealthProblem is one current problem: an `error` stops Standby keeping its promise (and fails /healthz), a `warning` does not. */
export interface HealthProblem {
  code: HealthCode;
  severity: 'error' | 'warning';
  /** message says what is wrong and what to do, in a person's words. */
  message: string;
  /** since is when the problem was first seen (ISO 8601). */
  since: string;
}

/** SystemHealth answers `system.health`: `failing` while any problem is an error. */
export interface SystemHealth {
  status: 'ok' | 'failing';
  problems: HealthProblem[];
}

/** ServerTls is the certificate Standby serves HTTPS with, as a person checks and pins it. */
export interface ServerTls {
  /** fingerprint256 is the certificate's SHA-256 fingerprint, as browsers show it (AB:CD:...). */
  fingerprint256: string;
  /** publicKeyPin is curl's `--pinnedpubkey` value (sha256//base64 of the public key). */
  publicKeyPin: string;
  /** selfSigned is true for the certificate Standby made itself (no browser trusts it until you check the fingerprint). */
  selfSigned: boolean;
  certificateFile: string;
  validUntil: string;
  /** names are the DNS names and IP addresses the certificate is for. */
  names: string[];
}

/** ServerInfo answers `system.server`: where this Standby's HTTP server listens and how it is reached. */
export interface ServerInfo {
  /** url is where the HTTP server listens, or null when it does not. */
  url: string | null;
  /** publicUrls are the names given with `--public-url` (they pass the Host check). */
  publicUrls: string[];
  /** lanAccess is true when other machines on the network may connect (`--allow-lan`). */
  lanAccess: boolean;
  /** tls is null for plain HTTP (loopback, or `--insecure-http`). */
  tls: ServerTls | null;
}

/** BackupInfo is one backup of the database in `<dataDir>/backups/` (download it with `GET /api/backups/<file>`). */
export interface BackupInfo {
  file: string;
  /** createdAt is when it was taken (ISO 8601, to the second). */
  createdAt: string;
  bytes: number;
}

/** BackupList answers `backups.list`: where backups are kept, how many, and each one, newest first. */
export interface BackupList {
  /** directory is null when the database is in memory (tests): there is nothing to back up. */
  directory: string | null;
  keep: number;
  backups: BackupInfo[];
}

/** ApiOutputs is the result type of each method. */
export interface ApiOutputs {
  'profile.get': Profile;
  'profile.update': Profile;
  'contactMethods.list': ContactMethod[];
  'contactMethods.create': ContactMethod;
  'contactMethods.update': ContactMethod;
  'contactMethods.delete': { deleted: true };
  'contactMethods.addPhone': ContactMethod[];
  'notificationRules.list': NotificationRule[];
  'notificationRules.create': NotificationRule;
  'notificationRules.update': NotificationRule;
  'notificationRules.delete': { deleted: true };
  'escalationPolicies.list': EscalationPolicy[];
  'escalationPolicies.create': EscalationPolicy;
  'escalationPolicies.update': EscalationPolicy;
  'escalationPolicies.delete': { deleted: true };
  'services.list': Service[];
  'services.create': Service;
  'services.update': Service;
  'services.delete': { deleted: true };
  'incidents.list': { incidents: Incident[]; total: number };
  'incidents.get': IncidentWithTimeline;
  'incidents.trigger': TriggerResult;
  'incidents.acknowledge': Incident;
  'incidents.resolve': Incident;
  'incidents.snooze': Incident;
  'incidents.note': Incident;
  'incidents.escalate': Incident;
  'incidents.setUrgency': Incident;
  'incidents.reassign': Incident;
  'analytics.summary': AnalyticsSummary;
  'config.export': { format: 'yaml' | 'json'; text: string };
  'config.import': ImportSummary;
  'config.preview': ConfigPreview;
  'integrations.list': Integration[];
  'integrations.create': Integration;
  'integrations.update': Integration;
  'integrations.rotate': Integration;
  'integrations.delete': { deleted: true };
  'changeEvents.list': { changeEvents: ChangeEvent[]; total: number };
  'contactMethods.test': DeliveryOutcome;
  'contactMethods.testAnswer': AnswerTestStatus;
  'channels.get': ChannelSettingsView;
  'channels.update': ChannelSettingsView;
  'secrets.set': { ref: string; stored: true; boundTo: SecretUseView[] };
  'secrets.delete': { ref: string; deleted: true };
  'secrets.list': SecretUseView[];
  'responders.status': ResponderStatus[];
  'pairing.start': PairingCode;
  'devices.list': PairedDevice[];
  'devices.revoke': PairedDevice;
  'remote.status': RemoteStatus;
  'remote.pair': RemotePaired;
  'remote.disconnect': RemoteStatus;
  'contactMethods.setSecret': ContactMethod;
  'channels.setSecret': ChannelSettingsView;
  'secrets.rotate': { ref: string; rotated: true };
  'delivery.budget': DeliveryBudget;
  'channels.problems': ChannelProblem[];
  'monitors.types': MonitorTypeInfo[];
  'monitors.list': MonitorView[];
  /** The monitor list's rows: each monitor's MonitorRow, by name. */
  'monitors.rows': MonitorRow[];
  'monitors.get': MonitorView;
  'monitors.create': MonitorView;
  'monitors.update': MonitorView;
  'monitors.delete': { deleted: true };
  'monitors.pause': MonitorView;
  'monitors.resume': MonitorView;
  'monitors.rotatePingKey': MonitorView;
  'monitors.results': { results: CheckResult[] };
  'monitors.uptime': { windows: UptimeWindow[] };
  /** Every monitor's windows in one answer; their latency has no p95 (null): `monitors.uptime` has it. */
  'monitors.uptimeAll': { monitors: Array<{ id: number; windows: UptimeWindow[] }> };
  /** Every monitor's uptime per window and nothing else, for the monitor list (under 0.1 MB at 2,000 monitors, against uptimeAll's 1.2 MB). */
  'monitors.uptimeFractions': UptimeFractions;
  /** checks are the raw checks of the last hours (hourly windows only), oldest first: the per-check latency line. */
  'monitors.series': { bucket: 'hour' | 'day'; points: SeriesPoint[]; checks: CheckMark[] };
  'monitors.lastChecks': { monitors: MonitorChecks[] };
  'monitoring.status': MonitoringStatus;
  'monitoring.pauseAll': MonitoringStatus;
  'monitoring.resumeAll': MonitoringStatus;
  'monitoring.settings': MonitoringSettings;
  'monitoring.updateSettings': MonitoringSettings;
  'system.health': SystemHealth;
  'setup.get': SetupState;
  'setup.update': SetupState;
  'system.server': ServerInfo;
  'system.info': SystemInfo;
  'system.setInboundPort': SystemInfo;
  'desktop.settings': DesktopSettings;
  'desktop.updateSettings': DesktopSettings;
  'notifications.confirm': { confirmed: boolean };
  /** confirmed lists the deliveryIds that counted as delivered; the others were unknown or their wait was over. */
  'notifications.confirmMany': { confirmed: string[] };
  'backups.list': BackupList;
  'backups.create': BackupInfo;
}

/** StandbyApi is the contract as an interface of async methods. */
export type StandbyApi = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> };

// The events the engine pushes live in api-events.ts; this file re-exports them.
export type { ApiEvent, ApiEventName, ApiEvents } from './api-events.ts';

/** ApiErrorBody is what every transport returns for a failed call. */
export interface ApiErrorBody {
  error: {
    /** `unavailable`: something Standby needs does not answer right now (a locked OS keychain); try again once it does. */
    code: 'invalid_input' | 'not_found' | 'conflict' | 'unauthorized' | 'unavailable' | 'internal';
    message: string;
    /** For invalid_input: each field (dotted path) and the rule it broke. */
    issues?: Array<{ path: string; message: string }>;
  };
}

/** isApiMethod tells whether a string names a method of the contract. */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(apiSchemas, name);
}

/** Re-exported so clients can import every shape from one place. */
export { Actor };
