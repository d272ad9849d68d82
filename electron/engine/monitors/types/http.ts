/**
 * HTTP(S): "is my website returning 200, in under 500 ms, with this text on it?" One request with
 * got per check, on a fresh connection (so the DNS, TCP and TLS phases are measured every time),
 * never retried by got itself: retries are the judgement's job.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import got, { Options, RequestError, type PlainResponse, type Request } from 'got';
import { z } from 'zod';
import type { CheckPhases } from '../../../shared/monitor-schemas.ts';
import { defineMonitorType, errorText, isLoopbackHost, round, type CheckOutcome } from '../monitor-type.ts';

/** MAX_BODY_BYTES bounds the body read for keyword and JSON checks. */
export const MAX_BODY_BYTES = 1024 * 1024;

const statusSpec = z
  .string()
  // abort: a value that is not a code at all gets that one message, not also "a range must go from low to high".
  .regex(/^[1-5]\d\d(-[1-5]\d\d)?$/, { message: 'must be a status code such as "200" or a range such as "200-299"', abort: true })
  .refine((s) => {
    const [lo, hi = lo] = s.split('-').map(Number);
    return lo! <= hi!;
  }, 'a range must go from low to high, such as "200-299"');

// Headers that carry credentials would put a secret into the database and the configuration file.
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const jsonPath = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+|\[\d+\])*$/, 'must be a path such as "status" or "data.items[0].state"');

/** CREDENTIAL_PARAM matches query parameter names that carry credentials (token=, api_key=, sig=, password=, …). */
const CREDENTIAL_PARAM = /token|key|secret|pass|auth|sig|credential|session/i;

/** credentialQuery tells whether a URL's query names a credential. */
function credentialQuery(u: string): boolean {
  try {
    return [...new URL(u).searchParams.keys()].some((k) => CREDENTIAL_PARAM.test(k));
  } catch {
    return false;
  }
}

/** HttpConfig is an HTTP monitor's settings. */
export const HttpConfig = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not hold a user name or password (they would be stored in the database)')
      .refine((u) => !credentialQuery(u), 'must not carry a credential in its query (such as token=, key=, secret=, signature=): it would be stored in the database and exported'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    headers: z.record(z.string(), z.string().max(8192, 'must be at most 8192 characters')).default({}),
    body: z.string().max(100_000, 'must be at most 100000 characters').optional(),
    /** expectedStatus lists the status codes that count as up: "200", "200-299", "301". */
    expectedStatus: z.array(statusSpec).min(1, 'must list at least one status code or range').max(20).default(['200-299']),
    followRedirects: z.boolean().default(true),
    maxRedirects: z.number().int('must be a whole number').min(0, 'must be 0 to 20').max(20, 'must be 0 to 20').default(10),
    /** ignoreTlsErrors accepts an invalid or expired certificate (use a tls monitor to watch the certificate). */
    ignoreTlsErrors: z.boolean().default(false),
    keyword: z
      .strictObject({
        text: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
        mode: z.enum(['present', 'absent']).default('present'),
        caseSensitive: z.boolean().default(true),
      })
      .optional(),
    /** json checks a field of a JSON body: present, or equal to `equals`. */
    json: z.strictObject({ path: jsonPath, equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional() }).optional(),
    /** maxResponseMs: a response slower than this ("loads in under 500 ms") is `slowIs`. */
    maxResponseMs: z.number().int('must be whole milliseconds').min(1, 'must be 1 to 120000 ms').max(120_000, 'must be 1 to 120000 ms').optional(),
    slowIs: z.enum(['degraded', 'down']).default('degraded'),
  })
  .superRefine((c, ctx) => {
    for (const name of Object.keys(c.headers)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'must be an HTTP header name' });
      else if (SECRET_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'must not carry a credential: monitor settings are stored in the database and the configuration file, which never hold secrets' });
    }
    if (c.method === 'HEAD' && (c.keyword || c.json)) ctx.addIssue({ code: 'custom', path: ['method'], message: 'must not be HEAD when a keyword or json check reads the body' });
    if (c.body !== undefined && (c.method === 'GET' || c.method === 'HEAD')) ctx.addIssue({ code: 'custom', path: ['body'], message: `must be empty for a ${c.method} request` });
  });
