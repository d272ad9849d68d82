/** The SMS channel through Twilio's Messages API: `channels.sms: {provider: twilio}` plus `channels.twilio`. */
import { SmsSettings } from '../../../shared/channel-schemas.ts';
import { shortText, type Channel } from '../channel.ts';
import { httpPost } from '../http-client.ts';
import { truncate } from '../settings.ts';
import { explainTwilio, twilioAccount } from '../twilio-account.ts';

/** TWILIO_BODY_MAX is the longest Body Twilio accepts (https://www.twilio.com/docs/messaging/api/message-resource#request-body-parameters). */
export const TWILIO_BODY_MAX = 1600;

/** twilioSmsChannel creates a Message: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From, Body, HTTP Basic SID:token. */
export const twilioSmsChannel: Channel = {
  type: 'sms',
  provider: 'twilio',
  settingsSchema: SmsSettings,
  async send(contact, m, ctx) {
    const account = await twilioAccount(ctx);
    if (!account.ok) return account.result;
    const a = account.value;
    return httpPost(
      {
        vendor: 'Twilio',
        url: a.resource('Messages.json'),
        form: { To: contact.address, From: a.settings.from, Body: truncate(shortText(m), TWILIO_BODY_MAX) },
        basicAuth: { user: a.settings.accountSid, password: a.authToken },
        explain: explainTwilio,
      },
      ctx,
    );
  },
};
