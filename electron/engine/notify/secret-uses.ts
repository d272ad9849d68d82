/**
 * Every place the configuration names a secret, with the destination it would be sent to: what
 * `secrets.set` binds a secret to, what `channels.setSecret` binds a channel's secret to, and what the
 * first start after the upgrade binds the secrets stored before bindings to. The destinations are the
 * ones the channels ask for when they read the secret (see each channel's requireSecret call).
 */
import { ChannelSettingsSchemas, type ChannelSettingsKind } from '../../shared/channel-schemas.ts';
import type { ContactMethod } from '../../shared/schemas.ts';
import type { SecretUse } from '../secrets/bindings.ts';
import { DEFAULT_EMAIL_PASSWORD_REF, SMTP_PORTS } from './channels/email.ts';
import { NTFY_SERVER, ntfyTarget } from './channels/ntfy.ts';
import { DEFAULT_PUSHOVER_TOKEN_REF, PUSHOVER_API } from './channels/pushover.ts';
import { DEFAULT_TELEGRAM_TOKEN_REF, TELEGRAM_API } from './channels/telegram.ts';
import { originDestination, smtpDestination, twilioDestination, urlDestination } from './secret-destinations.ts';
import { DEFAULT_TWILIO_TOKEN_REF, TWILIO_API } from './twilio-account.ts';

/** SettingsOf reads one channel settings section as stored. */
export type SettingsOf = (kind: string) => Record<string, unknown> | undefined;

/** settingsFor is a section's valid settings, `{}` when absent and `allowAbsent`, undefined when invalid (such a channel sends nothing). */
function settingsFor<K extends ChannelSettingsKind>(settingsOf: SettingsOf, kind: K, allowAbsent: boolean): Record<string, unknown> | undefined {
  const raw = settingsOf(kind);
  if (raw === undefined || raw === null) return allowAbsent ? {} : undefined;
  const r = ChannelSettingsSchemas[kind].safeParse(raw);
  return r.success ? (r.data as Record<string, unknown>) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** channelSecretUses are the secrets one channel settings section names, with the destination of each. */
export function channelSecretUses(kind: ChannelSettingsKind, settingsOf: SettingsOf): SecretUse[] {
  switch (kind) {
    case 'email': {
      const s = settingsFor(settingsOf, 'email', false);
      if (!s || !str(s.user)) return [];
      const security = (str(s.security) ?? 'starttls') as keyof typeof SMTP_PORTS;
      const port = typeof s.port === 'number' ? s.port : SMTP_PORTS[security];
      return [{ ref: str(s.passwordRef) ?? DEFAULT_EMAIL_PASSWORD_REF, destination: smtpDestination(String(s.host), port, String(s.user)), what: 'channels.email.passwordRef' }];
    }
    case 'twilio': {
      const s = settingsFor(settingsOf, 'twilio', false);
      if (!s) return [];
      return [{ ref: str(s.authTokenRef) ?? DEFAULT_TWILIO_TOKEN_REF, destination: twilioDestination(str(s.baseUrl) ?? TWILIO_API, String(s.accountSid)), what: 'channels.twilio.authTokenRef' }];
    }
    case 'pushover': {
      const s = settingsFor(settingsOf, 'pushover', true);
      if (!s) return [];
      return [{ ref: str(s.tokenRef) ?? DEFAULT_PUSHOVER_TOKEN_REF, destination: originDestination(str(s.baseUrl) ?? PUSHOVER_API), what: 'channels.pushover.tokenRef' }];
    }
    case 'telegram': {
      const s = settingsFor(settingsOf, 'telegram', true);
      if (!s) return [];
      return [{ ref: str(s.botTokenRef) ?? DEFAULT_TELEGRAM_TOKEN_REF, destination: originDestination(str(s.baseUrl) ?? TELEGRAM_API), what: 'channels.telegram.botTokenRef' }];
    }
    case 'ntfy': {
      const s = settingsFor(settingsOf, 'ntfy', true);
      const ref = s && str(s.tokenRef);
      if (!s || !ref) return [];
      return [{ ref, destination: urlDestination(str(s.server) ?? NTFY_SERVER), what: 'channels.ntfy.tokenRef' }];
    }
    default:
      return [];
  }
}

/** contactSecretUses are the secrets one contact method sends (its own, or its channel's), with the destination of each. */
export function contactSecretUses(c: ContactMethod, settingsOf: SettingsOf): SecretUse[] {
  const who = `contact method "${c.label}"`;
  const uses: SecretUse[] = [];
  if (c.urlSecretRef) uses.push({ ref: c.urlSecretRef, destination: urlDestination(c.address), what: `the URL of ${who}` });
  const own = (destination: string) => (c.secretRef ? [{ ref: c.secretRef, destination, what: who }] : []);
  switch (c.type) {
    case 'sms': {
      const s = settingsFor(settingsOf, 'sms', false);
      if (s?.provider === 'webhook') uses.push(...own(urlDestination(String(s.url))));
      break;
    }
    case 'webhook':
    case 'slack':
    case 'discord':
      uses.push(...own(urlDestination(c.address)));
      break;
    case 'pushover':
    case 'telegram': {
      const channel = channelSecretUses(c.type, settingsOf)[0];
      if (channel) uses.push(c.secretRef ? { ...channel, ref: c.secretRef, what: who } : { ...channel, what: `${channel.what} (for ${who})` });
      break;
    }
    case 'ntfy': {
      const s = settingsFor(settingsOf, 'ntfy', true);
      const ref = c.secretRef ?? (s && str(s.tokenRef));
      if (s && ref) uses.push({ ref, destination: urlDestination(ntfyTarget(c.address, str(s.server) ?? NTFY_SERVER).server), what: who });
      break;
    }
    default:
      break;
  }
  return uses;
}

/** CHANNELS_WITH_SECRETS are the settings sections that name secrets. */
const CHANNELS_WITH_SECRETS = ['email', 'twilio', 'pushover', 'telegram', 'ntfy'] as const;

/** allSecretUses lists every secret the configuration sends and where: contact methods first, then channel settings. */
export function allSecretUses(contacts: ContactMethod[], settingsOf: SettingsOf): SecretUse[] {
  return [...contacts.flatMap((c) => contactSecretUses(c, settingsOf)), ...CHANNELS_WITH_SECRETS.flatMap((k) => channelSecretUses(k, settingsOf))];
}
