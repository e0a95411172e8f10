/**
 * `window.loctelli`, built on a transport: Electron IPC in the preload, HTTP in tests. Written out
 * method by method (no generic invoke is exposed) and checked against the contract with `satisfies`.
 * Imports nothing at run time except the event names, so the sandboxed preload bundle stays tiny.
 */
import type { EventName, LoctelliApi, MethodArgs, MethodName, MethodResult } from '../shared/ipc/contract';
import type { IpcResult } from '../shared/ipc/errors';
import { EVENT_NAMES } from '../shared/ipc/methods';

export interface Transport {
  invoke(method: MethodName, args: unknown[]): Promise<IpcResult>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

export function createLoctelliApi(transport: Transport) {
  const call =
    <M extends MethodName>(method: M) =>
    async (...args: MethodArgs<M>): Promise<MethodResult<M>> => {
      const list = [...(args as unknown[])];
      while (list.length && list[list.length - 1] === undefined) list.pop();
      const result = await transport.invoke(method, list);
      // Rejects with a plain `IpcError` object ({code, message, fieldErrors?, ...}): it survives contextBridge.
      if (!result.ok) throw result.error;
      return result.value as MethodResult<M>;
    };

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;

  const api = {
    app: { info: call('app.info'), openExternal: call('app.openExternal') },
    auth: { getSession: call('auth.getSession'), signIn: call('auth.signIn'), signOut: call('auth.signOut') },
    profiles: { list: call('profiles.list'), add: call('profiles.add'), remove: call('profiles.remove'), switch: call('profiles.switch') },
    templates: {
      list: call('templates.list'),
      get: call('templates.get'),
      create: call('templates.create'),
      update: call('templates.update'),
      delete: call('templates.delete'),
      moveApiVersion: call('templates.moveApiVersion'),
    },
    subaccounts: { list: call('subaccounts.list'), create: call('subaccounts.create'), update: call('subaccounts.update'), delete: call('subaccounts.delete') },
    admins: { list: call('admins.list'), create: call('admins.create'), update: call('admins.update') },
    integrations: {
      list: call('integrations.list'),
      get: call('integrations.get'),
      create: call('integrations.create'),
      update: call('integrations.update'),
      delete: call('integrations.delete'),
      activate: call('integrations.activate'),
      deactivate: call('integrations.deactivate'),
      test: call('integrations.test'),
      testConfig: call('integrations.testConfig'),
      summary: call('integrations.summary'),
      sync: call('integrations.sync'),
      records: call('integrations.records'),
      webhookEvents: call('integrations.webhookEvents'),
      rotateWebhookSecret: call('integrations.rotateWebhookSecret'),
    },
    syncRuns: { list: call('syncRuns.list'), get: call('syncRuns.get') },
    metrics: { get: call('metrics.get') },
    audit: { list: call('audit.list') },
    drafts: { list: call('drafts.list'), get: call('drafts.get'), save: call('drafts.save'), discard: call('drafts.discard'), submit: call('drafts.submit') },
    settings: { get: call('settings.get'), set: call('settings.set') },
    on<E extends EventName>(event: E, listener: (payload: never) => void): () => void {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event "${String(event)}"`);
      if (typeof listener !== 'function') throw new Error('on(event, listener): listener must be a function');
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const fn = listener as (payload: unknown) => void;
      set.add(fn);
      if (!unsubscribe) {
        unsubscribe = transport.subscribe((name, payload) => {
          for (const l of listeners.get(name) ?? []) {
            try {
              l(payload);
            } catch (err) {
              console.error(`loctelli: a listener of ${name} threw`, err);
            }
          }
        });
      }
      return () => {
        set!.delete(fn);
        if ([...listeners.values()].every((s) => s.size === 0) && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
  } satisfies LoctelliApi;
  return api as LoctelliApi;
}
