/**
 * The Pushover responder: an emergency page (priority 2) repeats on the phone until the person
 * acknowledges it in the Pushover app, and the send answered a receipt (channels/pushover.ts). This loop
 * polls each open receipt (https://pushover.net/api/receipts: GET /1/receipts/<receipt>.json?token=…,
 * no faster than once every 5 seconds per receipt): acknowledged there acknowledges the incident here,
 * with the receipt closed in the same transaction so a restart never applies it twice; expired there
 * closes the receipt and changes nothing. When the incident is acknowledged or resolved in Standby, the
 * receipt is cancelled (POST /1/receipts/<receipt>/cancel.json) so the phone stops repeating. Only
 * receipts Standby was given are polled, so no one else can answer.
 */
import got, { RequestError, TimeoutError } from 'got';
import { z } from 'zod';
import { PushoverSettings } from '../../shared/channel-schemas.ts';
import { DEFAULT_PUSHOVER_TOKEN_REF, PUSHOVER_API } from '../notify/channels/pushover.ts';
import { httpPost, redactUrl } from '../notify/http-client.ts';
import { originDestination } from '../notify/secret-destinations.ts';
import { joinUrl } from '../notify/settings.ts';
import type { AnswerTest } from './answer-tests.ts';
import type { ResponderContext } from './context.ts';
import type { PageReceipt } from './receipts.ts';
import type { Responder } from './responders.ts';

/** RECEIPT_POLL_MS is the least time between two polls of one receipt (https://pushover.net/api/receipts: "no faster than once every 5 seconds"). */
export const RECEIPT_POLL_MS = 5_000;
/** RECEIPT_KEPT_MS is how long Pushover answers for a receipt (https://pushover.net/api/receipts: "up to 1 week"); older ones are closed unpolled. */
export const RECEIPT_KEPT_MS = 7 * 24 * 3_600_000;
/** REQUEST_TIMEOUT_MS bounds one request to Pushover (real time). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** ReceiptStatus is the part of a receipt's status Standby reads (https://pushover.net/api/receipts). */
const ReceiptStatus = z.looseObject({
  status: z.literal(1),
  acknowledged: z.union([z.literal(0), z.literal(1)]),
  acknowledged_by: z.string().optional(),
  acknowledged_by_device: z.string().optional(),
  expired: z.union([z.literal(0), z.literal(1)]),
});
type ReceiptStatus = z.infer<typeof ReceiptStatus>;