export type HttpConfig = z.infer<typeof HttpConfig>;

// A fresh connection per check: keep-alive would hide the DNS, TCP and TLS phases after the first.
const agent = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };

/**
 * leanRequest is got's `request` option: Node's http(s).request with the options got built, minus the
 * dozens of TLS and DNS keys left undefined. Node's agent copies the options object three times per
 * request (addRequest, createSocket, the socket), so a small one is most of what a check allocates.
 */
function leanRequest(url: URL, options: RequestOptions, callback?: (res: IncomingMessage) => void): ClientRequest {
  const lean: Record<string, unknown> = {};
  for (const key in options) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) lean[key] = value;
  }
  return (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, lean, callback);
}

/**
 * requestDefaults are got options normalized once (got's Options validates and merges every key, the
 * largest part of a request's setup) and reused for each check; a check adds only its URL and abort
 * signal. Monitors whose settings differ only in their URL share one (most use the defaults), found
 * through `byConfig` once per monitor's parsed settings, which the runner keeps.
 */
const requestDefaults = new Map<string, Options>();
const byConfig = new WeakMap<HttpConfig, { timeoutMs: number; options: Options }>();

/**
 * gotStream is got called as it is defined, (url, options, defaults), with defaults that ask for its
 * stream (its overloads type the defaults only as (undefined, undefined, defaults)). The stream, not
 * the promise: the promise wraps every request in a second layer of events and reads the body through
 * an async iterator, and a check that looks only at the status needs no body kept at all.
 */
const gotStream = got as unknown as (url: string, options: { signal: AbortSignal }, defaults: Options) => Request;

function optionsFor(c: HttpConfig, timeoutMs: number): Options {
  const cached = byConfig.get(c);
  if (cached?.timeoutMs === timeoutMs) return cached.options;
  const key = JSON.stringify({ ...c, url: undefined, timeoutMs });
  let options = requestDefaults.get(key);
  if (!options) {
    // Settings edited many times leave old entries behind: bounded, and rebuilt on demand.
    if (requestDefaults.size >= 1000) requestDefaults.clear();
    options = new Options(undefined, {
      method: c.method,
      headers: { 'user-agent': 'Standby monitor', ...c.headers },
      ...(c.body !== undefined ? { body: c.body } : {}),
      throwHttpErrors: false,
      followRedirect: c.followRedirects,
      maxRedirects: c.maxRedirects,
      retry: { limit: 0 },
      timeout: { request: timeoutMs },
      https: { rejectUnauthorized: !c.ignoreTlsErrors },
      agent,
      request: leanRequest,
      cache: false,
    }, got.defaults.options);
    // Cloned into each request's options, so got answers with its stream (see gotStream).
    options.isStream = true;
    requestDefaults.set(key, options);
  }
  byConfig.set(c, { timeoutMs, options });
  return options;
}

/** Answer is what a check reads of a request: got's final response (after redirects), the body when the check reads it, and the request's moments. */
interface Answer {
  res: PlainResponse;
  body: string;
  times: RequestTimes | undefined;
}

/**
 * fetchOnce makes a check's request through got's stream and reads the answer to its end. The body is
 * kept only for a keyword or JSON check; past MAX_BODY_BYTES (as decoded) the request is destroyed
 * after `onTooLarge`. It rejects with got's error (a timeout, a refused connection, the signal's abort).
 */
