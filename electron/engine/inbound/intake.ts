/**
 * The inbound requests, free of HTTP details: each takes a raw body (and, for Alertmanager, the
 * presented key) and returns the status, JSON body and headers to answer. The order is fixed:
 * parse, recognise the key, spend a token of its rate limit, check the whole event, then apply it
 * through the group commit and answer only once it is committed. Nothing before the last step
 * writes anything, so bad input never changes stored data.
 */
import { ApiError } from '../../shared/errors.ts';
import { StorageError } from '../store/storage-error.ts';
import type { IntegrationType } from '../../shared/integration-schemas.ts';
import { applyNotification, readNotification } from './alertmanager.ts';
import { readChangeEvent } from './change-events.ts';
import { applyEvent, readEvent } from './events-v2.ts';
import type { Inbound } from './inbound.ts';
import type { IntegrationRow } from './integrations-repo.ts';
import { ROUTING_KEY_LENGTH } from './routing-key.ts';
import { isRecord, typeName } from './validate.ts';

/** InboundAnswer is what to send back. */
export interface InboundAnswer {
  status: 200 | 202 | 400 | 401 | 413 | 429 | 500 | 503;
  body: { status: string; message: string; errors?: string[]; dedup_key?: string; dedup_keys?: string[] };
  headers?: Record<string, string>;
  /** rejectedKey is a presented key that is no integration's (never sent): the HTTP layer counts it as a failed authentication. */
  rejectedKey?: string;
}

const invalid = (errors: string[]): InboundAnswer => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } });

/** unrecognized is PagerDuty's documented answer to a body that is not JSON. */
export const unrecognized = (detail: string): InboundAnswer => ({ status: 400, body: { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: [`JSON parse error: ${detail}`] } });

/** tooLarge answers a body over the size limit. */
export const tooLarge = (limit: number): InboundAnswer => ({
  status: 413,
  // The rest of the body is not read, so the connection cannot carry another request.
  headers: { Connection: 'close' },
  body: { status: 'invalid event', message: 'Event object is too large', errors: [`the request body must be at most ${limit} bytes (${limit / 1024} KB)`] },
});

/** parseBody reads a JSON object, or the answer to give instead. */
export function parseBody(text: string): { ok: true; body: Record<string, unknown> } | { ok: false; answer: InboundAnswer } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, answer: unrecognized((err as Error).message.slice(0, 200)) };
  }
  if (!isRecord(value)) return { ok: false, answer: unrecognized(`the body must be a JSON object, not ${typeName(value)}`) };
  return { ok: true, body: value };
}

/** routingKeyIntegration recognises the body's routing_key as an Events API v2 integration's, or says why not. */
function routingKeyIntegration(inbound: Inbound, body: Record<string, unknown>): { ok: true; integration: IntegrationRow } | { ok: false; answer: InboundAnswer } {
  const key = body.routing_key;
  if (key === undefined || key === null || key === '') return { ok: false, answer: invalid(["'routing_key' is missing or blank"]) };
  if (typeof key !== 'string') return { ok: false, answer: invalid([`'routing_key' must be a string, not ${typeName(key)}`]) };
  if (key.length !== ROUTING_KEY_LENGTH) return { ok: false, answer: { ...invalid([`Length of 'routing_key' is incorrect (should be ${ROUTING_KEY_LENGTH} characters)`]), rejectedKey: key } };
  const integration = inbound.authenticate(key);
  if (!integration) return { ok: false, answer: { ...invalid(["'routing_key' is not the key of any integration (check the service's integrations; a rotated key stops working at once)"]), rejectedKey: key } };
  if (integration.type !== 'events_v2') return { ok: false, answer: invalid([`'routing_key' belongs to an ${label(integration.type)} integration; use the key of an Events API v2 integration`]) };
  return { ok: true, integration };
}

function throttled(integration: IntegrationRow, retryAfterMs: number, status: 429 | 503): InboundAnswer {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    status,
    headers: { 'Retry-After': String(seconds) },
    body: { status: 'throttle event', message: 'Request Limit Exceeded', errors: [`events for this key are arriving faster than its limit of ${integration.rateLimitPerMinute} per minute; retry in ${seconds} s`] },
  };
}

/**
 * admit is what both Events API routes do before reading the event: parse the JSON body, find the
 * integration by its routing_key, and take one token from the key's rate limit.
 */