/** pushoverResponder builds the loop that learns acknowledgements from Pushover's receipts. */
export function pushoverResponder(ctx: ResponderContext): Responder {
  /** api is Pushover's base URL and the destination its token was entered for, as the channel reads them. */
  const api = (): { base: string; tokenRef: string; destination: string } => {
    const s = PushoverSettings.safeParse(ctx.settings('pushover') ?? {});
    if (!s.success) throw new Error('channels.pushover is not valid: fix its settings');
    const base = s.data.baseUrl ?? PUSHOVER_API;
    return { base, tokenRef: s.data.tokenRef ?? DEFAULT_PUSHOVER_TOKEN_REF, destination: originDestination(base) };
  };

  /** token is the application token that sent a page: its contact method's own, or the channel's (as channels/pushover.ts chose it). */
  const token = async (sent: { contactMethodId: number | null }): Promise<{ base: string; token: string }> => {
    const a = api();
    const contact = ctx.contacts().find((c) => c.id === sent.contactMethodId);
    const ref = contact?.secretRef ?? a.tokenRef;
    const value = await ctx.secret(ref, a.destination);
    if (!value) throw new Error(`the Pushover application token "${ref}" is not in the keychain: enter it again`);
    return { base: a.base, token: value };
  };

  /** status polls one receipt: its status, or 'gone' when Pushover no longer knows it. */
  const status = async (sent: { contactMethodId: number | null; receipt: string }, signal: AbortSignal): Promise<ReceiptStatus | 'gone'> => {
    const t = await token(sent);
    const url = `${joinUrl(t.base, `1/receipts/${encodeURIComponent(sent.receipt)}.json`)}?token=${encodeURIComponent(t.token)}`;
    const answer = await getJson(url, t.token, signal);
    if (answer === 'gone') return 'gone';
    const s = ReceiptStatus.safeParse(answer);
    if (!s.success) throw new Error('Pushover answered a receipt status Standby does not understand');
    return s.data;
  };

  const who = (s: ReceiptStatus) => {
    const by = (s.acknowledged_by_device || s.acknowledged_by)?.slice(0, 64);
    return by ? `Pushover (${by})` : 'Pushover';
  };

  /** check polls one page's receipt and applies what it says. */
  const check = async (receipt: PageReceipt, signal: AbortSignal): Promise<void> => {
    const s = await status(receipt, signal);
    if (s === 'gone') {
      ctx.receipts.close(receipt.id, ctx.clock.now());
      ctx.log(`pushover: Pushover no longer knows the receipt of a page (incident id ${receipt.incidentId}): it is not polled any more`);
    } else if (s.acknowledged === 1) {
      ctx.answer({ incidentId: receipt.incidentId, action: { type: 'acknowledge' }, via: who(s) }, () => ctx.receipts.close(receipt.id, ctx.clock.now()));
    } else if (s.expired === 1) {
      ctx.receipts.close(receipt.id, ctx.clock.now());
      ctx.log(`pushover: an emergency page (incident id ${receipt.incidentId}) expired unacknowledged on the phone`);
    }
  };

  /** checkTest polls a test's receipt: acknowledged in the app is the test's answer. */
  const checkTest = async (test: AnswerTest, signal: AbortSignal): Promise<void> => {
    if (test.receipt === null) return;
    const s = await status({ contactMethodId: test.contactMethodId, receipt: test.receipt }, signal);
    if (s !== 'gone' && s.acknowledged === 1) ctx.answerTest(test, who(s));
  };

  /**
   * due tells whether a receipt may be polled now (Pushover's 5 s per receipt, kept in the database so a
   * quick restart does not poll early) and records the poll; `next` learns when the earliest is due.
   */
  const due = (polledAt: number | null, record: (at: number) => void, next: { at: number }): boolean => {
    const now = ctx.clock.now();
    if (polledAt !== null && now - polledAt < RECEIPT_POLL_MS) {
      next.at = Math.min(next.at, polledAt + RECEIPT_POLL_MS);
      return false;
    }
    record(now);
    next.at = Math.min(next.at, now + RECEIPT_POLL_MS);
    return true;
  };

  return {
    name: 'pushover',
    // Set up when a contact method pages by Pushover, or a page still waits for its answer (only a configured token sends one).
    active: () => ctx.receipts.pending('pushover', 1).length > 0 || ctx.contacts().some((c) => c.type === 'pushover'),
    async poll(signal) {
      const next = { at: Number.POSITIVE_INFINITY };
      let failure: Error | undefined;
      for (const receipt of ctx.receipts.pending('pushover')) {
        if (signal.aborted) break;
        if (ctx.clock.now() - receipt.createdAt > RECEIPT_KEPT_MS) {
          ctx.receipts.close(receipt.id, ctx.clock.now());
          continue;
        }
        if (!due(receipt.polledAt, (at) => ctx.receipts.polled(receipt.id, at), next)) continue;
        try {
          await check(receipt, signal);
        } catch (err) {
          failure ??= err as Error;
        }
      }
      for (const test of ctx.tests.waiting('pushover', ctx.clock.now())) {
        if (signal.aborted) break;
        if (!due(test.polledAt, (at) => ctx.tests.polled(test.id, at), next)) continue;
        try {
          await checkTest(test, signal);
        } catch (err) {
          failure ??= err as Error;
        }
      }
      if (failure) throw failure;
      // Nothing open: a quick look in the database every 5 s, so a new page is polled within 5 s of its send.
      return Number.isFinite(next.at) ? Math.max(RECEIPT_POLL_MS, next.at - ctx.clock.now()) : RECEIPT_POLL_MS;
    },
    async close(receipt, incident, signal) {
      const stored = ctx.receipts.byReceipt('pushover', receipt.receipt);
      if (stored && stored.closedAt !== null) return;
      const t = await token(receipt);
      const result = await httpPost(
        { vendor: 'Pushover', url: joinUrl(t.base, `1/receipts/${encodeURIComponent(receipt.receipt)}/cancel.json`), form: { token: t.token } },
        { signal, timeoutMs: REQUEST_TIMEOUT_MS },
      );
      if (result.ok) return;
      if (result.retryable) throw new Error(result.error);
      // A receipt Pushover refuses to cancel (unknown, expired) rings no more: the page is closed.
      ctx.log(`pushover: the emergency page of incident #${incident.number} was not cancelled: ${result.error}`);
    },
  };
}

/** getJson GETs a JSON answer; 'gone' when Pushover says the receipt is not found (HTTP 404), an error on any other failure. */
async function getJson(url: string, token: string, signal: AbortSignal): Promise<unknown> {
  const where = `Pushover (${redactUrl(url)})`;
  let res;
  try {
    res = await got.get(url, { headers: { 'user-agent': 'Standby (personal on-call)' }, signal, timeout: { request: REQUEST_TIMEOUT_MS }, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false });
  } catch (err) {
    // The cause is left out: got's errors carry the request's URL, token and all.
    // eslint-disable-next-line preserve-caught-error
    if (err instanceof TimeoutError) throw new Error(`${where} did not answer within ${REQUEST_TIMEOUT_MS} ms`);
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`${where} unreachable (${err instanceof RequestError ? err.code : (err as Error).name})`);
  }
  if (res.statusCode === 404) return 'gone';
  if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`${where} answered HTTP ${res.statusCode}${explain(res.body).split(token).join('[redacted]')}`);
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    throw new Error(`${where} answered something other than JSON`);
  }
}

/** explain is Pushover's own reason for an error answer (its "errors" list), never the request. */
function explain(body: string): string {
  try {
    const errors = (JSON.parse(body) as { errors?: unknown }).errors;
    return Array.isArray(errors) ? `: ${errors.map(String).join('; ').slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
