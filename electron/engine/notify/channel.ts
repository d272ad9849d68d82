/**
 * The notification channel interface. A channel does one thing: try to deliver one message to one
 * contact method, and say whether it worked, failed for good, or may work if tried again. Retry,
 * idempotency and the timeline live around channels, in the engine, not inside them.
 */
import type { ContactMethod, ContactMethodType, Urgency } from '../../shared/schemas.ts';

/** NotificationMessage is what every channel is asked to say about an incident. */
export interface NotificationMessage {
  incidentId: number;
  number: number;
  title: string;
  serviceName: string;
  urgency: Urgency;
  triggeredAt: string;
  /** detailLines are the first lines of the incident's details, already shortened. */
  detailLines: string[];
  /** text is a ready-made one-paragraph message for channels that send plain text. */
  text: string;
}

/** DeliveryResult is a channel's answer: delivered, or failed (retryable or permanent) with a message free of secrets. */
export type DeliveryResult = { ok: true; detail?: string } | { ok: false; retryable: boolean; error: string };

/** ChannelContext carries what a channel may need besides the message. */
export interface ChannelContext {
  /** settings are the channel kind's non-secret settings (from the configuration), if any. */
  settings: Record<string, unknown> | undefined;
  signal: AbortSignal;
}

/** Channel delivers messages to contact methods of one type. */
export interface Channel {
  readonly type: ContactMethodType;
  send(contact: ContactMethod, message: NotificationMessage, ctx: ChannelContext): Promise<DeliveryResult>;
}

/** DesktopNotification is what the desktop port shows. */
export interface DesktopNotification {
  incidentId: number;
  number: number;
  title: string;
  body: string;
  urgency: Urgency;
}

/** DesktopPort is implemented by the Electron shell (OS notifications) and by the headless server (web UI + log). */
export interface DesktopPort {
  show(n: DesktopNotification): Promise<void>;
}

/** formatMessage builds the text every plain-text channel sends. */
export function formatMessage(m: Omit<NotificationMessage, 'text'>): NotificationMessage {
  const head = `[Standby] #${m.number} ${m.urgency === 'high' ? 'HIGH' : 'low'}: ${m.title}`;
  const lines = [head, `Service: ${m.serviceName}`, `Triggered: ${m.triggeredAt}`, ...m.detailLines];
  return { ...m, text: lines.join('\n') };
}
