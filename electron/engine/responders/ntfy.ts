/**
 * The ntfy responder: answers from ntfy's Acknowledge and Resolve buttons. With `channels.ntfy.answers`
 * on, each page's buttons publish a signed single-use ack link token (notify/ack-links.ts) to this
 * installation's reply topic (`standby-` and 32 random hex characters, made once and kept in
 * responder_state) on the configured server. This loop reads that topic's JSON stream
 * (https://docs.ntfy.sh/subscribe/api/#json-message-format), resuming with `since=<last message id>`
 * (https://docs.ntfy.sh/subscribe/api/#fetch-cached-messages) so nothing published while Standby was
 * away or the stream was down is missed. A token is checked and consumed exactly as the /ack route does
 * (signature, generation, expiry, single use), and the answer and the cursor are written in one
 * transaction; a forged, used, expired or revoked token changes nothing but the cursor, and is logged.
 * The reply topic is not the authority (anyone who knows it may publish): the signed token is.
 */
import { randomBytes } from 'node:crypto';
import { NtfySettings } from '../../shared/channel-schemas.ts';
import { ApiError } from '../../shared/errors.ts';
import type { TimerHandle } from '../clock.ts';
import type { AckCheck } from '../notify/ack-links.ts';
import { NTFY_MESSAGE_MAX, NTFY_SERVER, NTFY_TOPIC_KEY, ntfyTarget } from '../notify/channels/ntfy.ts';
import { httpPost, jsonField, redactUrl, shorten } from '../notify/http-client.ts';
import { credentialFreeUrl, urlDestination } from '../notify/secret-destinations.ts';
import { joinUrl, truncate } from '../notify/settings.ts';
import type { Incident } from '../../shared/schemas.ts';
import { followUpText } from './answers.ts';
import type { ResponderContext } from './context.ts';
import type { PageReceipt } from './receipts.ts';
import type { Responder } from './responders.ts';

/** NTFY_CURSOR is the responder's cursor: the id of the last message it read (or, at first, a unix time). */
export const NTFY_CURSOR = 'ntfy';
/**
 * NTFY_SILENCE_MS is how long a stream may say nothing before it is taken for dead and opened again:
 * three of ntfy's default 45 s keepalives (`keepalive-interval`, https://docs.ntfy.sh/config/#config-options).
 */
export const NTFY_SILENCE_MS = 3 * 45_000;

/** NtfyEvent is one line of the JSON stream. */
interface NtfyEvent {
  id?: unknown;
  event?: unknown;
  message?: unknown;
}

/** newReplyTopic is a reply topic nobody can guess: 128 random bits. */
export function newReplyTopic(): string {
  return `standby-${randomBytes(16).toString('hex')}`;
}

