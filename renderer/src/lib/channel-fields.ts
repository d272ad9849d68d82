/**
 * The settings sections of notification channels and delivery (`channels.get` / `channels.update`,
 * schemas in electron/shared/channel-schemas.ts; docs/channels.md), described as form fields. None
 * holds a secret: `*Ref` fields name keychain entries, which are set separately and never shown.
 */
import type { ChannelSettingsKind } from '../../../electron/shared/channel-schemas.ts';
import type { FieldSpec } from './schema-form.ts';

/** ChannelSection is one settings section: its kind, title, what it is for, and its fields. */
export interface ChannelSection {
  kind: ChannelSettingsKind;
  title: string;
  description: string;
  fields: FieldSpec[];
}

const ref = (key: string, fallback: string | null, what: string): FieldSpec => ({
  key,
  label: 'Keychain entry',
  type: 'text',
  required: false,
  hint: fallback ? `Where ${what} is kept; empty means "${fallback}"` : `Where ${what} is kept, if it needs one`,
  ...(fallback ? { placeholder: fallback } : {}),
});

const url = (key: string, label: string, hint: string): FieldSpec => ({ key, label, type: 'text', inputType: 'url', required: false, hint });
const int = (key: string, label: string, min: number, max: number, hint: string): FieldSpec => ({ key, label, type: 'number', integer: true, required: false, min, max, hint });

