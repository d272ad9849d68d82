/**
 * The API's answers that are plain data (no schema): analytics, what a trigger or an import did, what an
 * import would change, and where secrets go and whether answers from the phone are heard. Part of the
 * one contract in api.ts, which re-exports all of them.
 */
import type { Incident } from './schemas.ts';

/** MetricSummary: mean, median and p90 of a duration in seconds over `count` incidents (null when count is 0). */
export interface MetricSummary {
  count: number;
  meanSeconds: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** AnalyticsWeek is one point of the weekly series: the week starting at `weekStart` (Monday 00:00 in the profile's zone). */
export interface AnalyticsWeek {
  weekStart: string;
  incidents: number;
  mta: MetricSummary;
  mtr: MetricSummary;
}

/** AnalyticsSlice is MTA and MTR for one scope (all services, or one). */
export interface AnalyticsSlice {
  incidents: number;
  neverAcknowledged: number;
  autoResolved: number;
  open: number;
  mta: MetricSummary;
  mtr: MetricSummary;
  weekly: AnalyticsWeek[];
}

/** MonitorUptimeRow is one monitor's uptime over an analytics window. */
export interface MonitorUptimeRow {
  monitorId: number;
  name: string;
  serviceId: number;
  checks: number;
  down: number;
  /** uptime is a fraction from 0 to 1 (up and degraded checks over the counted ones), null when none counted. */
  uptime: number | null;
}

/** AnalyticsSummary answers `analytics.summary`: overall and per service, and each monitor's uptime (worst first). */
export interface AnalyticsSummary {
  from: string;
  to: string;
  overall: AnalyticsSlice;
  services: Array<{ serviceId: number; serviceName: string } & AnalyticsSlice>;
  monitors: MonitorUptimeRow[];
}

/** TriggerResult says what a trigger did: opened an incident, added an alert to an open one, or was suppressed. */
export type TriggerResult =
  | { status: 'created' | 'deduplicated'; incident: Incident }
  | { status: 'suppressed'; reason: string };

/** ImportSummary counts what a configuration import replaced. */
export interface ImportSummary {
  contactMethods: number;
  notificationRules: number;
  escalationPolicies: number;
  services: number;
  monitors: number;
}

/** ConfigChangeKind is what an import would do to one entry: add it, update it, remove it, or keep it as it is. */
export type ConfigChangeKind = 'add' | 'update' | 'remove' | 'keep';

/** ConfigEntryChange is what importing a file would do to one entry of a section, named as the file names it. */
export interface ConfigEntryChange {
  name: string;
  change: ConfigChangeKind;
  /** fields are what an update changes, as the file names them ("address", "levels", "config.url"). */
  fields?: string[];
  /** note says why an entry is not what the file alone suggests: a removed service with incidents is disabled, and what it needs is kept. */
  note?: string;
}

/** ConfigDestinationChange is a place Standby would send to that an import changes: a contact method's address, a channel's URL, host or account. */
export interface ConfigDestinationChange {
  section: 'contactMethods' | 'channels';
  /** name is the contact method's label or the channel's kind (`sms`, `twilio`...). */
  name: string;
  field: string;
  /** from and to are the old and new values; null is "not set" (a new entry, or the channel's default). */
  from: string | null;
  to: string | null;
  /** note says what happens to a secret kept for the old destination. */
  note: string;
}

/** ConfigPreviewSections are the sections a preview lists entry by entry, in the file's order. */
export const ConfigPreviewSections = ['contactMethods', 'notificationRules', 'escalationPolicies', 'services', 'monitors', 'channels'] as const;
export type ConfigPreviewSection = (typeof ConfigPreviewSections)[number];

/** ConfigPreview answers `config.preview`: what `config.import` of the same file would change, section by section, and where it would send to anew. */
export type ConfigPreview = { [S in ConfigPreviewSection]: ConfigEntryChange[] } & {
  /** profile and monitoring are single settings: updated (with their fields) or kept. */
  profile: ConfigEntryChange;
  monitoring: ConfigEntryChange;
  destinations: ConfigDestinationChange[];
};

/**
 * ResponderStatus is one two-way channel's answer loop: `off` (not set up, or answers turned off),
 * `listening` (its last round worked), `failing` (with the reason, and since when), or `offline` (this
 * computer is offline: it tries again every minute and at once when the network is back).
 */
export interface ResponderStatus {
  channel: string;
  state: 'off' | 'listening' | 'failing' | 'offline';
  error: string | null;
  /** lastOkAt is when a round last worked (ISO 8601), null if none has yet. */
  lastOkAt: string | null;
}

/**
 * SecretUseView is one place the configuration names a secret: the keychain entry, who uses it, the
 * destination it would be sent to, and whether it was entered for that destination (when not, it is
 * not sent there until entered again: `contactMethods.setSecret`, `channels.setSecret`, `secrets.set`).
 */
export interface SecretUseView {
  ref: string;
  what: string;
  destination: string;
  bound: boolean;
}

/**
 * AnswerTestStatus is where a test's answer stands (`contactMethods.testAnswer`): `waiting` for the
 * person's answer on the phone, `received` (with where from and how many seconds after the send), or
 * `expired` (no answer within 10 minutes).
 */
export interface AnswerTestStatus {
  id: number;
  channel: string;
  status: 'waiting' | 'received' | 'expired';
  sentAt: string;
  answeredAt: string | null;
  via: string | null;
  seconds: number | null;
}

/** PairedDevice is a device paired with this Standby (`devices.list`): the desktop app or a browser. */
export interface PairedDevice {
  id: number;
  name: string;
  kind: 'desktop' | 'browser';
  pairedAt: string;
  lastSeenAt: string | null;
  /** connected: the device has its event stream open now (a desktop page can reach it). */
  connected: boolean;
  /** revokedAt is when it was unpaired; its token no longer works. */
  revokedAt: string | null;
}

/**
 * RemoteStatus is the desktop app's link to a box (`remote.status`, `remote.changed`): local (this
 * computer runs its own engine; `canConnect` is false where there is no desktop app to connect, a
 * headless server) or remote (the box pages; this app is its tray), connected or not since when and why.
 */
export type RemoteStatus =
  | { mode: 'local'; canConnect: boolean }
  | {
      mode: 'remote';
      /** box is the box's address, as paired ("https://192.168.1.5:8730"). */
      box: string;
      fingerprint256: string;
      deviceName: string;
      connected: boolean;
      /** since is when the link last came up or went down (ISO 8601). */
      since: string;
      /** reason says why the box is not heard (null while connected). */
      reason: string | null;
      /** revoked: the box unpaired this device; the app shows its connect screen. */
      revoked: boolean;
    };

/** RemotePaired is `remote.pair`'s answer: the new link, and what was copied to the box (null when nothing was). */
export interface RemotePaired {
  status: RemoteStatus;
  copied: ImportSummary | null;
}

/** PairingCode is a one-time code a device pairs with (`pairing.start`), and what the device should check. */
export interface PairingCode {
  /** code is 8 characters ("7KQM-3XPA"), valid until expiresAt (10 minutes), for one device. */
  code: string;
  expiresAt: string;
  /** fingerprint256 is the SHA-256 fingerprint of the box's TLS certificate, to compare on the device (null without TLS). */
  fingerprint256: string | null;
  /** url is where the box listens (null before it listens). */
  url: string | null;
}
