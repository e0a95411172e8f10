/**
 * The preload (sandboxed, context-isolated): exposes `window.loctelli` and nothing else. Every method
 * has its own IPC channel; the main process checks the sender frame and validates every payload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { channelOf, EVENT_CHANNEL } from '../shared/ipc/methods';
import { createLoctelliApi } from './preload-api';

const api = createLoctelliApi({
  invoke: (method, args) => ipcRenderer.invoke(channelOf(method), args),
  subscribe(listener) {
    const handler = (_e: Electron.IpcRendererEvent, msg: { event: string; payload: unknown }) => listener(msg.event, msg.payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.off(EVENT_CHANNEL, handler);
  },
});

contextBridge.exposeInMainWorld('loctelli', api);
