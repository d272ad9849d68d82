/**
 * The Discord channel through a channel webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook):
 * POST JSON `{content, embeds, allowed_mentions}`. Mentions are off, so an incident titled
 * "@everyone" pings nobody.
 */
import { headline, type Channel, type NotificationMessage } from '../channel.ts';
import { httpPost, jsonField } from '../http-client.ts';
import { truncate, webhookUrl } from '../settings.ts';

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): content 2000, embed title 256, description 4096. */
export const DISCORD_LIMITS = { content: 2000, title: 256, description: 4096 } as const;

/** discordBody is the webhook payload: a one-line content and an embed with the incident. */
export function discordBody(m: NotificationMessage): Record<string, unknown> {
  const head = m.text.split('\n', 1)[0] ?? '';
  const body: Record<string, unknown> = { content: truncate(head, DISCORD_LIMITS.content), allowed_mentions: { parse: [] } };
  if (m.test) return body;
  const links = m.ackLinks ? [`[Acknowledge](${m.ackLinks.acknowledge}) · [Resolve](${m.ackLinks.resolve})`] : [];
  body.embeds = [
    {
      title: truncate(headline(m), DISCORD_LIMITS.title),
      description: truncate([`Service: ${m.serviceName} · ${m.urgency} urgency`, ...m.detailLines, ...links].join('\n'), DISCORD_LIMITS.description),
      // Red for high urgency, amber for low.
      color: m.urgency === 'high' ? 0xd93025 : 0xf9ab00,
      timestamp: m.triggeredAt,
    },
  ];
  return body;
}

/** discordChannel posts to the contact's webhook URL; Discord answers 204 No Content on success. */
export const discordChannel: Channel = {
  type: 'discord',
  async send(contact, m, ctx) {
    const url = await webhookUrl(contact, ctx, 'Discord');
    if (!url.ok) return url.result;
    return httpPost({ vendor: 'Discord', url: url.value, json: discordBody(m), explain: (_s, body) => jsonField(body, 'message') }, ctx);
  },
};
