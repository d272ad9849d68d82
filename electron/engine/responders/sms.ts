/**
 * The SMS responder: the person answers a page SMS from their phone with "4" (acknowledge) or "6"
 * (resolve), PagerDuty's reply codes, which apply to the newest incident paged to that number before
 * the reply (not one paged since, which the person has not seen); or with
 * "ack 12" / "resolve 12", which name the incident. Twilio has no way to push a reply to Standby without
 * a public URL, so the responder reads Twilio's message list every 15 s
 * (https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources):
 * GET /2010-04-01/Accounts/{AccountSid}/Messages.json?To={from}&DateSent>={YYYY-MM-DD}&PageSize=50,
 * newest first, following next_page_uri. A list request sends no message (5,760 a day), but it counts
 * against the account's REST API concurrency (https://www.twilio.com/docs/api/errors/20429).
 *
 * DateSent filters by day only, so the cursor is the newest handled date_sent (to the second) and the
 * sids handled at that second; each message is handled oldest first, exactly once: the cursor is written
 * in the same transaction as the answer it caused. Only a number of one of the person's SMS or voice
 * contact methods may answer; anything else is logged (never its text) and gets no reply.
 */
import got from 'got';
import { SmsSettings, TwilioSettings, type ChannelSettingsOf } from '../../shared/channel-schemas.ts';
import type { ContactMethod } from '../../shared/schemas.ts';
import { httpPost, redactUrl, shorten } from '../notify/http-client.ts';
import { DEFAULT_TWILIO_TOKEN_REF, TWILIO_API, explainTwilio } from '../notify/twilio-account.ts';
import { twilioDestination } from '../notify/secret-destinations.ts';
import { joinUrl } from '../notify/settings.ts';
import { SMS_ANSWER_HINT } from '../notify/channels/twilio-sms.ts';
import { describe, followUpText, type AnswerAction } from './answers.ts';
import type { AnswerTest } from './answer-tests.ts';
import type { ResponderContext } from './context.ts';
import type { PageReceipt } from './receipts.ts';
import { IDLE_MS, type Responder } from './responders.ts';

/** SMS_POLL_MS is how often the message list is read: 15 s, 5,760 list requests a day (free: no message is sent). */
export const SMS_POLL_MS = 15_000;
/** SMS_PAGE_SIZE is the list's page size (Twilio allows up to 1000; 50 keeps an answer small). */
export const SMS_PAGE_SIZE = 50;
/** SMS_MAX_PAGES bounds one round: 20 pages of 50 messages to the Twilio number since the cursor's day. */
export const SMS_MAX_PAGES = 20;
/**
 * REPLY_LEEWAY_MS: a bare "4" answers pages stored up to this long after its date_sent, which is
 * Twilio's clock, cut to the second, while a page is stored by this computer's clock once Twilio has
 * answered its send.
 */
export const REPLY_LEEWAY_MS = 5000;
/** REQUEST_TIMEOUT_MS bounds each request to Twilio. */
const REQUEST_TIMEOUT_MS = 30_000;
/** OPT_OUT_WORDS are Twilio's own keywords, answered by Twilio (https://help.twilio.com/articles/223134027): Standby stays silent. */
const OPT_OUT_WORDS = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'start', 'yes', 'unstop', 'help', 'info']);
/** SMS_HELP is the reply to anything else from the person. */
export const SMS_HELP = `Standby: ${SMS_ANSWER_HINT} your newest page, or send "ack 12" / "resolve 12" for incident #12.`;

/** TwilioMessage is what the responder reads of one Message resource. */
interface TwilioMessage {
  sid: string;
  from: string;
  body: string;
  direction: string;
  at: number;
}

/** SmsCursor is where the responder stands: the newest handled date_sent (ms, to the second) and the sids handled at that second. */
interface SmsCursor {
  since: number;
  sids: string[];
}

/** SmsCommand is what a reply asks for. */
type SmsCommand = { kind: 'answer'; action: AnswerAction; number?: number } | { kind: 'silent' } | { kind: 'help' };

