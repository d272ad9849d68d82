/**
 * The ntfy push channel: publishes as JSON to the server's root URL (https://docs.ntfy.sh/publish/#publish-as-json),
 * which keeps titles in any language (HTTP headers cannot). The contact's address is a topic on the
 * configured server (default https://ntfy.sh) or a full topic URL. With ack links on, the
 * notification carries Acknowledge and Resolve buttons (http actions): they POST to the ack links, or,
 * with ntfy answers on, publish the links' signed tokens to this installation's private reply topic on
 * the configured server, which the ntfy responder reads (responders/ntfy.ts): no public URL needed.
 */
import { NtfySettings } from '../../../shared/channel-schemas.ts';
import { headline, type Channel, type NotificationMessage } from '../channel.ts';
import { httpPost, jsonField } from '../http-client.ts';
import { urlDestination } from '../secret-destinations.ts';
import { joinUrl, optionalSettings, requireSecret, truncate } from '../settings.ts';

/** NTFY_SERVER is the public ntfy server. */
export const NTFY_SERVER = 'https://ntfy.sh';
/** NTFY_MESSAGE_MAX keeps a message within ntfy's default 4096-byte limit (https://docs.ntfy.sh/config/#message-limits). */
export const NTFY_MESSAGE_MAX = 3500;

/** NTFY_TOPIC_KEY is where the ntfy responder keeps this installation's reply topic (responder_state). */
export const NTFY_TOPIC_KEY = 'ntfy.topic';

/** ackToken is an ack link's signed token: its last path segment (ACK_PATH + token). */
export function ackToken(link: string): string {
  return link.slice(link.lastIndexOf('/') + 1);
}

/** ntfyTarget splits an address into the server and the topic. */
export function ntfyTarget(address: string, server: string): { server: string; topic: string } {
  if (!/^https?:\/\//.test(address)) return { server, topic: address };
  const u = new URL(address);
  const parts = u.pathname.split('/').filter(Boolean);
  const topic = parts.pop() ?? '';
  return { server: `${u.origin}${parts.length ? `/${parts.join('/')}` : ''}`, topic };
}

/**
 * ntfyBody is the JSON publish body: topic, title, message, priority 1-5, tags and up to 3 action buttons
 * (https://docs.ntfy.sh/publish/#action-buttons). With `replyUrl` (the reply topic's URL), each button
 * publishes its link's token there as the message body; otherwise it POSTs to the link.
 */
export function ntfyBody(topic: string, m: NotificationMessage, priority: number, replyUrl?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    topic,
    title: m.test ? 'Standby: test notification' : truncate(headline(m), 250),
    message: truncate(m.test ? 'ntfy notifications work.' : [`Service: ${m.serviceName} · ${m.urgency} urgency`, `Triggered: ${m.triggeredLocal ?? m.triggeredAt}`, ...m.detailLines].join('\n'), NTFY_MESSAGE_MAX),
    priority,
    // Tags that match an emoji short code show as that emoji (https://docs.ntfy.sh/publish/#tags-emojis).
    tags: [m.urgency === 'high' ? 'rotating_light' : 'warning', 'standby'],
  };
  if (m.test && m.answerTest && replyUrl) {
    // The test round trip: this button publishes the test's token to the reply topic, where the responder hears it.
    body.message = truncate('ntfy notifications work. Tap "Answer this test": Standby shows when your answer arrives.', NTFY_MESSAGE_MAX);
    body.actions = [{ action: 'http', label: 'Answer this test', url: replyUrl, method: 'POST', body: `test:${m.answerTest}`, clear: true }];
  } else if (m.ackLinks && replyUrl) {
    body.actions = [
      { action: 'http', label: 'Acknowledge', url: replyUrl, method: 'POST', body: ackToken(m.ackLinks.acknowledge), clear: true },
      { action: 'http', label: 'Resolve', url: replyUrl, method: 'POST', body: ackToken(m.ackLinks.resolve), clear: true },
    ];
  } else if (m.ackLinks) {
    body.actions = [
      { action: 'http', label: 'Acknowledge', url: m.ackLinks.acknowledge, method: 'POST', clear: true },
      { action: 'http', label: 'Resolve', url: m.ackLinks.resolve, method: 'POST', clear: true },
    ];
  }
  return body;
}

/** ntfyChannel publishes to the contact's topic, with `Authorization: Bearer` when a token entry is named. */
export const ntfyChannel: Channel = {
  type: 'ntfy',
  settingsSchema: NtfySettings,
  async send(contact, m, ctx) {
    const s = optionalSettings('ntfy', NtfySettings, ctx.settings, 'ntfy');
    if (!s.ok) return s.result;
    const cfg: { server?: string; tokenRef?: string; highPriority?: number; lowPriority?: number; answers?: boolean } = s.value;
    const { server, topic } = ntfyTarget(contact.address, cfg.server ?? NTFY_SERVER);
    // The reply topic is on the configured server, where the responder reads it; until it has made one, the buttons POST to the links.
    const replyTopic = cfg.answers ? ctx.responderState?.(NTFY_TOPIC_KEY) : undefined;
    const replyUrl = replyTopic ? joinUrl(cfg.server ?? NTFY_SERVER, replyTopic) : undefined;
    const headers: Record<string, string> = {};
    const tokenRef = contact.secretRef ?? cfg.tokenRef;
    if (tokenRef) {
      const token = await requireSecret(ctx, tokenRef, 'the ntfy access token', urlDestination(server));
      if (!token.ok) return token.result;
      headers.authorization = `Bearer ${token.value}`;
    }
    // Priorities: 5 = max/urgent, 3 = default (https://docs.ntfy.sh/publish/#message-priority).
    const priority = m.urgency === 'high' ? (cfg.highPriority ?? 5) : (cfg.lowPriority ?? 3);
    return httpPost(
      {
        vendor: 'ntfy',
        url: joinUrl(server, ''),
        json: ntfyBody(topic, m, priority, replyUrl),
        headers,
        explain: (_s, b) => jsonField(b, 'error'),
        // The published message's id (https://docs.ntfy.sh/subscribe/api/#json-message-format): the page's receipt, so its follow-up is sent once.
        receipt: (b) => {
          const id = jsonField(b, 'id');
          return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
        },
      },
      ctx,
    );
  },
};
