/**
 * A loopback fake of the Telegram Bot API (https://core.telegram.org/bots/api) as far as Standby uses
 * it: sendMessage (answers the sent Message with its chat and message_id), getUpdates with its
 * documented semantics (an `offset` confirms every update below it, which is then never returned again;
 * with nothing new the request is held up to `timeout` seconds and answered as soon as an update
 * arrives), answerCallbackQuery and editMessageText. Every request is recorded; a wrong token is 401.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenLoopback } from '../../helpers/loopback-server.ts';

/** Call is one Bot API request as the fake saw it. */
export interface Call {
  method: string;
  body: Record<string, unknown>;
}

interface Held {
  res: ServerResponse;
  offset: number;
  timer: NodeJS.Timeout;
}

/** FakeTelegram serves one bot. */
export class FakeTelegram {
  readonly calls: Call[] = [];
  /** sent are the messages the bot sent, by message id. */
  readonly sent = new Map<number, { chatId: string; text: string; replyMarkup?: unknown }>();
  url = '';
  private readonly token: string;
  private readonly updates: Array<Record<string, unknown> & { update_id: number }> = [];
  private nextUpdateId = 500_000;
  private nextMessageId = 100;
  private confirmed = 0;
  private held: Held | undefined;
  private server: Server | undefined;
  private stopListening: () => Promise<void> = async () => undefined;

  constructor(token: string) {
    this.token = token;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    const listening = await listenLoopback(this.server);
    this.url = listening.url;
    this.stopListening = listening.close;
    return this;
  }

  async close(): Promise<void> {
    if (this.held) clearTimeout(this.held.timer);
    await this.stopListening();
  }

  /** calls of one method. */
  of(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** waitingPolls tells whether a getUpdates request is being held (the bot is listening). */
  get listening(): boolean {
    return this.held !== undefined;
  }

  /** tap is the person pressing a button under a message the bot sent. */
  tap(messageId: number, data: string, from: { chatId: string; userId?: number } = { chatId: this.sent.get(messageId)!.chatId }): void {
    this.push({ callback_query: { id: `cb${this.nextUpdateId}`, from: { id: from.userId ?? Number(from.chatId), is_bot: false, first_name: 'Ada' }, chat_instance: '1', data, message: { message_id: messageId, date: 1, chat: { id: Number(from.chatId), type: 'private' }, text: this.sent.get(messageId)?.text ?? '' } } });
  }

  /** say is the person sending a text to the bot. */
  say(chatId: string, text: string): void {
    this.push({ message: { message_id: this.nextMessageId++, date: 1, chat: { id: Number(chatId), type: 'private' }, from: { id: Number(chatId), is_bot: false, first_name: 'Ada' }, text } });
  }

  private push(u: Record<string, unknown>): void {
    this.updates.push({ update_id: this.nextUpdateId++, ...u });
    if (this.held) {
      const h = this.held;
      this.held = undefined;
      clearTimeout(h.timer);
      this.answerUpdates(h.res, h.offset);
    }
  }

  /**
   * holdSends keeps each sendMessage answer back (the message is in `sent` at once, as on the phone)
   * until releaseSends: a tap can then arrive before Standby has heard that its send worked.
   */
  holdSends = false;
  private readonly heldSends: Array<() => void> = [];

  /**
   * loseAnswers is how many of the next sendMessage answers are lost on the way back: the message is in
   * `sent` (on the phone) and the connection is cut before Telegram's answer, as when a network drops it.
   */
  loseAnswers = 0;

  /** releaseSends sends the sendMessage answers held back. */
  releaseSends(): void {
    for (const answer of this.heldSends.splice(0)) answer();
  }

  /** replayConfirmed makes the fake answer confirmed updates again (as if a confirmation never reached Telegram). */
  replayConfirmed = false;

  private pending(offset: number): Array<{ update_id: number }> {
    if (this.replayConfirmed) return this.updates.slice(0, 100);
    return this.updates.filter((u) => u.update_id >= offset && u.update_id >= this.confirmed).slice(0, 100);
  }

  private answerUpdates(res: ServerResponse, offset: number): void {
    ok(res, this.pending(offset));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (decodeURIComponent(m[1]!) !== this.token) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const body = (chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}) as Record<string, unknown>;
    const method = m[2]!;
    this.calls.push({ method, body });
    switch (method) {
      case 'sendMessage': {
        const id = this.nextMessageId++;
        this.sent.set(id, { chatId: String(body.chat_id), text: String(body.text), replyMarkup: body.reply_markup });
        const answer = () => ok(res, { message_id: id, date: 1, chat: { id: Number(body.chat_id), type: 'private' }, text: body.text });
        if (this.loseAnswers > 0) {
          this.loseAnswers--;
          res.destroy();
        } else if (this.holdSends) this.heldSends.push(answer);
        else answer();
        return;
      }
      case 'getUpdates': {
        const offset = typeof body.offset === 'number' ? body.offset : 0;
        // "An update is considered confirmed as soon as getUpdates is called with an offset higher than its update_id."
        if (offset > this.confirmed) this.confirmed = offset;
        if (this.pending(offset).length > 0 || !body.timeout) return this.answerUpdates(res, offset);
        if (this.held) ok(this.held.res, []);
        const timer = setTimeout(() => {
          if (this.held?.res === res) this.held = undefined;
          ok(res, []);
        }, Number(body.timeout) * 1000);
        this.held = { res, offset, timer };
        res.on('close', () => {
          if (this.held?.res === res) {
            clearTimeout(timer);
            this.held = undefined;
          }
        });
        return;
      }
      case 'answerCallbackQuery':
        return ok(res, true);
      case 'editMessageText': {
        const msg = this.sent.get(Number(body.message_id));
        if (!msg) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
        if (msg.text === body.text && body.reply_markup === undefined && msg.replyMarkup === undefined) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message is not modified' });
        this.sent.set(Number(body.message_id), { chatId: msg.chatId, text: String(body.text), replyMarkup: body.reply_markup });
        return ok(res, { message_id: Number(body.message_id), chat: { id: Number(msg.chatId) }, text: body.text });
      }
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }
}

function ok(res: ServerResponse, result: unknown): void {
  reply(res, 200, { ok: true, result });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
