import type { LoctelliApi } from './contract';

declare global {
  interface Window {
    /** The console's main-process API (Electron preload, or the dev:browser bridge). */
    loctelli: LoctelliApi;
  }
}
export {};
