/**
 * The webhook channel: POSTs the incident to the contact's URL, as Standby's documented JSON body or
 * a user template (`channels.webhook.template`, with {{placeholders}}). When the contact method names
 * a keychain entry (secretRef), the request is signed: `X-Standby-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of `<X-Standby-Timestamp>.<body>` with that secret (see docs/channels.md to verify it).
 */
import { createHmac } from 'node:crypto';
import { WebhookSettings } from '../../../shared/channel-schemas.ts';
import type { Channel, NotificationMessage } from '../channel.ts';
import { httpPost } from '../http-client.ts';
import { urlDestination } from '../secret-destinations.ts';
import { optionalSettings, requireSecret } from '../settings.ts';

/** SIGNATURE_HEADER is the default name of the signature header. */
export const SIGNATURE_HEADER = 'X-Standby-Signature';

/** webhookFields are the values a template's placeholders take. */
export function webhookFields(m: NotificationMessage): Record<string, string> {
  return {
    event: m.test ? 'test' : 'incident.notify',
    incidentId: String(m.incidentId),
    number: String(m.number),
    title: m.title,
    service: m.serviceName,
    urgency: m.urgency,
    triggeredAt: m.triggeredAt,
    details: m.detailLines.join('\n'),
    text: m.text,
    ackUrl: m.ackLinks?.acknowledge ?? '',
    resolveUrl: m.ackLinks?.resolve ?? '',
    deliveryKey: m.deliveryKey ?? '',
    repeat: m.repeat ? 'true' : 'false',
  };
}

/** defaultWebhookBody is the documented JSON body. */
export function defaultWebhookBody(m: NotificationMessage): Record<string, unknown> {
  return {
    event: m.test ? 'test' : 'incident.notify',
    deliveryKey: m.deliveryKey ?? null,
    repeat: m.repeat === true,
    incident: m.test ? null : { id: m.incidentId, number: m.number, title: m.title, service: m.serviceName, urgency: m.urgency, triggeredAt: m.triggeredAt, details: m.detailLines },
    message: m.text,
    links: m.ackLinks ? { acknowledge: m.ackLinks.acknowledge, resolve: m.ackLinks.resolve, expiresAt: m.ackLinks.expiresAt } : null,
  };
}

/** renderTemplate fills {{placeholders}}; for JSON the values are escaped to sit inside JSON strings. */
export function renderTemplate(template: string, fields: Record<string, string>, json: boolean): string {
  return template.replace(/\{\{\s*([^}\s]*)\s*\}\}/g, (_all, name: string) => {
    const v = fields[name] ?? '';
    return json ? JSON.stringify(v).slice(1, -1) : v;
  });
}

/** signWebhook is the signature header's value: sha256= and the hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** webhookChannel posts (and signs, with a secret) the body to the contact's URL. */
export const webhookChannel: Channel = {
  type: 'webhook',
  settingsSchema: WebhookSettings,
  async send(contact, m, ctx) {
    const s = optionalSettings('webhook', WebhookSettings, ctx.settings, 'Webhook');
    if (!s.ok) return s.result;
    const cfg: { template?: string; contentType?: string; signatureHeader?: string } = s.value;
    const contentType = cfg.contentType ?? 'application/json';
    const body = cfg.template ? renderTemplate(cfg.template, webhookFields(m), contentType.startsWith('application/json')) : JSON.stringify(defaultWebhookBody(m));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': contentType, 'x-standby-event': m.test ? 'test' : 'incident.notify', 'x-standby-timestamp': timestamp };
    if (m.deliveryKey) headers['x-standby-delivery'] = m.deliveryKey;
    if (contact.secretRef) {
      const secret = await requireSecret(ctx, contact.secretRef, `the signing secret of "${contact.label}"`, urlDestination(contact.address));
      if (!secret.ok) return secret.result;
      headers[(cfg.signatureHeader ?? SIGNATURE_HEADER).toLowerCase()] = signWebhook(secret.value, timestamp, body);
    }
    return httpPost({ vendor: 'Webhook', url: contact.address, body, headers }, ctx);
  },
};
