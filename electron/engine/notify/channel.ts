/**
 * The notification channel interface. A channel does one thing: try to deliver one message to one
 * contact method, and say whether it worked, failed for good, or may work if tried again. Retry,
 * idempotency, the SMS/voice budget and the timeline live around channels (delivery.ts), not inside them.
 */
import type { z } from 'zod';
import type { ContactMethod, ContactMethodType, Urgency } from '../../shared/schemas.ts';

/** AckLinkSet holds the signed links a message offers to acknowledge or resolve its incident from a phone. */
export interface AckLinkSet {
  acknowledge: string;
  resolve: string;
  expiresAt: string;
}

/** NotificationMessage is what every channel is asked to say about an incident. */
export interface NotificationMessage {
  incidentId: number;
  number: number;
  title: string;
  serviceName: string;
  urgency: Urgency;
  /** triggeredAt is ISO 8601; triggeredLocal is the same instant in the profile's time zone, for people. */
  triggeredAt: string;
  triggeredLocal?: string;
  /** detailLines are the first lines of the incident's details, already shortened. */
  detailLines: string[];
  /** ackLinks are present when acknowledging from the phone is enabled. */
  ackLinks?: AckLinkSet | undefined;
  /** deliveryKey is this delivery's idempotency key (the notify job's key), for receivers that dedupe retries. */
  deliveryKey?: string | undefined;
  /**
   * repeat says an earlier attempt of this same page was cut short by a crash or a stop and may have
   * arrived: channels without an idempotency key say "(repeat after restart)" so the person knows.
   */
  repeat?: boolean | undefined;
  /** test marks a "send a test" message (no incident behind it). */
  test?: boolean;
  /**
   * answerTest is the token of a test that asks for an answer (responders/answer-tests.ts): the channel
   * offers one answer (a button, "reply 4", Pushover's acknowledgement) that its responder hears.
   */
  answerTest?: string | undefined;
  /** text is a ready-made message for channels that send plain text. */
  text: string;
}

/**
 * DeliveryResult is a channel's answer: delivered, or failed (retryable or permanent) with a message
 * free of secrets. `status` is the vendor's HTTP status when it answered; `maybeDelivered` says the
 * request may have reached the vendor (a timeout after sending), which counts against the SMS/voice
 * budget; `retryAfterMs` is how long the vendor asked us to wait (429 Retry-After); `untilConnected`
 * says no device of the channel is connected to show it (the headless desktop with no UI open): the
 * page waits for one to connect (WaitingPages) instead of retrying on a schedule.
 */
export type DeliveryResult =
  | { ok: true; detail?: string; receipt?: string }
  | { ok: false; retryable: boolean; error: string; status?: number; maybeDelivered?: boolean; retryAfterMs?: number; untilConnected?: boolean };

/** ChannelContext carries what a channel may need besides the message. */
export interface ChannelContext {
  /** settings are this contact method type's non-secret settings (`channels.<type>`), if any. */
  settings: Record<string, unknown> | undefined;
  /** settingsOf reads another settings section (SMS and voice read `twilio`). */
  settingsOf(kind: string): Record<string, unknown> | undefined;
  /**
   * secret reads a keychain entry by reference for one destination (notify/secret-destinations.ts): it
   * throws SecretNotBoundError when the secret was not entered for that destination, SecretStoreError
   * when no keychain is available, or none answered within its deadline (5 s).
   */
  secret(ref: string, destination: string): Promise<string | null>;
  /** responderState reads a responder's stored state by key (ntfy's reply topic, which its responder made); absent in tests of a bare channel. */
  responderState?: (key: string) => string | undefined;
  signal: AbortSignal;
  /** timeoutMs bounds one attempt; channels pass it to their HTTP or SMTP client. */
  timeoutMs: number;
}

