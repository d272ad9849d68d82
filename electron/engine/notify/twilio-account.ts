/** The Twilio account SMS and voice calls share: `channels.twilio` settings and the auth token from the keychain. */
import { TwilioSettings, type ChannelSettingsOf } from '../../shared/channel-schemas.ts';
import type { ChannelContext } from './channel.ts';
import { jsonField } from './http-client.ts';
import { twilioDestination } from './secret-destinations.ts';
import { joinUrl, parseSettings, requireSecret, type Parsed } from './settings.ts';

/** TWILIO_API is Twilio's REST API base (https://www.twilio.com/docs/usage/api). */
export const TWILIO_API = 'https://api.twilio.com';
/** DEFAULT_TWILIO_TOKEN_REF is the keychain entry of the auth token when the settings name none. */
export const DEFAULT_TWILIO_TOKEN_REF = 'twilio.authToken';

/** TwilioAccount is what a Twilio request needs. */
export interface TwilioAccount {
  settings: ChannelSettingsOf<'twilio'>;
  authToken: string;
  /** resource is the URL of an account resource, e.g. Messages.json. */
  resource(name: 'Messages.json' | 'Calls.json'): string;
}

/** twilioAccount reads `channels.twilio` and the auth token, or answers the permanent failure naming what is missing. */
export async function twilioAccount(ctx: ChannelContext): Promise<Parsed<TwilioAccount>> {
  const s = parseSettings('twilio', TwilioSettings, ctx.settingsOf('twilio'), 'Twilio');
  if (!s.ok) return s;
  const base = s.value.baseUrl ?? TWILIO_API;
  const token = await requireSecret(ctx, s.value.authTokenRef ?? DEFAULT_TWILIO_TOKEN_REF, 'the Twilio auth token', twilioDestination(base, s.value.accountSid));
  if (!token.ok) return token;
  return {
    ok: true,
    value: {
      settings: s.value,
      authToken: token.value,
      // https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource and
      // https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource
      resource: (name) => joinUrl(base, `2010-04-01/Accounts/${s.value.accountSid}/${name}`),
    },
  };
}

/** explainTwilio reads Twilio's error body ({code, message, more_info}). */
export function explainTwilio(_status: number, body: string): string | undefined {
  const message = jsonField(body, 'message');
  const code = jsonField(body, 'code');
  return message ? `${message}${code ? ` (Twilio error ${code})` : ''}` : undefined;
}
