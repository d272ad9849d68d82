/** The channel registry: one explicit list, one channel per contact method type, duplicates refused. */
import type { ContactMethodType } from '../../shared/schemas.ts';
import type { Channel, DesktopPort } from './channel.ts';
import { desktopChannel } from './channels/desktop.ts';
import { smsChannel } from './channels/sms.ts';
import { webhookChannel } from './channels/webhook.ts';

/** ChannelRegistry maps a contact method type to its channel. */
export class ChannelRegistry {
  private readonly channels = new Map<ContactMethodType, Channel>();

  register(channel: Channel): this {
    if (this.channels.has(channel.type)) throw new Error(`a channel for "${channel.type}" is registered twice`);
    this.channels.set(channel.type, channel);
    return this;
  }

  get(type: ContactMethodType): Channel | undefined {
    return this.channels.get(type);
  }

  types(): ContactMethodType[] {
    return [...this.channels.keys()];
  }
}

/** builtinChannels is every channel Standby ships, around the shell's desktop port. */
export function builtinChannels(desktop: DesktopPort): ChannelRegistry {
  return new ChannelRegistry().register(desktopChannel(desktop)).register(webhookChannel).register(smsChannel);
}
