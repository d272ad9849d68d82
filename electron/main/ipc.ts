/**
 * The IPC transport of the API contract: one `invoke` channel into the engine, checked by
 * ipc-guard.ts, and the engine's events pushed to the window on the event channel.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { ApiEvent, ApiEvents } from '../shared/api.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeResult } from '../shared/bridge.ts';
import { handleInvoke, type EngineCaller, type InvokeSender } from './ipc-guard.ts';
import type { RendererLocation } from './renderer-policy.ts';
import type { MainWindow } from './window.ts';

function senderOf(event: IpcMainInvokeEvent, window: MainWindow, isOtherWindow: (contents: WebContents) => boolean): InvokeSender {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url,
    isMainFrame: frame !== null && frame.parent === null,
    isMainWindow: (window.webContents !== undefined && event.sender === window.webContents) || isOtherWindow(event.sender),
  };
}

/** IpcBackend is what answers the window: the local engine, or the box in remote mode (with `remote.*` answered by the app). */
export interface IpcBackend extends EngineCaller {
  on(listener: (e: ApiEvent) => void): () => void;
  /** watchChecks follows every check result (a local engine; the box's come with its events). */
  watchChecks?(listener: (data: ApiEvents['monitor.checks']) => void): () => void;
}

/**
 * serveIpc answers the invoke channel and forwards engine events to the window; it returns the
 * function that stops both. `isOtherWindow` admits Standby's other windows (the alert windows) as
 * callers; they get no events (the shell closes them when their incident is answered).
 */
export function serveIpc(engine: IpcBackend, window: MainWindow, loc: RendererLocation, log: (line: string) => void, isOtherWindow: (contents: WebContents) => boolean = () => false): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, method: unknown, input: unknown): Promise<BridgeResult> =>
    handleInvoke(engine, senderOf(event, window, isOtherWindow), method, input, loc, log),
  );
  const send = (e: ApiEvent): void => {
    const contents = window.webContents;
    if (contents && !contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, e);
  };
  const unsubscribe = engine.on(send);
  // The window shows monitors live: every check result, throttled by the engine (`monitor.checks`).
  const unwatch = engine.watchChecks?.((data) => send({ type: 'monitor.checks', data })) ?? (() => {});
  return () => {
    unsubscribe();
    unwatch();
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
  };
}
