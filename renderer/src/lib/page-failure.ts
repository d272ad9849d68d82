/**
 * How a failed page is said on its incident: "SMS failed: Twilio is not set up", the channel's short
 * reason (its message up to the first ": ", where the how-to-fix begins); the whole message is the tooltip.
 */
import type { PageFailure } from '../../../electron/shared/schemas.ts';

/** CHANNEL_NAMES names each contact method type in a failure's headline. */
export const CHANNEL_NAMES: Record<string, string> = {
  desktop: 'Desktop notification', email: 'Email', sms: 'SMS', voice: 'Voice call', ntfy: 'ntfy', pushover: 'Pushover',
  slack: 'Slack', discord: 'Discord', telegram: 'Telegram', webhook: 'Webhook',
};

/** failureHeadline is the short line: "SMS failed: Twilio is not set up". */
export function failureHeadline(f: PageFailure): string {
  const reason = f.error.split(': ')[0] ?? f.error;
  return `${CHANNEL_NAMES[f.contactType] ?? f.contactType} failed: ${reason}`;
}

/** failureDetail is the whole story for a tooltip or the detail page: which contact method and the full reason. */
export function failureDetail(f: PageFailure): string {
  return `${f.label ? `"${f.label}"` : CHANNEL_NAMES[f.contactType] ?? f.contactType}: ${f.error}`;
}