/** CHANNEL_SECTIONS are the sections in the order the settings page shows them. */
export const CHANNEL_SECTIONS: ChannelSection[] = [
  {
    kind: 'delivery',
    title: 'Delivery',
    description: 'Retries around every channel, the time limit of one attempt, and the daily SMS + voice budget.',
    fields: [
      int('retries', 'Retries', 0, 10, 'After a failure that may work if tried again; default 3, 0 turns them off'),
      int('retryBaseSeconds', 'First retry after (seconds)', 1, 600, 'Each next wait doubles; default 10'),
      int('maxRetryMinutes', 'Stop retrying after (minutes)', 1, 120, 'Default 15'),
      int('timeoutSeconds', 'Attempt timeout (seconds)', 1, 120, 'Default 10'),
      int('smsVoicePerDay', 'SMS and calls per day', 0, 10000, 'Midnight to midnight in your time zone; default 20'),
    ],
  },
  {
    kind: 'email',
    title: 'Email (SMTP)',
    description: 'The SMTP server email is sent through.',
    fields: [
      { key: 'host', label: 'SMTP host', type: 'text', required: true, placeholder: 'smtp.example.com' },
      int('port', 'Port', 1, 65535, 'Default 587 for STARTTLS, 465 for TLS, 25 for none'),
      { key: 'security', label: 'Security', type: 'enum', required: false, emptyLabel: 'Default (STARTTLS)', options: [{ value: 'starttls', label: 'STARTTLS' }, { value: 'tls', label: 'TLS' }, { value: 'none', label: 'None' }] },
      { key: 'user', label: 'User name', type: 'text', required: false, hint: 'Empty: no login' },
      ref('passwordRef', 'email.password', 'the SMTP password'),
      { key: 'from', label: 'From address', type: 'text', required: true, placeholder: 'standby@example.com' },
      { key: 'rejectUnauthorized', label: 'Check the server’s certificate', type: 'boolean', required: false, default: true },
    ],
  },
  {
    kind: 'sms',
    title: 'SMS provider',
    description: 'Twilio (set up its account below), or any SMS gateway that takes {"to", "message"}.',
    fields: [
      { key: 'provider', label: 'Provider', type: 'enum', required: true, default: 'twilio', options: [{ value: 'twilio', label: 'Twilio' }, { value: 'webhook', label: 'SMS gateway (webhook)' }] },
      { ...url('url', 'Gateway URL', 'Receives POST {"to": "+1…", "message": "…"}'), required: true, showIf: { key: 'provider', equals: ['webhook'] } },
    ],
  },
  {
    kind: 'twilio',
    title: 'Twilio',
    description: 'The Twilio account SMS and voice calls go through.',
    fields: [
      { key: 'accountSid', label: 'Account SID', type: 'text', required: true, placeholder: 'AC…', hint: '"AC" and 32 hexadecimal digits' },
      { key: 'from', label: 'From number', type: 'text', required: true, placeholder: '+14155550100', hint: 'Your Twilio number, in E.164 form' },
      ref('authTokenRef', 'twilio.authToken', 'the auth token'),
      url('baseUrl', 'API base URL', 'Empty: Twilio’s'),
    ],
  },
  {
    kind: 'voice',
    title: 'Voice calls',
    description: 'Calls through Twilio: the voice, and how many times the summary is spoken.',
    fields: [
      { key: 'provider', label: 'Provider', type: 'enum', required: true, default: 'twilio', options: [{ value: 'twilio', label: 'Twilio' }] },
      { key: 'voice', label: 'Voice', type: 'text', required: false, placeholder: 'alice', hint: 'A Twilio voice name such as "alice" or "Polly.Joanna"' },
      int('loop', 'Repetitions', 1, 5, 'Default 2'),
    ],
  },
  {
    kind: 'ntfy',
    title: 'ntfy',
    description: 'The ntfy server and the priorities per urgency.',
    fields: [
      url('server', 'Server', 'Empty: https://ntfy.sh'),
      ref('tokenRef', null, 'an access token'),
      int('highPriority', 'High-urgency priority', 1, 5, '1 (min) to 5 (max); default 5'),
      int('lowPriority', 'Low-urgency priority', 1, 5, 'Default 3'),
    ],
  },
  {
    kind: 'pushover',
    title: 'Pushover',
    description: 'Your Pushover application, priorities, and how emergency messages repeat.',
    fields: [
      ref('tokenRef', 'pushover.token', 'the application token'),
      url('baseUrl', 'API base URL', 'Empty: Pushover’s'),
      int('highPriority', 'High-urgency priority', -2, 2, 'Default 2 (emergency: repeats until acknowledged)'),
      int('lowPriority', 'Low-urgency priority', -2, 2, 'Default 0'),
      int('retrySeconds', 'Emergency: repeat every (seconds)', 30, 10800, 'Default 60, at least 30'),
      int('expireSeconds', 'Emergency: stop after (seconds)', 30, 10800, 'Default 3600, at most 10800'),
      { key: 'sound', label: 'Sound', type: 'text', required: false, placeholder: 'siren' },
    ],
  },
  {
    kind: 'telegram',
    title: 'Telegram',
    description: 'The bot messages are sent from.',
    fields: [ref('botTokenRef', 'telegram.botToken', 'the bot token'), url('baseUrl', 'Bot API base URL', 'Empty: Telegram’s')],
  },
  {
    kind: 'webhook',
    title: 'Webhook',
    description: 'The body webhook contact methods receive, and the signature header’s name.',
    fields: [
      {
        key: 'template',
        label: 'Body template',
        type: 'text',
        multiline: true,
        required: false,
        hint: 'Empty: Standby’s JSON body. Placeholders: {{event}}, {{incidentId}}, {{number}}, {{title}}, {{service}}, {{urgency}}, {{triggeredAt}}, {{details}}, {{text}}, {{ackUrl}}, {{resolveUrl}}, {{deliveryKey}}',
      },
      { key: 'contentType', label: 'Content type', type: 'text', required: false, placeholder: 'application/json' },
      { key: 'signatureHeader', label: 'Signature header', type: 'text', required: false, placeholder: 'X-Standby-Signature' },
    ],
  },
  {
    kind: 'ack',
    title: 'Ack links',
    description: 'Links in messages to acknowledge or resolve from your phone. They work only where your phone can reach Standby. Turning them off stops every link already sent, for good.',
    fields: [
      { key: 'enabled', label: 'Put acknowledge and resolve links in messages', type: 'boolean', required: true, default: false },
      url('publicBaseUrl', 'Public URL of Standby', 'Where your phone reaches Standby, such as https://standby.example.net'),
      int('ttlMinutes', 'Links expire after (minutes)', 5, 10080, 'Default 1440 (a day)'),
    ],
  },
];
