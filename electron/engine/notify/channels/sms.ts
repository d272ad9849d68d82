/**
 * The SMS channel through a generic SMS gateway webhook (the user's own gateway, or a service that
 * takes `{to, message}`): configured under `channels.sms` as `{provider: 'webhook', url}`.
 */
import type { Channel } from '../channel.ts';
import { postJson } from './http-post.ts';

/** smsChannel sends the message text to the contact's phone number through the configured gateway. */
export const smsChannel: Channel = {
  type: 'sms',
  async send(contact, m, ctx) {
    const url = typeof ctx.settings?.url === 'string' ? ctx.settings.url : undefined;
    if (!url) return { ok: false, retryable: false, error: 'no SMS gateway is configured (channels.sms in the configuration)' };
    // One SMS segment is 160 GSM-7 characters; keep the page to a few segments.
    return postJson(url, { to: contact.address, message: m.text.slice(0, 480) }, ctx.signal);
  },
};
