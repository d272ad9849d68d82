/**
 * The Telegram responder: the person taps Acknowledge, Resolve or Snooze 1 h under a page, or sends
 * `/ack 12`, and Standby hears it through the Bot API's long polling (no webhook, no public URL):
 *
 * - `getUpdates` with `offset` (the last update's id + 1, which also confirms the earlier ones to
 *   Telegram), `timeout` 50 s (the long poll), `allowed_updates` callback_query and message
 *   (https://core.telegram.org/bots/api#getupdates). The offset is Standby's cursor, written in the
 *   same transaction as the answer it applied, so a restart never applies a tap twice.
 * - A tap counts only on a message Standby sent (its receipt "chat:message") in a chat that is one
 *   of the person's Telegram contact methods; a command only from such a chat. Anything else changes
 *   nothing and is logged. A tap on a message not known yet waits for the sends under way first: the
 *   phone can show a page before sendMessage's answer (and so its receipt) reaches Standby.
 * - `answerCallbackQuery` tells the phone what happened (https://core.telegram.org/bots/api#answercallbackquery);
 *   once the incident is acknowledged or resolved anywhere, `editMessageText` replaces the page with
 *   its new state and removes the buttons (https://core.telegram.org/bots/api#editmessagetext).
 */
import got from 'got';
import { TelegramSettings } from '../../shared/channel-schemas.ts';
import type { Incident } from '../../shared/schemas.ts';
import { DEFAULT_TELEGRAM_TOKEN_REF, TELEGRAM_API, telegramAnswersOn } from '../notify/channels/telegram.ts';
import { joinUrl } from '../notify/settings.ts';
import { originDestination } from '../notify/secret-destinations.ts';
import { followUpText, type AnswerAction } from './answers.ts';
import type { ResponderContext } from './context.ts';
import type { PageReceipt } from './receipts.ts';
import type { Responder } from './responders.ts';

/** LONG_POLL_SECONDS is getUpdates' timeout: Telegram holds the request this long when nothing is new. */
export const LONG_POLL_SECONDS = 50;

interface Chat {
  id: number;
  username?: string;
}
interface Update {
  update_id: number;
  callback_query?: { id: string; from?: { id: number }; data?: string; message?: { message_id: number; chat: Chat } };
  message?: { message_id: number; chat: Chat; text?: string };
}

/** parseData reads a button's callback data ("a:7", "r:7", "s:7:60"). */
export function parseData(data: string | undefined): { incidentId: number; action: AnswerAction } | undefined {
  const m = /^([ars]):(\d{1,12})(?::(\d{1,5}))?$/.exec(data ?? '');
  if (!m) return undefined;
  const incidentId = Number(m[2]);
  if (m[1] === 'a') return { incidentId, action: { type: 'acknowledge' } };
  if (m[1] === 'r') return { incidentId, action: { type: 'resolve' } };
  const minutes = Number(m[3] ?? 60);
  return minutes >= 1 && minutes <= 1440 ? { incidentId, action: { type: 'snooze', minutes } } : undefined;
}

/** parseCommand reads "/ack 12", "ack #12", "/resolve 12", "/snooze 12 2h" (1 h unless said). */
export function parseCommand(text: string | undefined): { number: number; action: AnswerAction } | undefined {
  const m = /^\/?(ack|acknowledge|resolve|snooze)(?:@\w+)?\s+#?(\d{1,9})(?:\s+(\d{1,4})\s*(m|min|h)?)?\s*$/i.exec((text ?? '').trim());
  if (!m) return undefined;
  const verb = m[1]!.toLowerCase();
  const number = Number(m[2]);
  if (verb === 'resolve') return { number, action: { type: 'resolve' } };
  if (verb !== 'snooze') return { number, action: { type: 'acknowledge' } };
  const n = m[3] === undefined ? 60 : Number(m[3]) * (m[4]?.toLowerCase() === 'h' ? 60 : 1);
  return n >= 1 && n <= 1440 ? { number, action: { type: 'snooze', minutes: n } } : undefined;
}