function fetchOnce(c: HttpConfig, timeoutMs: number, signal: AbortSignal, onTooLarge: () => void): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const stream = gotStream(c.url, { signal }, optionsFor(c, timeoutMs));
    const keep = c.keyword !== undefined || c.json !== undefined;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let times: RequestTimes | undefined;
    let res: PlainResponse | undefined;
    // One 'request' per request made: after a redirect the times are the final request's, as got's are.
    stream.on('request', (req: ClientRequest) => void (times = timeRequest(req)));
    stream.once('response', (r: PlainResponse) => void (res = r));
    stream.on('data', (chunk: Buffer) => {
      if (bytes > MAX_BODY_BYTES) return;
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) {
        onTooLarge();
        stream.destroy(new Error(`the response body is larger than ${MAX_BODY_BYTES} bytes`));
      } else if (keep) chunks.push(chunk);
    });
    stream.once('end', () => resolve({ res: res!, body: keep ? Buffer.concat(chunks).toString() : '', times }));
    // on, not once: a second 'error' with no listener left would be thrown, and end the process.
    stream.on('error', reject);
    // A stream sends what is written to it: a method that may carry a body but has none is ended here.
    if (c.body === undefined && c.method !== 'GET' && c.method !== 'HEAD') stream.end();
  });
}

/** statusMatches tells whether a status code is in one of the expected codes or ranges. */
export function statusMatches(code: number, expected: string[]): boolean {
  return expected.some((s) => {
    const [lo, hi = lo] = s.split('-').map(Number);
    return code >= lo! && code <= hi!;
  });
}

/** readPath reads a dotted path with [n] indexes from parsed JSON; `found` is false when a step is missing. */
export function readPath(value: unknown, path: string): { found: boolean; value: unknown } {
  let cur = value;
  for (const step of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step;
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return { found: false, value: undefined };
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** RequestTimes are one request's moments, from performance.now(). */
interface RequestTimes {
  start: number;
  socket?: number;
  lookup?: number;
  connect?: number;
  secure?: number;
  upload?: number;
  response?: number;
  end?: number;
}

/**
 * timeRequest records a request's moments as got's timer does (same events), but with
 * performance.now(): got's timings come from Date.now(), in whole milliseconds, too coarse for
 * loopback and LAN services answering in under a millisecond. Plain listeners, not once-listeners
 * (each of those allocates a wrapper): each event fires once on a request, socket and response that
 * serve this one request (no keep-alive), and they are dropped with it.
 */
function timeRequest(req: ClientRequest): RequestTimes {
  const t: RequestTimes = { start: performance.now() };
  const onSocket = (socket: Socket) => {
    t.socket = performance.now();
    if (!socket.connecting) {
      t.lookup = t.connect = t.socket;
      return;
    }
    socket.prependListener('lookup', () => void (t.lookup ??= performance.now()));
    socket.on('connect', () => {
      t.connect = performance.now();
      t.lookup ??= t.socket;
    });
    if (req.protocol === 'https:') socket.on('secureConnect', () => void (t.secure = performance.now()));
  };
  if (req.socket) onSocket(req.socket);
  else req.prependListener('socket', onSocket);
  if (req.writableFinished) t.upload = performance.now();
  else req.prependListener('finish', () => void (t.upload = performance.now()));
  req.prependListener('response', (res) => {
    t.response = performance.now();
    res.prependListener('end', () => void (t.end = performance.now()));
  });
  return t;
}

/** phasesFrom turns the moments of a finished request into phases; undefined if it did not finish. */
function phasesFrom(t: RequestTimes | undefined): CheckPhases | undefined {
  if (!t || t.end === undefined || t.response === undefined) return undefined;
  const d = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : round(b - a));
  return { dns: d(t.socket, t.lookup), tcp: d(t.lookup, t.connect), tls: d(t.connect, t.secure), firstByte: d(t.upload, t.response), download: d(t.response, t.end), total: d(t.start, t.end) };
}

function phasesOf(p: { dns?: number | undefined; tcp?: number | undefined; tls?: number | undefined; firstByte?: number | undefined; download?: number | undefined; total?: number | undefined } | undefined): CheckPhases | undefined {
  if (!p) return undefined;
  const n = (v: number | undefined) => (v === undefined ? null : round(v));
  return { dns: n(p.dns), tcp: n(p.tcp), tls: n(p.tls), firstByte: n(p.firstByte), download: n(p.download), total: n(p.total) };
}

/** bodyVerdict runs the keyword and JSON checks on a body; it returns why the body fails, or null. */
function bodyVerdict(c: HttpConfig, body: string): string | null {
  if (c.keyword) {
    const hay = c.keyword.caseSensitive ? body : body.toLowerCase();
    const needle = c.keyword.caseSensitive ? c.keyword.text : c.keyword.text.toLowerCase();
    const found = hay.includes(needle);
    if (c.keyword.mode === 'present' && !found) return `keyword "${c.keyword.text}" not found in the response body`;
    if (c.keyword.mode === 'absent' && found) return `keyword "${c.keyword.text}" found in the response body, where it must be absent`;
  }
  if (c.json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return 'the response body is not JSON';
    }
    const r = readPath(parsed, c.json.path);
    if (!r.found) return `JSON field ${c.json.path} is missing`;
    if (c.json.equals !== undefined && r.value !== c.json.equals) return `JSON field ${c.json.path} is ${JSON.stringify(r.value)}, expected ${JSON.stringify(c.json.equals)}`;
  }
  return null;
}

