/**
 * The Telegram channel through a bot (https://core.telegram.org/bots/api#sendmessage): POST
 * /bot<token>/sendMessage with JSON `{chat_id, text}`. The token sits in the URL path, so errors show
 * the URL redacted. With ack links on, the message has Acknowledge and Resolve URL buttons.
 */
import { TelegramSettings } from '../../../shared/channel-schemas.ts';
import type { Channel } from '../channel.ts';
import { httpPost, jsonField } from '../http-client.ts';
import { originDestination } from '../secret-destinations.ts';
import { joinUrl, optionalSettings, requireSecret, truncate } from '../settings.ts';

/** TELEGRAM_API is the Bot API's base URL. */
export const TELEGRAM_API = 'https://api.telegram.org';
/** DEFAULT_TELEGRAM_TOKEN_REF is the keychain entry of the bot token when the settings name none. */
export const DEFAULT_TELEGRAM_TOKEN_REF = 'telegram.botToken';
/** TELEGRAM_TEXT_MAX is sendMessage's text limit: 1-4096 characters (https://core.telegram.org/bots/api#sendmessage). */
export const TELEGRAM_TEXT_MAX = 4096;

/** telegramAnswersOn tells whether pages carry answer buttons (channels.telegram.answers, on unless set to false). */
export function telegramAnswersOn(cfg: { answers?: boolean }): boolean {
  return cfg.answers !== false;
}

/** answerButtons are a page's inline keyboard: callback data names the action and the incident (at most 64 bytes). */
export function answerButtons(incidentId: number): Array<Array<{ text: string; callback_data: string }>> {
  return [
    [
      { text: 'Acknowledge', callback_data: `a:${incidentId}` },
      { text: 'Resolve', callback_data: `r:${incidentId}` },
    ],
    [{ text: 'Snooze 1 h', callback_data: `s:${incidentId}:60` }],
  ];
}

/** telegramChannel sends the plain-text message to the contact's chat id or @channel. */
export const telegramChannel: Channel = {
  type: 'telegram',
  settingsSchema: TelegramSettings,
  async send(contact, m, ctx) {
    const s = optionalSettings('telegram', TelegramSettings, ctx.settings, 'Telegram');
    if (!s.ok) return s.result;
    const cfg: { botTokenRef?: string; baseUrl?: string; answers?: boolean } = s.value;
    const token = await requireSecret(ctx, contact.secretRef ?? cfg.botTokenRef ?? DEFAULT_TELEGRAM_TOKEN_REF, 'the Telegram bot token', originDestination(cfg.baseUrl ?? TELEGRAM_API));
    if (!token.ok) return token.result;
    const body: Record<string, unknown> = {
      chat_id: contact.address,
      text: truncate(m.text, TELEGRAM_TEXT_MAX),
      // No previews: a previewer must not fetch Standby's links (https://core.telegram.org/bots/api#linkpreviewoptions).
      link_preview_options: { is_disabled: true },
    };
    if (m.test && m.answerTest && telegramAnswersOn(cfg)) {
      // The test round trip: the responder hears this tap and the contact method form shows it arrived.
      body.reply_markup = { inline_keyboard: [[{ text: 'Answer this test', callback_data: `t:${m.answerTest}` }]] };
      body.text = truncate(`${m.text}\n\nTap the button: Standby shows when your answer arrives.`, TELEGRAM_TEXT_MAX);
    } else if (!m.test && telegramAnswersOn(cfg)) {
      // Buttons the bot hears back through getUpdates (responders/telegram.ts): no public URL needed.
      body.reply_markup = { inline_keyboard: answerButtons(m.incidentId) };
      body.text = truncate(`${m.text}\n\nTap a button, or send /ack ${m.number} or /resolve ${m.number}.`, TELEGRAM_TEXT_MAX);
    } else if (m.ackLinks) {
      body.reply_markup = { inline_keyboard: [[{ text: 'Acknowledge', url: m.ackLinks.acknowledge }, { text: 'Resolve', url: m.ackLinks.resolve }]] };
    }
    return httpPost(
      {
        vendor: 'Telegram',
        url: joinUrl(cfg.baseUrl ?? TELEGRAM_API, `bot${token.value}/sendMessage`),
        json: body,
        explain: (_s, b) => jsonField(b, 'description'),
        // https://core.telegram.org/bots/api#message: the sent message's chat and id, to match a button's tap and edit it later.
        receipt: (b) => {
          const r = (JSON.parse(b) as { result?: { message_id?: number; chat?: { id?: number } } }).result;
          return r?.message_id !== undefined && r.chat?.id !== undefined ? `${r.chat.id}:${r.message_id}` : undefined;
        },
      },
      ctx,
    );
  },
};
