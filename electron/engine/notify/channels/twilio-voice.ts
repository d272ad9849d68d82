/** The voice call channel through Twilio's Calls API: the call speaks the incident's summary with TwiML <Say>. */
import { VoiceSettings } from '../../../shared/channel-schemas.ts';
import type { Channel, NotificationMessage } from '../channel.ts';
import { httpPost } from '../http-client.ts';
import { optionalSettings, truncate } from '../settings.ts';
import { explainTwilio, twilioAccount } from '../twilio-account.ts';

/** TWIML_MAX is the longest Twiml parameter Twilio accepts (https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource). */
export const TWIML_MAX = 4000;

/** escapeXml makes text safe inside a TwiML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/**
 * spokenSummary is what the call says: who is calling, the incident, its service and how to answer. A
 * call cannot take a key press without a URL Twilio can reach (<Gather> posts to one), so with SMS
 * answers on (responders/sms.ts) it says to reply to the text message, and otherwise to open Standby.
 */
export function spokenSummary(m: NotificationMessage, smsAnswers = false): string {
  if (m.test) return 'This is a test call from Standby. Your voice contact method works. Goodbye.';
  const answer = smsAnswers ? `To acknowledge, reply 4 to the text message about incident ${m.number}; to resolve it, reply 6.` : 'Open Standby to acknowledge it.';
  return `This is Standby.${m.repeat ? ' A repeat after a restart.' : ''} Incident ${m.number}, ${m.urgency} urgency: ${truncate(m.title, 300)}. Service: ${m.serviceName}. ${answer}`;
}

/** twiml builds `<Response><Say>..</Say></Response>` (https://www.twilio.com/docs/voice/twiml/say). */
export function twiml(text: string, voice?: string, loop?: number): string {
  const attrs = `${voice ? ` voice="${escapeXml(voice)}"` : ''}${loop ? ` loop="${loop}"` : ''}`;
  return `<Response><Say${attrs}>${escapeXml(text)}</Say></Response>`;
}

/** twilioVoiceChannel creates a Call: POST /2010-04-01/Accounts/{AccountSid}/Calls.json, form-encoded To, From, Twiml. */
export const twilioVoiceChannel: Channel = {
  type: 'voice',
  provider: 'twilio',
  settingsSchema: VoiceSettings,
  async send(contact, m, ctx) {
    const v = optionalSettings('voice', VoiceSettings, ctx.settings, 'Voice calls');
    if (!v.ok) return v.result;
    const account = await twilioAccount(ctx);
    if (!account.ok) return account.result;
    const a = account.value;
    const loop = 'loop' in v.value ? v.value.loop : undefined;
    const voice = 'voice' in v.value ? v.value.voice : undefined;
    const smsAnswers = ctx.settingsOf('sms')?.provider === 'twilio' && a.settings.answers !== false;
    return httpPost(
      {
        vendor: 'Twilio',
        url: a.resource('Calls.json'),
        form: { To: contact.address, From: a.settings.from, Twiml: twiml(truncate(spokenSummary(m, smsAnswers), TWIML_MAX - 200), voice, loop ?? 2) },
        basicAuth: { user: a.settings.accountSid, password: a.authToken },
        explain: explainTwilio,
      },
      ctx,
    );
  },
};
