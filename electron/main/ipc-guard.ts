/**
 * The IPC transport's checks, as plain functions (no `electron` import) so they run in Node tests:
 * who may call (our window's top frame, showing our page) and what (a string naming a contract
 * method). The input itself is validated by the engine against the method's schema; every outcome
 * comes back as a BridgeResult, errors as data.
 */
import { isApiMethod, type ApiErrorBody, type ApiMethod } from '../shared/api.ts';
import type { BridgeResult } from '../shared/bridge.ts';
import { ApiError } from '../shared/errors.ts';
import { isTrustedRendererUrl, type RendererLocation } from './renderer-policy.ts';

/** InvokeSender is what main knows about a call's origin, reduced to plain values. */
export interface InvokeSender {
  /** frameUrl is event.senderFrame.url, or undefined when the frame is gone (navigated or destroyed). */
  frameUrl: string | undefined;
  /** isMainFrame says the sending frame is its page's top frame, not an iframe. */
  isMainFrame: boolean;
  /** isMainWindow says the sending webContents is our main window's. */
  isMainWindow: boolean;
}

/** GuardVerdict is checkInvoke's answer: the method to run, or the error to return (and a line for the log). */
export type GuardVerdict = { ok: true; method: ApiMethod } | { ok: false; error: ApiErrorBody['error']; log: string };

/** INTERNAL_ERROR_MESSAGE is what the renderer sees for an unexpected failure; the details go to the log only. */
export const INTERNAL_ERROR_MESSAGE = 'Standby hit an unexpected error; the details are in its log.';

/** checkInvoke decides whether a call may reach the engine: a trusted sender and a string naming a contract method. */
export function checkInvoke(sender: InvokeSender, method: unknown, loc: RendererLocation): GuardVerdict {
  if (!sender.isMainWindow || !sender.isMainFrame || sender.frameUrl === undefined || !isTrustedRendererUrl(sender.frameUrl, loc)) {
    return {
      ok: false,
      error: { code: 'unauthorized', message: 'this page may not call Standby' },
      log: `refused an IPC call from ${describeSender(sender)}`,
    };
  }
  if (typeof method !== 'string') {
    return { ok: false, error: { code: 'invalid_input', message: 'method must be a string naming an API method' }, log: `refused an IPC call whose method is a ${typeof method}` };
  }
  if (!isApiMethod(method)) {
    const shown = JSON.stringify(method.slice(0, 100));
    return { ok: false, error: { code: 'not_found', message: `no API method named ${shown}` }, log: `refused an IPC call to the unknown method ${shown}` };
  }
  return { ok: true, method };
}

/** EngineCaller is the part of the Engine the IPC handler needs. */
export interface EngineCaller {
  call(method: string, input: unknown): Promise<unknown>;
}

/** handleInvoke checks a call, runs it on the engine and turns every outcome into a BridgeResult. */
export async function handleInvoke(
  engine: EngineCaller,
  sender: InvokeSender,
  method: unknown,
  input: unknown,
  loc: RendererLocation,
  log: (line: string) => void,
): Promise<BridgeResult> {
  const verdict = checkInvoke(sender, method, loc);
  if (!verdict.ok) {
    log(verdict.log);
    return { ok: false, error: verdict.error };
  }
  try {
    return { ok: true, value: await engine.call(verdict.method, input) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.toBody().error };
    log(`${verdict.method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { ok: false, error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } };
  }
}

function describeSender(s: InvokeSender): string {
  const where = s.frameUrl === undefined ? 'a frame that is gone' : JSON.stringify(s.frameUrl.slice(0, 200));
  const what = !s.isMainWindow ? 'another webContents' : !s.isMainFrame ? 'a subframe' : 'the main window';
  return `${what} at ${where}`;
}
