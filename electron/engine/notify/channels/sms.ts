/**
 * The SMS channel through a generic SMS gateway webhook (the user's own gateway, or a service that
 * takes `{to, message}`): configured as `channels.sms: {provider: webhook, url}`. When the contact
 * method names a keychain entry (secretRef), its value is sent as `Authorization: Bearer <secret>`.
 */
import { SmsSettings } from '../../../shared/channel-schemas.ts';
import { permanent, shortText, type Channel } from '../channel.ts';
import { httpPost } from '../http-client.ts';
import { urlDestination } from '../secret-destinations.ts';
import { parseSettings, requireSecret } from '../settings.ts';

/** smsGatewayChannel posts the short message text and the contact's phone number to the configured gateway. */
export const smsGatewayChannel: Channel = {
  type: 'sms',
  provider: 'webhook',
  settingsSchema: SmsSettings,
  async send(contact, m, ctx) {
    const s = parseSettings('sms', SmsSettings, ctx.settings, 'SMS');
    if (!s.ok) return s.result;
    if (s.value.provider !== 'webhook') return permanent('channels.sms.provider is not "webhook"');
    const headers: Record<string, string> = {};
    if (contact.secretRef) {
      const token = await requireSecret(ctx, contact.secretRef, `the SMS gateway token of "${contact.label}"`, urlDestination(s.value.url));
      if (!token.ok) return token.result;
      headers.authorization = `Bearer ${token.value}`;
    }
    return httpPost({ vendor: 'SMS gateway', url: s.value.url, json: { to: contact.address, message: shortText(m) }, headers }, ctx);
  },
};