/** httpMonitor checks a URL's status code, body and response time. */
export const httpMonitor = defineMonitorType({
  kind: 'http',
  label: 'HTTP(S)',
  description: 'Requests a URL and checks the status code, optionally a keyword or a JSON field in the body, and the response time.',
  schema: HttpConfig,
  confirmsFailures: true,
  startsEarly: true,
  needsNetwork: (c) => !isLoopbackHost(new URL(c.url).hostname),
  async check(c, ctx): Promise<CheckOutcome> {
    let tooLarge = false;
    try {
      const { res, body, times } = await fetchOnce(c, ctx.timeoutMs, ctx.signal, () => void (tooLarge = true));
      const phases = phasesFrom(times) ?? phasesOf(res.timings?.phases);
      const total = phases?.total ?? 0;
      const details = { url: c.url, method: c.method, statusCode: res.statusCode, ...(res.redirectUrls.length ? { finalUrl: res.url } : {}), phases };
      const base = { latencyMs: total, phases, details };
      if (!statusMatches(res.statusCode, c.expectedStatus)) {
        return { ...base, status: 'down', message: `HTTP ${res.statusCode} (expected ${c.expectedStatus.join(', ')}) in ${Math.round(total)} ms` };
      }
      const wrongBody = bodyVerdict(c, body);
      if (wrongBody) return { ...base, status: 'down', message: `HTTP ${res.statusCode}, but ${wrongBody}` };
      if (c.maxResponseMs !== undefined && total > c.maxResponseMs) {
        return { ...base, status: c.slowIs, message: `HTTP ${res.statusCode} in ${Math.round(total)} ms, over the ${c.maxResponseMs} ms limit` };
      }
      return { ...base, status: 'up', message: `HTTP ${res.statusCode} in ${Math.round(total)} ms` };
    } catch (err) {
      const timings = err instanceof RequestError ? err.timings : undefined;
      const phases = phasesOf(timings?.phases);
      let message: string;
      if (tooLarge) message = `the response body is larger than ${MAX_BODY_BYTES} bytes`;
      else if (ctx.signal.aborted || (err instanceof RequestError && err.code === 'ETIMEDOUT')) message = `no response within ${ctx.timeoutMs} ms`;
      else message = errorText(err);
      return { status: 'down', message, latencyMs: phases?.total ?? undefined, phases, details: { url: c.url, method: c.method, error: message } };
    }
  },
});
