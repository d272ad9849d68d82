/**
 * The channel registry: one explicit list, duplicates refused. A contact method type has one channel,
 * or several providers (SMS: the generic gateway webhook or Twilio), chosen by `channels.<type>.provider`.
 */
import type { ContactMethodType } from '../../shared/schemas.ts';
import type { Channel, DesktopPort } from './channel.ts';
import { desktopChannel } from './channels/desktop.ts';
import { discordChannel } from './channels/discord.ts';
import { emailChannel } from './channels/email.ts';
import { ntfyChannel } from './channels/ntfy.ts';
import { pushoverChannel } from './channels/pushover.ts';
import { slackChannel } from './channels/slack.ts';
import { smsGatewayChannel } from './channels/sms.ts';
import { telegramChannel } from './channels/telegram.ts';
import { twilioSmsChannel } from './channels/twilio-sms.ts';
import { twilioVoiceChannel } from './channels/twilio-voice.ts';
import { webhookChannel } from './channels/webhook.ts';

/** channelKey names a channel in the registry: its type, and its provider when it has one ("sms/twilio"). */
export function channelKey(c: Pick<Channel, 'type' | 'provider'>): string {
  return c.provider ? `${c.type}/${c.provider}` : c.type;
}

/** ChannelRegistry maps a contact method type (and provider) to its channel. */
export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();

  register(channel: Channel): this {
    const key = channelKey(channel);
    if (this.channels.has(key)) throw new Error(`a channel for "${key}" is registered twice`);
    this.channels.set(key, channel);
    return this;
  }

  /** get returns the channel for a type: the named provider's, or without a provider the first registered for the type. */
  get(type: ContactMethodType, provider?: string): Channel | undefined {
    if (provider !== undefined) {
      const exact = this.channels.get(`${type}/${provider}`);
      if (exact) return exact;
    }
    for (const c of this.channels.values()) if (c.type === type && (provider === undefined || c.provider === undefined)) return c;
    return undefined;
  }

  /** types lists every type some channel delivers to. */
  types(): ContactMethodType[] {
    return [...new Set([...this.channels.values()].map((c) => c.type))];
  }

  /** keys lists every registered channel's key. */
  keys(): string[] {
    return [...this.channels.keys()];
  }
}

/** builtinChannels is every channel Standby ships, around the shell's desktop port. */
export function builtinChannels(desktop: DesktopPort): ChannelRegistry {
  return new ChannelRegistry()
    .register(desktopChannel(desktop))
    .register(emailChannel)
    .register(smsGatewayChannel)
    .register(twilioSmsChannel)
    .register(twilioVoiceChannel)
    .register(ntfyChannel)
    .register(pushoverChannel)
    .register(slackChannel)
    .register(discordChannel)
    .register(telegramChannel)
    .register(webhookChannel);
}