function admit(inbound: Inbound, text: string): { ok: true; body: Record<string, unknown>; integration: IntegrationRow } | { ok: false; answer: InboundAnswer } {
  const parsed = parseBody(text);
  if (!parsed.ok) return parsed;
  const found = routingKeyIntegration(inbound, parsed.body);
  if (!found.ok) return found;
  const integration = found.integration;
  const rate = inbound.limiter.take(integration.id, integration.rateLimitPerMinute);
  if (!rate.ok) return { ok: false, answer: throttled(integration, rate.retryAfterMs, 429) };
  return { ok: true, body: parsed.body, integration };
}

/** enqueueEvent is `POST /v2/enqueue`. */
export async function enqueueEvent(inbound: Inbound, text: string): Promise<InboundAnswer> {
  const admitted = admit(inbound, text);
  if (!admitted.ok) return admitted.answer;
  const { integration } = admitted;
  const read = readEvent(admitted.body);
  if (!read.ok) return invalid(read.errors);
  return committed(inbound, 'event', () => {
    const dedupKey = applyEvent(inbound.lifecycle, integration, read.event);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  });
}

/** enqueueChangeEvent is `POST /v2/change/enqueue`. */
export async function enqueueChangeEvent(inbound: Inbound, text: string): Promise<InboundAnswer> {
  const admitted = admit(inbound, text);
  if (!admitted.ok) return admitted.answer;
  const { integration } = admitted;
  const read = readChangeEvent(admitted.body);
  if (!read.ok) return invalid(read.errors);
  let recorded: ReturnType<Inbound['changeEvents']['record']> | undefined;
  const answer = await committed(inbound, 'change event', () => {
    recorded = inbound.changeEvents.record(integration, read.event, inbound.clock.now());
    return { status: 202, body: { status: 'success', message: 'Change event processed' } };
  });
  if (recorded && answer.status === 202) inbound.emit({ type: 'changeEvent.recorded', data: { changeEvent: recorded } });
  return answer;
}

/** alertmanagerWebhook is `POST /integrations/alertmanager[/<key>]`; key is from the path or the Bearer header. */
export async function alertmanagerWebhook(inbound: Inbound, key: string | undefined, text: string): Promise<InboundAnswer> {
  const integration = key === undefined ? undefined : inbound.authenticate(key);
  if (!integration || integration.type !== 'alertmanager') {
    const why = !integration
      ? 'missing or wrong integration key: send it as "Authorization: Bearer <key>" (http_config.authorization.credentials) or in the URL, /integrations/alertmanager/<key>'
      : `the key belongs to an ${label(integration.type)} integration; use the key of an Alertmanager integration`;
    // The body is left unread (see routes.ts), so the connection cannot carry another request.
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="standby"', Connection: 'close' }, body: { status: 'unauthorized', message: why }, ...(integration ? {} : { rejectedKey: key ?? '' }) };
  }
  // Alertmanager retries a webhook on 5xx but not on 4xx, so a throttled notification is answered 503 to be retried.
  const rate = inbound.limiter.take(integration.id, integration.rateLimitPerMinute);
  if (!rate.ok) return throttled(integration, rate.retryAfterMs, 503);
  const parsed = parseBody(text);
  if (!parsed.ok) return parsed.answer;
  const read = readNotification(parsed.body);
  if (!read.ok) return { status: 400, body: { status: 'invalid payload', message: 'Alertmanager notification is invalid', errors: read.errors } };
  return committed(inbound, 'Alertmanager notification', () => {
    const keys = applyNotification(inbound.lifecycle, integration, read.notification);
    return { status: 200, body: { status: 'success', message: 'Alertmanager notification processed', dedup_keys: keys } };
  });
}

/** committed runs op in the group commit and answers once it is on disk, or with a 5xx a client retries. */
async function committed(inbound: Inbound, what: string, op: () => InboundAnswer): Promise<InboundAnswer> {
  try {
    return await inbound.commits.run(op);
  } catch (err) {
    if (err instanceof ApiError && err.code !== 'internal') return invalid([err.message]);
    inbound.log(`storing an inbound ${what} failed: ${(err as Error).message}`);
    // A storage failure is named (a full disk is the sender's business too: it retries); anything else stays in the log.
    const why = err instanceof StorageError ? err.message : 'internal error; see the server log';
    return { status: 500, body: { status: 'error', message: `the ${what} was not stored (${why}); retry` } };
  }
}

function label(type: IntegrationType): string {
  return type === 'events_v2' ? 'Events API v2' : 'Alertmanager';
}