/** parseSmsReply reads a reply: "4", "6", "ack 12", "resolve #12" (any case); Twilio's keywords are left to Twilio. */
export function parseSmsReply(body: string): SmsCommand {
  const text = body.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === '4' || text === 'ack') return { kind: 'answer', action: { type: 'acknowledge' } };
  if (text === '6' || text === 'resolve') return { kind: 'answer', action: { type: 'resolve' } };
  const named = /^(ack|acknowledge|resolve) ?#?(\d{1,9})$/.exec(text);
  if (named) return { kind: 'answer', action: { type: named[1] === 'resolve' ? 'resolve' : 'acknowledge' }, number: Number(named[2]) };
  return OPT_OUT_WORDS.has(text) ? { kind: 'silent' } : { kind: 'help' };
}

/** readCursor reads the stored cursor; one that does not parse counts as none (a first start: old replies are not applied). */
function readCursor(stored: string | undefined): SmsCursor | undefined {
  try {
    const c = JSON.parse(stored ?? '') as Partial<SmsCursor>;
    return typeof c.since === 'number' && Array.isArray(c.sids) ? { since: c.since, sids: c.sids.map(String) } : undefined;
  } catch {
    return undefined;
  }
}

/** samePhone compares phone numbers as digits, ignoring spaces, dashes and brackets. */
function samePhone(a: string, b: string): boolean {
  const digits = (s: string) => s.replace(/[^\d+]/g, '');
  return digits(a) !== '' && digits(a) === digits(b);
}

interface Account {
  s: ChannelSettingsOf<'twilio'>;
  base: string;
  token: string;
}

