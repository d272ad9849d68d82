/**
 * The HTTP client every HTTP channel uses: one request with got, no redirects and no retries of its
 * own (retry lives in the delivery stage), classified the way every channel must answer: 2xx is
 * delivered; 408, 429, 5xx, timeouts and network errors are retryable; other 4xx are permanent.
 * Errors name the vendor and a redacted URL, never a token.
 */
import got, { RequestError, TimeoutError } from 'got';
import type { ChannelContext, DeliveryResult } from './channel.ts';

/**
 * redactUrl keeps a URL's scheme, host and path shape but drops credentials, query and long path
 * segments whole (tokens hide there: not even their first characters are kept).
 */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const path = u.pathname
      .split('/')
      .map((s) => (s.length > 16 ? '…' : s))
      .join('/');
    return `${u.protocol}//${u.host}${path}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** HttpRequest is one POST a channel makes. */
export interface HttpRequest {
  /** vendor names the service in messages ("Twilio", "Slack"). */
  vendor: string;
  url: string;
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  /** basicAuth is sent as HTTP Basic authentication. */
  basicAuth?: { user: string; password: string };
  /** explain turns an error answer's body into a short reason (the vendor's own message), if it can. */
  explain?: (status: number, body: string) => string | undefined;
  /** accept decides whether a 2xx answer really is a success (Telegram answers 200 with ok:false in old gateways). */
  accept?: (status: number, body: string) => string | undefined;
  /** receipt reads what a two-way channel needs to match the person's answer to this page (a message id, a receipt) from a 2xx body. */
  receipt?: (body: string) => string | undefined;
}

/** NOT_SENT_CODES are network errors that happen before a request reaches the vendor. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** retryAfterMs reads a Retry-After header (seconds or an HTTP date), as RFC 9110 section 10.2.3 defines it. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** shorten keeps a vendor's message readable in a timeline entry. */
export function shorten(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** httpPost sends one request within ctx.timeoutMs and classifies the outcome. */
export async function httpPost(req: HttpRequest, ctx: Pick<ChannelContext, 'signal' | 'timeoutMs'>): Promise<DeliveryResult> {
  const where = `${req.vendor} (${redactUrl(req.url)})`;
  const headers: Record<string, string> = { 'user-agent': 'Standby (personal on-call)', ...req.headers };
  if (req.basicAuth) headers.authorization = `Basic ${Buffer.from(`${req.basicAuth.user}:${req.basicAuth.password}`).toString('base64')}`;
  try {
    const res = await got.post(req.url, {
      ...(req.json !== undefined ? { json: req.json } : req.form ? { form: req.form } : { body: req.body ?? '' }),
      headers,
      signal: ctx.signal,
      timeout: { request: ctx.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
    });
    const body = typeof res.body === 'string' ? res.body : '';
    if (res.statusCode >= 200 && res.statusCode < 300) {
      const refused = req.accept?.(res.statusCode, body);
      if (refused === undefined) {
        const receipt = safeReceipt(req, body);
        return { ok: true, detail: `HTTP ${res.statusCode}`, ...(receipt ? { receipt } : {}) };
      }
      return { ok: false, retryable: false, status: res.statusCode, error: `${where} refused the message: ${refused}` };
    }
    const retryable = res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500;
    const reason = hideCredentials(safeExplain(req, res.statusCode, body), headers.authorization);
    const wait = retryAfterMs(res.headers['retry-after'] as string | undefined);
    return {
      ok: false,
      retryable,
      status: res.statusCode,
      error: `${where} answered HTTP ${res.statusCode}${reason ? `: ${reason}` : ''}`,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    };
  } catch (err) {
    if (err instanceof TimeoutError || (err instanceof RequestError && err.code === 'ETIMEDOUT')) {
      return { ok: false, retryable: true, maybeDelivered: true, error: `${where} did not answer within ${ctx.timeoutMs} ms` };
    }
    if (ctx.signal.aborted) return { ok: false, retryable: true, maybeDelivered: true, error: `${where}: the attempt was cancelled` };
    const code = err instanceof RequestError ? err.code : (err as Error).name;
    return { ok: false, retryable: true, maybeDelivered: !NOT_SENT_CODES.has(code), error: `${where} unreachable (${code})` };
  }
}

/** hideCredentials removes the Authorization header's value (and its token alone) from a vendor's message that echoes it. */
function hideCredentials(text: string | undefined, authorization: string | undefined): string | undefined {
  if (!text || !authorization) return text;
  let out = text;
  for (const v of [authorization, authorization.split(' ').slice(1).join(' ')]) if (v.length >= 8) out = out.split(v).join('[redacted]');
  return out;
}

function safeReceipt(req: HttpRequest, body: string): string | undefined {
  try {
    return req.receipt?.(body);
  } catch {
    return undefined;
  }
}

function safeExplain(req: HttpRequest, status: number, body: string): string | undefined {
  try {
    const e = req.explain?.(status, body);
    return e ? shorten(e) : undefined;
  } catch {
    return undefined;
  }
}

/** jsonField reads a string field from a JSON body, for vendors' error messages. */
export function jsonField(body: string, ...path: string[]): string | undefined {
  try {
    let v: unknown = JSON.parse(body);
    for (const p of path) v = (v as Record<string, unknown> | null)?.[p];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  } catch {
    return undefined;
  }
}
