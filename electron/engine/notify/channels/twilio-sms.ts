/** The SMS channel through Twilio's Messages API: `channels.sms: {provider: twilio}` plus `channels.twilio`. */
import { SmsSettings } from '../../../shared/channel-schemas.ts';
import { shortText, type Channel, type NotificationMessage } from '../channel.ts';
import { httpPost, jsonField } from '../http-client.ts';
import { truncate } from '../settings.ts';
import { explainTwilio, twilioAccount } from '../twilio-account.ts';

/** TWILIO_BODY_MAX is the longest Body Twilio accepts (https://www.twilio.com/docs/messaging/api/message-resource#request-body-parameters). */
export const TWILIO_BODY_MAX = 1600;

/** SMS_ANSWER_HINT ends a page SMS when answers are on (`channels.twilio.answers`, responders/sms.ts reads the replies); PagerDuty's reply codes. */
export const SMS_ANSWER_HINT = 'Reply 4 to acknowledge, 6 to resolve';

/** SMS_TEST_HINT ends a test SMS that asks for an answer: the SMS responder hears the "4" and the form shows it arrived. */
export const SMS_TEST_HINT = 'Reply 4 to check that your answers reach Standby';

/** body is the SMS text: a page ends with the reply codes when answers are on, a test with its own. */
function body(m: NotificationMessage, answers: boolean): string {
  if (m.test) return m.answerTest && answers ? `${shortText(m)}\n${SMS_TEST_HINT}` : shortText(m);
  return answers ? `${shortText(m)}\n${SMS_ANSWER_HINT}` : shortText(m);
}

/** twilioMessageSid reads the Message's sid ("SM" or "MM" and 32 hex digits) from Twilio's answer to a create: the page's receipt. */
export function twilioMessageSid(body: string): string | undefined {
  const sid = jsonField(body, 'sid');
  return sid && /^[SM]M[0-9A-Za-z]{1,64}$/.test(sid) ? sid : undefined;
}

/**
 * twilioSmsChannel creates a Message: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded
 * To, From, Body, HTTP Basic SID:token. The Message's sid is the page's receipt (page_receipts, address =
 * the phone number), so a bare "4" from that number answers this page.
 */
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
        form: { To: contact.address, From: a.settings.from, Body: truncate(body(m, a.settings.answers !== false), TWILIO_BODY_MAX) },
        basicAuth: { user: a.settings.accountSid, password: a.authToken },
        explain: explainTwilio,
        receipt: twilioMessageSid,
      },
      ctx,
    );
  },
};