/** smsResponder is the 'sms' responder over Twilio. */
export function smsResponder(ctx: ResponderContext): Responder {
  // Settings that cannot be read (the database closed under a loop, as a crash in a test does) mean "not set up": active() never throws.
  const settings = (): ChannelSettingsOf<'twilio'> | undefined => {
    try {
      const sms = SmsSettings.safeParse(ctx.settings('sms'));
      const twilio = TwilioSettings.safeParse(ctx.settings('twilio'));
      return sms.success && sms.data.provider === 'twilio' && twilio.success && twilio.data.answers !== false ? twilio.data : undefined;
    } catch {
      return undefined;
    }
  };

  const auth = (a: Account) => `Basic ${Buffer.from(`${a.s.accountSid}:${a.token}`).toString('base64')}`;
  const messagesUrl = (a: Account) => joinUrl(a.base, `2010-04-01/Accounts/${a.s.accountSid}/Messages.json`);

  /** getPage reads one page of the list; it throws a message without the token on any failure. */
  async function getPage(a: Account, url: string, signal: AbortSignal): Promise<{ messages: TwilioMessage[]; next: string | null }> {
    const res = await got.get(url, {
      headers: { authorization: auth(a), 'user-agent': 'Standby (personal on-call)', accept: 'application/json' },
      signal,
      timeout: { request: REQUEST_TIMEOUT_MS },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
    });
    const body = typeof res.body === 'string' ? res.body : '';
    if (res.statusCode < 200 || res.statusCode > 299) {
      const reason = explainTwilio(res.statusCode, body)?.split(a.token).join('[redacted]');
      throw new Error(`Twilio (${redactUrl(url)}) answered HTTP ${res.statusCode}${reason ? `: ${shorten(reason)}` : ''}`);
    }
    const parsed = JSON.parse(body) as { messages?: unknown; next_page_uri?: unknown };
    if (!Array.isArray(parsed.messages)) throw new Error(`Twilio (${redactUrl(url)}) answered without a message list`);
    const messages: TwilioMessage[] = [];
    for (const m of parsed.messages as Array<Record<string, unknown>>) {
      const at = Date.parse(String(m.date_sent ?? m.date_created ?? ''));
      if (typeof m.sid !== 'string' || Number.isNaN(at)) continue;
      messages.push({ sid: m.sid, from: String(m.from ?? ''), body: String(m.body ?? ''), direction: String(m.direction ?? ''), at });
    }
    return { messages, next: typeof parsed.next_page_uri === 'string' && parsed.next_page_uri !== '' ? parsed.next_page_uri : null };
  }

  /** list reads the inbound messages to the Twilio number sent since the cursor's day, newest first, until one older than the cursor. */
  async function list(a: Account, since: number, signal: AbortSignal): Promise<TwilioMessage[]> {
    const query = new URLSearchParams([
      ['To', a.s.from],
      ['DateSent>', new Date(since).toISOString().slice(0, 10)],
      ['PageSize', String(SMS_PAGE_SIZE)],
    ]);
    let url: string | null = `${messagesUrl(a)}?${query.toString()}`;
    const out: TwilioMessage[] = [];
    for (let page = 0; url && page < SMS_MAX_PAGES; page++) {
      const r = await getPage(a, url, signal);
      out.push(...r.messages);
      if (r.messages.some((m) => m.at < since)) break;
      // next_page_uri is a path on the same API (never another host: the token goes with it).
      url = r.next ? joinUrl(a.base, r.next) : null;
      if (url && page === SMS_MAX_PAGES - 1) ctx.log(`sms: more than ${SMS_MAX_PAGES * SMS_PAGE_SIZE} messages to ${a.s.from} since the last look; only the newest are read`);
    }
    return out.filter((m) => m.direction === 'inbound');
  }

  async function reply(a: Account, to: string, body: string, signal: AbortSignal): Promise<void> {
    const r = await httpPost(
      { vendor: 'Twilio', url: messagesUrl(a), form: { To: to, From: a.s.from, Body: body }, basicAuth: { user: a.s.accountSid, password: a.token }, explain: explainTwilio },
      { signal, timeoutMs: REQUEST_TIMEOUT_MS },
    );
    if (!r.ok) ctx.log(`sms: the reply to ${to} was not sent: ${r.error}`);
  }

  /**
   * newestPage is the page most recently sent by SMS to one of the person's numbers that match `from`,
   * by the time the reply was sent (`at`, Twilio's date_sent, to the second; see REPLY_LEEWAY_MS): a
   * page that went out between a "4" and the next read of the list (up to 15 s) is one the person had
   * not seen, and acknowledging it would stop its escalation.
   */
  function newestPage(people: ContactMethod[], at: number): PageReceipt | undefined {
    const pages = people.map((c) => ctx.receipts.newestTo('sms', c.address, at + REPLY_LEEWAY_MS)).filter((p) => p !== undefined);
    pages.sort((x, y) => y.createdAt - x.createdAt || y.id - x.id);
    return pages[0];
  }

  /** waitingTest is a test that asked this number for a "4" after the newest page, still waiting for it. */
  function waitingTest(people: ContactMethod[], page: PageReceipt | undefined, at: number): AnswerTest | undefined {
    const tests = people.map((c) => ctx.tests.newestTo('sms', c.address, at + REPLY_LEEWAY_MS)).filter((t): t is AnswerTest => t !== undefined && t.receipt !== null);
    tests.sort((x, y) => y.sentAt - x.sentAt || y.id - x.id);
    const t = tests[0];
    return t && ctx.tests.open(t, ctx.clock.now()) && t.sentAt >= (page?.createdAt ?? 0) ? t : undefined;
  }

  /** handle answers one message and moves the cursor past it (in the answer's transaction). */
  async function handle(a: Account, m: TwilioMessage, cursor: SmsCursor, signal: AbortSignal): Promise<SmsCursor> {
    const next: SmsCursor = m.at === cursor.since ? { since: m.at, sids: [...cursor.sids, m.sid] } : { since: m.at, sids: [m.sid] };
    const write = () => ctx.receipts.setCursor('sms', JSON.stringify(next), ctx.clock.now());
    const people = ctx.contacts().filter((c) => (c.type === 'sms' || c.type === 'voice') && samePhone(c.address, m.from));
    if (people.length === 0) {
      write();
      ctx.log(`sms: a message from ${m.from || 'an unknown sender'} (${m.sid}) was ignored: not one of your phone numbers`);
      return next;
    }
    const command = parseSmsReply(m.body);
    if (command.kind !== 'answer') {
      write();
      if (command.kind === 'help') await reply(a, m.from, SMS_HELP, signal);
      return next;
    }
    const page = command.number === undefined ? newestPage(people, m.at) : undefined;
    const test = command.number === undefined && command.action.type === 'acknowledge' ? waitingTest(people, page, m.at) : undefined;
    if (test) {
      ctx.answerTest(test, `SMS (${m.from})`, write);
      await reply(a, m.from, 'Standby: test answer received. Your SMS answers reach Standby.', signal);
      return next;
    }
    const incident = command.number !== undefined ? ctx.incidentByNumber(command.number) : undefined;
    const incidentId = command.number !== undefined ? incident?.id : page?.incidentId;
    if (incidentId === undefined) {
      write();
      await reply(a, m.from, command.number !== undefined ? `Standby: there is no incident #${command.number}.` : `Standby: no page was sent to this number to answer. ${SMS_HELP.slice('Standby: '.length)}`, signal);
      return next;
    }
    const outcome = ctx.answer({ incidentId, action: command.action, via: `SMS (${m.from})` }, write);
    await reply(a, m.from, outcome.ok ? `Standby: #${outcome.incident.number} ${shorten(outcome.incident.title, 80)} ${describe(command.action)}` : `Standby: ${incident ? `#${incident.number} ` : ''}not changed: ${shorten(outcome.said, 100)}`, signal);
    return next;
  }

  /** account reads the Twilio settings and auth token; undefined when answers are off or no token is stored. */
  async function account(): Promise<Account | undefined> {
    const s = settings();
    if (!s) return undefined;
    const base = s.baseUrl ?? TWILIO_API;
    const token = await ctx.secret(s.authTokenRef ?? DEFAULT_TWILIO_TOKEN_REF, twilioDestination(base, s.accountSid));
    return token ? { s, base, token } : undefined;
  }

  return {
    name: 'sms',
    // Whether the auth token is there is known only asynchronously: poll() waits IDLE_MS without it.
    active: () => settings() !== undefined,
    async poll(signal) {
      const a = await account();
      if (!a) return IDLE_MS;
      const stored = readCursor(ctx.receipts.cursor('sms'));
      if (stored === undefined) {
        // First start: what is in the list already is old; answers count from now on.
        const seen = await list(a, ctx.clock.now(), signal);
        const newest = Math.max(...seen.map((m) => m.at));
        const start: SmsCursor = seen.length > 0 ? { since: newest, sids: seen.filter((m) => m.at === newest).map((m) => m.sid) } : { since: Math.floor(ctx.clock.now() / 1000) * 1000, sids: [] };
        ctx.receipts.setCursor('sms', JSON.stringify(start), ctx.clock.now());
        return SMS_POLL_MS;
      }
      let cursor = stored;
      const fresh = (await list(a, cursor.since, signal)).filter((m) => m.at > cursor.since || (m.at === cursor.since && !cursor.sids.includes(m.sid)));
      // The list is newest first: reversed and stably sorted, it is oldest first even within one second.
      fresh.reverse().sort((x, y) => x.at - y.at);
      // A page whose send is under way has no receipt yet: a "4" read now may be its answer.
      if (fresh.length > 0) await ctx.sendsSettled();
      for (const m of fresh) {
        if (signal.aborted) break;
        cursor = await handle(a, m, cursor, signal);
      }
      return SMS_POLL_MS;
    },
    /**
     * close sends one short follow-up SMS when a paged incident was answered anywhere but by an SMS from
     * that number (which had its reply already): an SMS cannot be edited, and the person should know the
     * page is handled. One per incident and number: older pages to the same number close silently.
     */
    async close(receipt, incident, signal) {
      const newer = ctx.receipts.open(incident.id).some((r) => r.channel === 'sms' && r.address === receipt.address && r.id > receipt.id);
      const answer = ctx.lastAnswer(incident.id);
      const via = answer.via;
      const answeredHere = via !== null && /^SMS \(/.test(via) && samePhone(via.slice(5, -1), receipt.address);
      if (newer || answeredHere) return;
      const a = await account();
      if (!a) return; // answers are off, or Twilio is not set up any more: no follow-up
      const r = await httpPost(
        { vendor: 'Twilio', url: messagesUrl(a), form: { To: receipt.address, From: a.s.from, Body: `Standby: ${followUpText(incident, ctx.timeZone(), answer)}`.slice(0, 320) }, basicAuth: { user: a.s.accountSid, password: a.token }, explain: explainTwilio },
        { signal, timeoutMs: REQUEST_TIMEOUT_MS },
      );
      if (!r.ok && r.retryable) throw new Error(r.error);
      if (!r.ok) ctx.log(`sms: the follow-up to ${receipt.address} was not sent: ${r.error}`);
    },
  };
}