/** telegramResponder reads the person's taps and commands with getUpdates. */
export function telegramResponder(ctx: ResponderContext): Responder {
  const settings = () => {
    const r = TelegramSettings.safeParse(ctx.settings('telegram') ?? {});
    return r.success ? r.data : undefined;
  };
  /** contactsOf are the person's Telegram contact methods that page this chat (by its id or @username). */
  const contactsOf = (chat: Chat) => ctx.contacts().filter((c) => c.type === 'telegram' && (c.address === String(chat.id) || (chat.username !== undefined && c.address === `@${chat.username}`))).map((c) => c.id);
  /** allowed: the chat is one of the person's Telegram contact methods (only they may answer). */
  const allowed = (chat: Chat) => contactsOf(chat).length > 0;

  /** call makes one Bot API request and answers its `result`, or throws with Telegram's description (never the token). */
  const call = async <T>(method: string, body: Record<string, unknown>, signal: AbortSignal, timeoutMs = 15_000): Promise<T> => {
    const s = settings();
    if (!s) throw new Error('channels.telegram settings are not valid');
    const base = s.baseUrl ?? TELEGRAM_API;
    const token = await ctx.secret(s.botTokenRef ?? DEFAULT_TELEGRAM_TOKEN_REF, originDestination(base));
    if (!token) throw new Error(`the Telegram bot token is not stored (keychain entry "${s.botTokenRef ?? DEFAULT_TELEGRAM_TOKEN_REF}")`);
    let res;
    try {
      res = await got.post(joinUrl(base, `bot${token}/${method}`), { json: body, signal, timeout: { request: timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false });
    } catch (err) {
      // Not chained: got's error carries the request URL, and the URL holds the bot token.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`Telegram ${method} failed (${(err as { code?: string }).code ?? (err as Error).name})`);
    }
    let parsed: { ok?: boolean; result?: T; description?: string };
    try {
      parsed = JSON.parse(res.body) as typeof parsed;
    } catch {
      throw new Error(`Telegram ${method} answered HTTP ${res.statusCode} without JSON`);
    }
    if (parsed.ok !== true) throw new Error(`Telegram ${method} answered HTTP ${res.statusCode}: ${(parsed.description ?? 'no description').split(token).join('[redacted]')}`);
    return parsed.result as T;
  };

  const tell = async (method: string, body: Record<string, unknown>, signal: AbortSignal) => {
    try {
      await call(method, body, signal);
    } catch (err) {
      ctx.log(`telegram: ${method} failed: ${(err as Error).message}`);
    }
  };

  const handle = async (u: Update, signal: AbortSignal): Promise<void> => {
    const cursor = () => ctx.receipts.setCursor('telegram', String(u.update_id + 1), ctx.clock.now());
    const q = u.callback_query;
    const testToken = /^t:([0-9a-f]{16})$/.exec(q?.data ?? '')?.[1];
    if (q && testToken) {
      // The test round trip: only on the test message itself, in one of the person's chats, within its 10 minutes.
      const chat = q.message?.chat;
      const stored = ctx.tests.byToken('telegram', testToken);
      // Tapped before the test's own send returned (its receipt is stored then): wait for the sends under way.
      const early = stored?.receipt === null && chat !== undefined && allowed(chat);
      const test = early ? await ctx.sendsSettled().then(() => ctx.tests.byToken('telegram', testToken)) : stored;
      const mine = test !== undefined && chat !== undefined && allowed(chat) && test.receipt === `${chat.id}:${q.message?.message_id}` && ctx.tests.open(test, ctx.clock.now());
      if (mine) ctx.answerTest(test, `Telegram (chat ${chat.id})`, cursor);
      else {
        cursor();
        ctx.log(`telegram: ignored a test answer from chat ${chat?.id ?? '?'} (not a test Standby is waiting for in one of your chats)`);
      }
      await tell('answerCallbackQuery', { callback_query_id: q.id, text: mine ? 'Answer received: Telegram answers reach Standby.' : 'Standby is not waiting for this test.' }, signal);
      return;
    }
    if (q) {
      const chat = q.message?.chat;
      const receipt = () => (q.message && chat ? ctx.receipts.byReceipt('telegram', `${chat.id}:${q.message.message_id}`) : undefined);
      const parsed = parseData(q.data);
      let page: { incidentId: number } | undefined = receipt();
      if (!page && chat && parsed && allowed(chat)) {
        // The phone shows a page as soon as Telegram has it, which can be before sendMessage's answer
        // reaches Standby and its receipt is stored: wait for the sends under way, then look again.
        await ctx.sendsSettled();
        page = receipt();
        // A page whose answer never came (lost on the way, or the process died mid-send) has no receipt,
        // but the message may be on the phone, with the next attempt's copy beside it: a tap on it in
        // this chat answers the incident it names when Standby paged this chat for it without a receipt.
        // (Incident ids start again in a new database, so a tap on any other unknown message is refused.)
        if (!page && ctx.unconfirmedPage(parsed.incidentId, contactsOf(chat))) page = { incidentId: parsed.incidentId };
      }
      if (!chat || !page || !parsed || parsed.incidentId !== page.incidentId || !allowed(chat)) {
        cursor();
        ctx.log(`telegram: ignored a button tap from chat ${chat?.id ?? '?'} (not on a page Standby sent to one of your Telegram contact methods)`);
        await tell('answerCallbackQuery', { callback_query_id: q.id, text: 'Standby does not know this page.' }, signal);
        return;
      }
      const outcome = ctx.answer({ incidentId: page.incidentId, action: parsed.action, via: `Telegram (chat ${chat.id})` }, cursor);
      await tell('answerCallbackQuery', { callback_query_id: q.id, text: outcome.said.slice(0, 200) }, signal);
      return;
    }
    const msg = u.message;
    if (msg && allowed(msg.chat)) {
      const command = parseCommand(msg.text);
      const incident = command ? ctx.incidentByNumber(command.number) : undefined;
      if (!command || !incident) {
        cursor();
        if (msg.text?.startsWith('/') || command) await tell('sendMessage', { chat_id: msg.chat.id, text: command ? `No incident #${command.number}.` : 'Answer a page with its buttons, or send /ack 12, /resolve 12 or /snooze 12 2h.' }, signal);
        return;
      }
      const outcome = ctx.answer({ incidentId: incident.id, action: command.action, via: `Telegram (chat ${msg.chat.id})` }, cursor);
      await tell('sendMessage', { chat_id: msg.chat.id, text: outcome.ok ? `${outcome.said}: ${incident.title}` : `#${incident.number}: ${outcome.said}` }, signal);
      return;
    }
    if (msg) ctx.log(`telegram: ignored a message from chat ${msg.chat.id} (not one of your Telegram contact methods)`);
    cursor();
  };

  return {
    name: 'telegram',
    active: () => {
      const s = settings();
      return s !== undefined && telegramAnswersOn(s) && ctx.contacts().some((c) => c.type === 'telegram');
    },
    async poll(signal) {
      const offset = Number(ctx.receipts.cursor('telegram') ?? 0);
      const updates = await call<Update[]>('getUpdates', { ...(offset > 0 ? { offset } : {}), timeout: LONG_POLL_SECONDS, allowed_updates: ['message', 'callback_query'] }, signal, (LONG_POLL_SECONDS + 15) * 1000);
      let fresh = 0;
      for (const u of [...updates].sort((a, b) => a.update_id - b.update_id)) {
        // An update below the cursor was applied already (Telegram sends it again only if our offset never reached it).
        if (u.update_id + 1 <= offset) continue;
        await handle(u, signal);
        fresh++;
      }
      // A long poll that came back with nothing new waited its 50 s already; a second's pause keeps a server that answers at once from spinning.
      return fresh > 0 ? 0 : 1000;
    },
    async close(receipt: PageReceipt, incident: Incident, signal: AbortSignal) {
      const [chatId, messageId] = receipt.receipt.split(':');
      try {
        await call('editMessageText', { chat_id: chatId, message_id: Number(messageId), text: followUpText(incident, ctx.timeZone(), ctx.lastAnswer(incident.id)) }, signal);
      } catch (err) {
        // Telegram refuses an edit that changes nothing (another close got there first): the page says the state already.
        if (!/message is not modified/.test((err as Error).message)) throw err;
      }
    },
  };
}
