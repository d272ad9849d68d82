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
 * key press needs a URL Twilio can reach (<Gather> posts to it): with ack links on (a public base URL),
 * the call takes 4 and 6; otherwise, with SMS answers on (responders/sms.ts), it says to reply to the
 * text message, and otherwise to open Standby.
 */
export function spokenSummary(m: NotificationMessage, smsAnswers = false, keys = false): string {
  if (m.test) return 'This is a test call from Standby. Your voice contact method works. Goodbye.';
  const answer = keys
    ? 'Press 4 to acknowledge, or 6 to resolve.'
    : smsAnswers
      ? `To acknowledge, reply 4 to the text message about incident ${m.number}; to resolve it, reply 6.`
      : 'Open Standby to acknowledge it.';
  return `This is Standby.${m.repeat ? ' A repeat after a restart.' : ''} Incident ${m.number}, ${m.urgency} urgency: ${truncate(m.title, 300)}. Service: ${m.serviceName}. ${answer}`;
}

/** twiml builds `<Response><Say>..</Say></Response>` (https://www.twilio.com/docs/voice/twiml/say). */
export function twiml(text: string, voice?: string, loop?: number): string {
  const attrs = `${voice ? ` voice="${escapeXml(voice)}"` : ''}${loop ? ` loop="${loop}"` : ''}`;
  return `<Response><Say${attrs}>${escapeXml(text)}</Say></Response>`;
}

/**
 * voiceAnswerUrl is where Twilio posts the key the person pressed (voice-answers.ts): the acknowledge
 * link's own path plus /voice, with the resolve link's token, so a 4 and a 6 each carry their signed,
 * single-use token, and only a URL Standby signed can act.
 */
export function voiceAnswerUrl(links: { acknowledge: string; resolve: string }): string {
  return `${links.acknowledge}/voice?resolve=${encodeURIComponent(links.resolve.slice(links.resolve.lastIndexOf('/') + 1))}`;
}

/**
 * gatherTwiml says the page inside a <Gather> of one digit (https://www.twilio.com/docs/voice/twiml/gather):
 * the pressed key is posted to `action`; silence ends the call with a goodbye.
 */
export function gatherTwiml(text: string, action: string, voice?: string, loop?: number): string {
  const attrs = `${voice ? ` voice="${escapeXml(voice)}"` : ''}${loop ? ` loop="${loop}"` : ''}`;
  return `<Response><Gather input="dtmf" numDigits="1" timeout="8" method="POST" action="${escapeXml(action)}"><Say${attrs}>${escapeXml(text)}</Say></Gather><Say${voice ? ` voice="${escapeXml(voice)}"` : ''}>No key was pressed. Goodbye.</Say></Response>`;
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
    const keys = !m.test && m.ackLinks !== undefined;
    const text = truncate(spokenSummary(m, smsAnswers, keys), TWIML_MAX - 600);
    return httpPost(
      {
        vendor: 'Twilio',
        url: a.resource('Calls.json'),
        form: { To: contact.address, From: a.settings.from, Twiml: keys && m.ackLinks ? gatherTwiml(text, voiceAnswerUrl(m.ackLinks), voice, loop ?? 2) : twiml(text, voice, loop ?? 2) },
        basicAuth: { user: a.settings.accountSid, password: a.authToken },
        explain: explainTwilio,
      },
      ctx,
    );
  },
};
