/** The webhook channel: POSTs the incident as JSON to the contact method's URL. */
import type { Channel } from '../channel.ts';
import { postJson } from './http-post.ts';

/** webhookChannel posts `{event, incident: {...}, message}` to the address. */
export const webhookChannel: Channel = {
  type: 'webhook',
  send(contact, m, ctx) {
    const body = {
      event: 'incident.notify',
      incident: { id: m.incidentId, number: m.number, title: m.title, service: m.serviceName, urgency: m.urgency, triggeredAt: m.triggeredAt },
      message: m.text,
    };
    return postJson(contact.address, body, ctx.signal);
  },
};
