/**
 * The Electron transport's shape: what the preload script exposes to the renderer as
 * `window.standby`, and the two IPC channel names. The renderer's API client uses this bridge when
 * it exists and HTTP otherwise.
 */
import type { ApiErrorBody, ApiEvent } from './api.ts';

/** IPC_INVOKE_CHANNEL carries every API call: `ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input)`. */
export const IPC_INVOKE_CHANNEL = 'standby:invoke';
/** IPC_EVENT_CHANNEL carries engine events from main to the window. */
export const IPC_EVENT_CHANNEL = 'standby:event';

/** BridgeResult is an API call's outcome as it crosses IPC (errors are data, not thrown, so their fields survive). */
export type BridgeResult = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody['error'] };

/** StandbyBridge is `window.standby` in the Electron window. */
export interface StandbyBridge {
  invoke(method: string, input: unknown): Promise<BridgeResult>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
}
