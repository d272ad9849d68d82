/**
 * The preload script (sandboxed, CommonJS): exposes `window.standby`, the StandbyBridge, and nothing
 * else. The page gets two functions: invoke one API method, and listen to engine events. It never
 * sees ipcRenderer or the IPC event objects.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../shared/api.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeResult, type StandbyBridge } from '../shared/bridge.ts';

/** bridge is what the renderer sees as `window.standby`. */
const bridge: StandbyBridge = {
  invoke(method: string, input: unknown): Promise<BridgeResult> {
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) as Promise<BridgeResult>;
  },
  onEvent(listener: (e: ApiEvent) => void): () => void {
    const wrapped = (_event: IpcRendererEvent, e: ApiEvent) => listener(e);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('standby', bridge);