/** Channel delivers messages to contact methods of one type (through one provider, when a type has several). */
export interface Channel {
  readonly type: ContactMethodType;
  /** provider names the implementation when a type has several (SMS: "webhook" or "twilio"). */
  readonly provider?: string;
  /** settingsSchema validates `channels.<type>`; it also drives the settings form. */
  readonly settingsSchema?: z.ZodType;
  send(contact: ContactMethod, message: NotificationMessage, ctx: ChannelContext): Promise<DeliveryResult>;
  /**
   * unavailable says why no page can be shown now (no device connected: the headless desktop with no UI
   * open), or undefined. A page planned meanwhile waits for a device without being sent (WaitingPages).
   */
  unavailable?(): string | undefined;
}

/** DesktopNotification is what the desktop port shows. */
export interface DesktopNotification {
  incidentId: number;
  number: number;
  title: string;
  body: string;
  urgency: Urgency;
}

/** DesktopShowOptions carry the send's deadline and abort signal to a desktop port that waits for someone to see the notification. */
export interface DesktopShowOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * DesktopPort is implemented by the Electron shell (OS notifications) and by the headless server
 * (DesktopRelay: the connected UIs). `show` resolves only when someone could see the notification and
 * throws otherwise, so "delivered" is never claimed for a page nobody could see.
 */
export interface DesktopPort {
  show(n: DesktopNotification, opts?: DesktopShowOptions): Promise<void>;
  /** unavailable says why nothing can be shown now (no device connected), or undefined; a port that is always there leaves it out. */
  unavailable?(): string | undefined;
}

/** NotConnectedError is what a DesktopPort throws when no device is connected to show a notification at all. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/** permanent is a failure that retrying cannot fix (bad configuration, a missing secret, a 4xx). */
export function permanent(error: string): DeliveryResult {
  return { ok: false, retryable: false, error };
}

/** REPEAT_MARK is added to a page sent again after a restart interrupted an attempt that may have arrived. */
export const REPEAT_MARK = '(repeat after restart)';

/**
 * headline is an incident's title line as channels show it: "#12 Blog is down". A page that repeats
 * one that may have arrived starts with REPEAT_MARK, where a long title cut to a vendor's limit keeps it.
 */
export function headline(m: Pick<NotificationMessage, 'number' | 'title' | 'repeat'>): string {
  return `${m.repeat ? `${REPEAT_MARK} ` : ''}#${m.number} ${m.title}`;
}

function urgencyWord(m: Pick<NotificationMessage, 'urgency' | 'repeat'>): string {
  return `${m.urgency === 'high' ? 'HIGH' : 'low'}${m.repeat ? ` ${REPEAT_MARK}` : ''}`;
}

/** formatMessage builds the text every plain-text channel sends: what happened, where, when, and what the person can do. */
export function formatMessage(m: Omit<NotificationMessage, 'text'>): NotificationMessage {
  const head = m.test ? '[Standby] Test notification: this contact method works' : `[Standby] #${m.number} ${urgencyWord(m)}: ${m.title}`;
  const lines = [head];
  if (!m.test) lines.push(`Service: ${m.serviceName}`, `Triggered: ${m.triggeredLocal ?? m.triggeredAt}`, ...m.detailLines);
  if (m.ackLinks) lines.push(`Acknowledge: ${m.ackLinks.acknowledge}`, `Resolve: ${m.ackLinks.resolve}`);
  return { ...m, text: lines.join('\n') };
}

/** shortText is the message for SMS: the incident and service on one line, then the ack links; no details (each 160-character segment costs). */
export function shortText(m: NotificationMessage): string {
  const head = m.test ? 'Standby: test SMS, this contact method works.' : `Standby #${m.number} ${urgencyWord(m)}: ${m.title} (${m.serviceName})`;
  const links = m.ackLinks ? `\nAck: ${m.ackLinks.acknowledge}\nResolve: ${m.ackLinks.resolve}` : '';
  const room = 480 - links.length;
  return `${head.length > room ? `${head.slice(0, Math.max(20, room) - 1)}…` : head}${links}`;
}
