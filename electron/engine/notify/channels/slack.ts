/**
 * The Slack channel through an incoming webhook (https://api.slack.com/messaging/webhooks): POST JSON
 * `{text, blocks}`. `text` is the notification's fallback; the blocks show the incident and, with ack
 * links on, Acknowledge and Resolve buttons that open Standby's confirmation pages.
 */
import { headline, type Channel, type NotificationMessage } from '../channel.ts';
import { httpPost } from '../http-client.ts';
import { truncate, webhookUrl } from '../settings.ts';

/** SLACK_SECTION_MAX is a section block's text limit (https://api.slack.com/reference/block-kit/blocks#section). */
export const SLACK_SECTION_MAX = 3000;

/** escapeSlack escapes the three characters Slack's mrkdwn reserves (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** slackBody is the incoming webhook payload. */
export function slackBody(m: NotificationMessage): Record<string, unknown> {
  const head = m.text.split('\n', 1)[0] ?? '';
  if (m.test) return { text: head };
  const lines = [`*${escapeSlack(headline(m))}*`, `Service: ${escapeSlack(m.serviceName)} · ${m.urgency} urgency`, `Triggered: ${m.triggeredLocal ?? m.triggeredAt}`, ...m.detailLines.map(escapeSlack)];
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SLACK_SECTION_MAX) } }];
  if (m.ackLinks) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, url: m.ackLinks.acknowledge, style: 'primary' },
        { type: 'button', text: { type: 'plain_text', text: 'Resolve' }, url: m.ackLinks.resolve },
      ],
    });
  }
  return { text: truncate(head, SLACK_SECTION_MAX), blocks };
}

/** slackChannel posts to the contact's incoming webhook URL; Slack answers errors as plain text ("invalid_payload", "no_service"). */
export const slackChannel: Channel = {
  type: 'slack',
  async send(contact, m, ctx) {
    const url = await webhookUrl(contact, ctx, 'Slack');
    if (!url.ok) return url.result;
    return httpPost({ vendor: 'Slack', url: url.value, json: slackBody(m), explain: (_s, body) => body.slice(0, 100) || undefined }, ctx);
  },
};