/** ntfyResponder reads the answers the ntfy buttons publish to the reply topic. */
export function ntfyResponder(ctx: ResponderContext): Responder {
  const config = () => {
    const r = NtfySettings.safeParse(ctx.settings('ntfy'));
    return r.success && r.data.answers ? r.data : undefined;
  };

  /** replyTopic reads the reply topic, making it (and a cursor at the time it was made) the first time. */
  const replyTopic = (): string => {
    const known = ctx.receipts.cursor(NTFY_TOPIC_KEY);
    if (known) return known;
    const topic = newReplyTopic();
    const now = ctx.clock.now();
    ctx.receipts.setCursor(NTFY_TOPIC_KEY, topic, now);
    if (!ctx.receipts.cursor(NTFY_CURSOR)) ctx.receipts.setCursor(NTFY_CURSOR, String(Math.floor(now / 1000)), now);
    return topic;
  };

  /** apply checks one message's token and applies its answer, with the cursor, once. */
  const apply = async (id: string, body: string, via: string): Promise<void> => {
    const now = ctx.clock.now();
    const advance = () => ctx.receipts.setCursor(NTFY_CURSOR, id, now);
    const testToken = /^test:([0-9a-f]{16})$/.exec(body.trim())?.[1];
    if (testToken !== undefined) {
      // The test round trip: the token is the authority (64 random bits, sent only in the test), within its 10 minutes.
      const test = ctx.tests.byToken('ntfy', testToken);
      if (test && ctx.tests.open(test, now)) ctx.answerTest(test, via, advance);
      else {
        advance();
        ctx.log('ntfy: a test answer on the reply topic changed nothing (no test is waiting for it)');
      }
      return;
    }
    // A keychain that fails throws here: the cursor stays, and the message is read again after the backoff.
    const check: AckCheck = await ctx.ackLinks.check(body.trim());
    if (!check.ok) {
      ctx.log(`ntfy: a message on the reply topic changed nothing (${check.reason}): ${check.message}`);
      advance();
      return;
    }
    try {
      ctx.answer({ incidentId: check.incidentId, action: { type: check.action }, via }, () => {
        advance();
        if (!ctx.ackLinks.stillValid(check)) throw new ApiError('conflict', 'the link was revoked while it was being used');
        if (!ctx.ackLinks.markUsed(check.nonce, check.incidentId, check.action, now)) throw new ApiError('conflict', 'the link was already used; a link works once');
      });
    } catch (err) {
      // Refused inside the transaction, which rolled back with the cursor: only the cursor moves on.
      if (!(err instanceof ApiError) || err.code !== 'conflict') throw err;
      ctx.log(`ntfy: an answer to incident ${check.incidentId} changed nothing: ${err.message}`);
      ctx.receipts.setCursor(NTFY_CURSOR, id, now);
    }
  };

  /**
   * followUp publishes one short message to the paged topic once the incident is answered anywhere but
   * from this ntfy notification (whose button cleared it): ntfy cannot edit a sent notification, and the
   * person should know the page is handled. One per incident and topic; low priority, so it does not ring.
   */
  const followUp = async (receipt: PageReceipt, incident: Incident, signal: AbortSignal): Promise<void> => {
    const s = NtfySettings.safeParse(ctx.settings('ntfy') ?? {});
    if (!s.success) return;
    const newer = ctx.receipts.open(incident.id).some((r) => r.channel === 'ntfy' && r.address === receipt.address && r.id > receipt.id);
    const answer = ctx.lastAnswer(incident.id);
    if (newer || (answer.via !== null && answer.via.startsWith('ntfy'))) return;
    const { server, topic } = ntfyTarget(receipt.address, s.data.server ?? NTFY_SERVER);
    const headers: Record<string, string> = {};
    const ref = ctx.contacts().find((c) => c.id === receipt.contactMethodId)?.secretRef ?? s.data.tokenRef;
    if (ref) {
      const token = await ctx.secret(ref, urlDestination(server));
      if (!token) throw new Error(`the ntfy access token "${ref}" is not in the keychain`);
      headers.authorization = `Bearer ${token}`;
    }
    const text = followUpText(incident, ctx.timeZone(), answer);
    // Priority 2 (low): no sound; a tag that ntfy shows as a check mark (https://docs.ntfy.sh/publish/#tags-emojis).
    const body = { topic, title: truncate(`#${incident.number} ${incident.status === 'resolved' ? 'resolved' : 'acknowledged'}: ${incident.title}`, 250), message: truncate(text, NTFY_MESSAGE_MAX), priority: 2, tags: ['white_check_mark', 'standby'] };
    const r = await httpPost({ vendor: 'ntfy', url: joinUrl(server, ''), json: body, headers, explain: (_s, b) => jsonField(b, 'error') }, { signal, timeoutMs: 30_000 });
    if (!r.ok && r.retryable) throw new Error(r.error);
    if (!r.ok) ctx.log(`ntfy: the follow-up to ${credentialFreeUrl(joinUrl(server, topic))} was not sent: ${r.error}`);
  };

  return {
    name: 'ntfy',
    close: followUp,
    active: () => {
      try {
        return config() !== undefined && ctx.ackLinks.config() !== undefined;
      } catch {
        return false; // the database cannot be read (closed under a crash): the loop waits and asks again
      }
    },
    async poll(signal) {
      const cfg = config();
      if (!cfg) return 0;
      const server = cfg.server ?? NTFY_SERVER;
      const topic = replyTopic();
      const headers: Record<string, string> = {};
      if (cfg.tokenRef) {
        const token = await ctx.secret(cfg.tokenRef, urlDestination(server));
        if (!token) throw new Error(`the ntfy access token "${cfg.tokenRef}" is not in the keychain`);
        headers.authorization = `Bearer ${token}`;
      }
      const since = ctx.receipts.cursor(NTFY_CURSOR) ?? 'all';
      const url = `${joinUrl(server, `${encodeURIComponent(topic)}/json`)}?since=${encodeURIComponent(since)}`;
      const via = `ntfy (${credentialFreeUrl(server)})`;
      const controller = new AbortController();
      const stop = () => controller.abort();
      signal.addEventListener('abort', stop, { once: true });
      let silent = false;
      let watchdog: TimerHandle | undefined;
      const listen = () => {
        if (watchdog !== undefined) ctx.clock.clearTimer(watchdog);
        watchdog = ctx.clock.setTimer(() => {
          silent = true;
          controller.abort();
        }, NTFY_SILENCE_MS);
      };
      let opened = false;
      try {
        listen();
        const res = await fetch(url, { headers, signal: controller.signal, redirect: 'error' });
        if (!res.ok) {
          const text = await res.text().catch(() => '');
          throw new Error(`ntfy answered ${res.status}${text ? ` (${shorten(text, 120)})` : ''}`);
        }
        if (!res.body) throw new Error('ntfy answered without a stream');
        let buffered = '';
        for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
          listen();
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (!line) continue;
            let e: NtfyEvent;
            try {
              e = JSON.parse(line) as NtfyEvent;
            } catch {
              throw new Error('ntfy sent a line that is not JSON');
            }
            if (e.event === 'open') opened = true;
            if (e.event !== 'message' || typeof e.id !== 'string') continue;
            await apply(e.id, typeof e.message === 'string' ? e.message : '', via);
          }
        }
        // A clean end (the server restarted, a proxy cut a long request): open it again at once, unless it never opened.
        if (!opened) throw new Error('ntfy ended the stream before it opened');
        return 0;
      } catch (err) {
        if (signal.aborted) return 0;
        const why = silent ? `no keepalive for ${NTFY_SILENCE_MS / 1000} s` : (err as Error).message;
        throw new Error(`reading the reply topic ${redactUrl(url)} failed: ${why}`, { cause: err });
      } finally {
        if (watchdog !== undefined) ctx.clock.clearTimer(watchdog);
        signal.removeEventListener('abort', stop);
      }
    },
  };
}
