import type { LoctelliApi } from '../../../shared/ipc/contract';

/**
 * The only way the renderer reaches anything outside itself: `window.loctelli` (the Electron preload or
 * the dev:browser bridge). Read lazily so tests can install a fake before each render.
 */
export function loctelli(): LoctelliApi {
  const api = (window as { loctelli?: LoctelliApi }).loctelli;
  if (!api) throw { code: 'internal', message: 'The console bridge (window.loctelli) is missing' };
  return api;
}
