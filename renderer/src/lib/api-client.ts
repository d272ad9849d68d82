/**
 * The renderer's client for the API contract (electron/shared/api.ts). In the Electron window it
 * talks through the preload bridge (`window.standby`); in a browser it uses the headless server's
 * HTTP transport (`POST /api/<method>`, server-sent events at `/api/events`). Callers never know
 * which one they have.
 */
import type { ApiErrorBody, ApiEvent, ApiEventName, ApiEvents, ApiInput, ApiMethod, ApiOutputs } from '../../../electron/shared/api.ts';
import type { StandbyBridge } from '../../../electron/shared/bridge.ts';
import { pairedBrowser, sessionToken } from './session.ts';

declare global {
  interface Window {
    /** standby is the preload bridge; it exists only in the Electron window. */
    standby?: StandbyBridge;
  }
}

/** ApiClientErrorCode is the contract's error code, or `network` when the engine could not be reached. */
export type ApiClientErrorCode = ApiErrorBody['error']['code'] | 'network';

/** ApiIssue is one field the engine rejected: its dotted path and the rule it broke. */
export interface ApiIssue {
  path: string;
  message: string;
}

/** ApiClientError is a failed call: the engine's code and message (safe to show) and, for bad input, the issues. */
export class ApiClientError extends Error {
  readonly code: ApiClientErrorCode;
  readonly issues: ApiIssue[];

  constructor(code: ApiClientErrorCode, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = 'ApiClientError';
    this.code = code;
    this.issues = issues;
  }
}

/** errorMessage is the text to show for anything a call threw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * isUnknownMethod says a call failed because the engine has no such method: a box running an earlier
 * Standby than the desktop app connected to it (electron/engine/engine.ts says "no API method named").
 */
export function isUnknownMethod(err: unknown): boolean {
  return err instanceof ApiClientError && err.code === 'not_found' && err.message.startsWith('no API method named');
}

/** UNAUTHORIZED_EVENT is dispatched on window when the HTTP transport's token is missing or rejected. */
export const UNAUTHORIZED_EVENT = 'standby:unauthorized';

/** hasBridge tells whether the page runs in the Electron window (IPC) rather than a browser (HTTP). */
export function hasBridge(): boolean {
  return typeof window !== 'undefined' && window.standby !== undefined;
}

function fromBody(body: unknown, status: number): ApiClientError {
  const e = (body as Partial<ApiErrorBody> | null)?.error;
  if (e && typeof e.message === 'string') return new ApiClientError(e.code ?? 'internal', e.message, e.issues ?? []);
  return new ApiClientError('internal', `the engine answered HTTP ${status} without an error body`);
}

/** authHeaders is the token this tab holds, or none for a browser paired with a code (its cookie goes by itself). */
function authHeaders(): Record<string, string> | undefined {
  const token = sessionToken();
  if (token) return { authorization: `Bearer ${token}` };
  return pairedBrowser() ? {} : undefined;
}

