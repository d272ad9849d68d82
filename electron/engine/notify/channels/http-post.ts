/** postJson sends a JSON body with got and classifies the outcome the way every channel must. */
import got, { RequestError } from 'got';
import type { DeliveryResult } from '../channel.ts';

/** redactUrl keeps a URL's scheme, host and path shape but drops credentials, query and long path segments (tokens hide there). */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const path = u.pathname
      .split('/')
      .map((s) => (s.length > 16 ? `${s.slice(0, 4)}…` : s))
      .join('/');
    return `${u.protocol}//${u.host}${path}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** postJson POSTs body as JSON to url within timeoutMs: 2xx is success, 408/429/5xx and network errors are retryable, other 4xx permanent. */
export async function postJson(url: string, body: unknown, signal: AbortSignal, timeoutMs = 10_000, headers: Record<string, string> = {}): Promise<DeliveryResult> {
  const where = redactUrl(url);
  try {
    const res = await got.post(url, { json: body, headers, signal, timeout: { request: timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false });
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, detail: `HTTP ${res.statusCode}` };
    const retryable = res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500;
    return { ok: false, retryable, error: `${where} answered HTTP ${res.statusCode}` };
  } catch (err) {
    const code = err instanceof RequestError ? err.code : (err as Error).name;
    return { ok: false, retryable: true, error: `${where} unreachable (${code})` };
  }
}