async function callHttp(method: ApiMethod, input: unknown): Promise<unknown> {
  const auth = authHeaders();
  if (!auth) {
    window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiClientError('unauthorized', 'no API token: open the URL printed by the server (or add #token= and the token from its token file)');
  }
  let res: Response;
  try {
    res = await fetch(`./api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(input ?? {}),
    });
  } catch (err) {
    throw new ApiClientError('network', `cannot reach Standby (${errorMessage(err)})`);
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // A non-JSON answer is reported below with its status.
  }
  if (res.ok) return body;
  if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  throw fromBody(body, res.status);
}

/** call runs one API method and returns its output, or throws an ApiClientError. */
export async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutputs[M]> {
  const bridge = window.standby;
  if (bridge) {
    const r = await bridge.invoke(method, input);
    if (!r.ok) throw new ApiClientError(r.error.code, r.error.message, r.error.issues ?? []);
    return r.value as ApiOutputs[M];
  }
  return (await callHttp(method, input)) as ApiOutputs[M];
}

/** ConnectionStatus is the state of the event stream: `live` once the engine said it is ready. */
export type ConnectionStatus = 'connecting' | 'live' | 'offline';

/** EventListener receives every engine event; `resync` says events may have been missed (after a reconnect). */
export interface EventSubscriber {
  event(e: ApiEvent): void;
  resync?(): void;
  status?(s: ConnectionStatus): void;
}

/** FORWARDED_EVENTS names every event of the contract, so adding one to ApiEvents fails to compile until it is listed here. */
const FORWARDED_EVENTS = {
  'incident.changed': true,
  'incident.timeline': true,
  'config.changed': true,
  'notification.desktop': true,
  'integrations.changed': true,
  'changeEvent.recorded': true,
  'delivery.budget': true,
  'monitor.changed': true,
  'monitor.checks': true,
  'monitor.deleted': true,
  'monitoring.changed': true,
  'health.changed': true,
  'inbound.changed': true,
  'devices.changed': true,
  'desktop.changed': true,
  'remote.changed': true,
  'setup.changed': true,
} satisfies Record<ApiEventName, true>;
const EVENT_NAMES = Object.keys(FORWARDED_EVENTS) as ApiEventName[];
/** RECONNECT_MAX_MS caps the wait between attempts to reopen a closed event stream. */
const RECONNECT_MAX_MS = 30_000;

const subscribers = new Set<EventSubscriber>();
let stopStream: (() => void) | undefined;
let currentStatus: ConnectionStatus = 'connecting';

function setStatus(s: ConnectionStatus): void {
  currentStatus = s;
  for (const sub of subscribers) sub.status?.(s);
}

function dispatch(e: ApiEvent): void {
  for (const sub of subscribers) sub.event(e);
}

function openBridgeStream(bridge: StandbyBridge): () => void {
  setStatus('live');
  return bridge.onEvent(dispatch);
}

function openHttpStream(): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let everReady = false;
  let stopped = false;

  const connect = (): void => {
    const token = sessionToken();
    if ((!token && !pairedBrowser()) || stopped) return;
    setStatus('connecting');
    // A paired browser's cookie goes with the stream by itself (same origin). checks=1: this window shows
    // monitors live, so it asks for every check result (`monitor.checks`).
    const es = new EventSource(token ? `./api/events?token=${encodeURIComponent(token)}&checks=1` : './api/events?checks=1');
    source = es;
    es.addEventListener('ready', () => {
      attempts = 0;
      setStatus('live');
      if (everReady) for (const sub of subscribers) sub.resync?.();
      everReady = true;
    });
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (m: MessageEvent<string>) => {
        try {
          dispatch({ type: name, data: JSON.parse(m.data) as ApiEvents[typeof name] } as ApiEvent);
        } catch {
          // An event that is not JSON is not from our engine; ignore it.
        }
      });
    }
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CONNECTING) {
        setStatus('connecting');
        return;
      }
      // The browser gave up: the server refused the stream (a token it no longer accepts answers 401,
      // which EventSource does not show) or is gone. One API call tells which: a 401 ends the session
      // at once (UNAUTHORIZED_EVENT), anything else reopens the stream with a growing delay.
      es.close();
      setStatus('offline');
      const delay = Math.min(1000 * 2 ** attempts, RECONNECT_MAX_MS);
      attempts++;
      void probeToken().then((ended) => {
        if (!ended && !stopped) timer = setTimeout(connect, delay);
      });
    });
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}

/** probeToken asks the server whether this tab's token still works; on a 401 it announces UNAUTHORIZED_EVENT and answers true (the session has ended). */
async function probeToken(): Promise<boolean> {
  const auth = authHeaders();
  if (!auth) return true;
  try {
    const res = await fetch('./api/system.server', { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{}' });
    if (res.status !== 401) return false;
  } catch {
    return false;
  }
  window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  return true;
}

/** subscribe receives engine events until the returned function is called; one stream serves every subscriber. */
export function subscribe(subscriber: EventSubscriber): () => void {
  subscribers.add(subscriber);
  if (!stopStream) {
    const bridge = window.standby;
    stopStream = bridge ? openBridgeStream(bridge) : openHttpStream();
  } else {
    subscriber.status?.(currentStatus);
  }
  return () => {
    subscribers.delete(subscriber);
    if (subscribers.size === 0 && stopStream) {
      stopStream();
      stopStream = undefined;
    }
  };
}
