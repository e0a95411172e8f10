/**
 * Test code: an in-memory stand-in for `window.loctelli` with only what component tests need. Every
 * method records its calls; tests override single methods with `fake.override(...)`.
 */
import type { Integration } from '../../../shared/api/integrations';
import type { IntegrationTemplate } from '../../../shared/api/templates';
import type { Draft, DraftInput, Session } from '../../../shared/ipc/schemas';
import { BUILT_IN_TEMPLATES } from '../../../shared/templates';

type AnyFn = (...args: any[]) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const now = '2025-01-01T12:00:00.000Z';

export const templates: IntegrationTemplate[] = BUILT_IN_TEMPLATES.map((t, i) => ({
  id: i + 1,
  name: t.name,
  displayName: t.displayName,
  description: t.description,
  category: t.category,
  icon: t.icon,
  isActive: true,
  configSchema: t.configSchema as unknown as Record<string, unknown>,
  setupInstructions: t.setupInstructions,
  webhookUrl: null,
  apiVersion: t.apiVersion,
  defaultSyncIntervalMinutes: t.defaultSyncIntervalMinutes,
  createdAt: now,
  updatedAt: now,
  createdByAdminId: 1,
}));

export const session: Session = {
  profile: { id: 'local', name: 'Local workspace', kind: 'local', baseUrl: null, signedInAs: 'admin@loctelli.local' },
  state: 'signed_in',
  admin: { id: 1, name: 'Ada', email: 'admin@loctelli.local', role: 'super_admin' },
  connectivity: { online: true, since: null, reason: null },
  error: null,
};

export function integration(patch: Partial<Integration> = {}): Integration {
  return {
    id: 7,
    subAccountId: 1,
    subAccountName: 'Acme',
    integrationTemplateId: 1,
    template: { name: 'GoHighLevel', displayName: 'GoHighLevel CRM', category: 'CRM' },
    name: 'Acme GHL',
    description: null,
    isActive: false,
    config: { apiKey: '__LOCTELLI_SECRET_SET__', locationId: 'LocAbc12345' },
    secretFieldsSet: ['apiKey'],
    status: 'pending',
    lastSyncAt: null,
    errorMessage: null,
    hasWebhookSecret: false,
    webhookPath: '/api/webhooks/7',
    webhookAllowedCidrs: [],
    syncIntervalMinutes: null,
    effectiveSyncIntervalMinutes: 60,
    nextSyncAt: null,
    consecutiveFailures: 0,
    syncPausedReason: null,
    credentialHealth: null,
    warnings: [],
    version: 3,
    createdAt: now,
    updatedAt: now,
    createdByAdminId: 1,
    ...patch,
  };
}

export function createFake() {
  const calls: { method: string; args: unknown[] }[] = [];
  const drafts = new Map<string, Draft>();
  let seq = 0;
  const impl: Record<string, AnyFn> = {
    'auth.getSession': async () => session,
    'settings.get': async () => ({ theme: 'light', credentialStorage: { backend: 'node_key_file', encryptionAvailable: true, mode: 'encrypted', warning: null, canAcceptInsecure: false } }),
    'profiles.list': async () => ({ profiles: [session.profile], activeId: 'local' }),
    'templates.list': async () => ({ data: templates, stale: false, fetchedAt: now }),
    'templates.get': async (id: number) => ({ data: templates.find((t) => t.id === id), stale: false, fetchedAt: now }),
    'subaccounts.list': async () => ({
      data: [{ id: 1, name: 'Acme', description: null, createdAt: now, updatedAt: now, integrationCounts: { pending: 0, active: 0, error: 0, disconnected: 0, total: 0 } }],
      stale: false,
      fetchedAt: now,
    }),
    'integrations.list': async () => ({ data: { items: [], nextCursor: null }, stale: false, fetchedAt: now }),
    'integrations.get': async (id: number) => ({ data: integration({ id }), stale: false, fetchedAt: now }),
    'integrations.testConfig': async () => ({ ok: true, message: 'Connected to location "Acme HQ"', details: { location: { id: 'LocAbc12345', name: 'Acme HQ' } }, latencyMs: 42, checkedAt: now }),
    'integrations.test': async () => ({ ok: true, message: 'ok', details: {}, latencyMs: 1, checkedAt: now }),
    'integrations.activate': async (id: number) => integration({ id, isActive: true, status: 'active' }),
    'integrations.sync': async () => ({ syncRunId: 99, status: 'queued', alreadyRunning: false }),
    'drafts.list': async () => [...drafts.values()],
    'drafts.get': async (id: string) => drafts.get(id),
    'drafts.save': async (input: DraftInput) => {
      const id = input.id ?? `draft-${String(++seq).padStart(6, '0')}`;
      const d: Draft = {
        id,
        profileId: 'local',
        kind: input.kind,
        integrationId: input.integrationId ?? null,
        baseVersion: input.baseVersion ?? null,
        base: null,
        subAccountId: input.subAccountId,
        integrationTemplateId: input.integrationTemplateId,
        templateName: null,
        name: input.name,
        description: input.description,
        isActive: null,
        config: input.config,
        draftSecrets: [],
        lostSecrets: [],
        validation: { checked: true, valid: true, fieldErrors: {} },
        createdAt: now,
        updatedAt: now,
      };
      drafts.set(id, d);
      return d;
    },
    'drafts.submit': async () => integration({ id: 8, status: 'pending' }),
    'drafts.discard': async (id: string) => ({ discarded: drafts.delete(id) }),
    'syncRuns.list': async () => ({ items: [], nextCursor: null }),
    'audit.list': async () => ({ data: { items: [], nextCursor: null }, stale: false, fetchedAt: now }),
  };
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: Record<string, unknown> = {
    on: (event: string, cb: (p: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(cb);
      return () => listeners.get(event)!.delete(cb);
    },
  };
  const names = new Set([...Object.keys(impl)]);
  for (const full of names) {
    const [ns, m] = full.split('.');
    const space = (api[ns] ??= {}) as Record<string, AnyFn>;
    space[m] = (...args: unknown[]) => {
      calls.push({ method: full, args });
      return impl[full](...args);
    };
  }
  return {
    api,
    calls,
    drafts,
    callsOf: (method: string) => calls.filter((c) => c.method === method).map((c) => c.args),
    override(method: string, fn: AnyFn) {
      impl[method] = fn;
      if (!names.has(method)) {
        const [ns, m] = method.split('.');
        const space = (api[ns] ??= {}) as Record<string, AnyFn>;
        space[m] = (...args: unknown[]) => {
          calls.push({ method, args });
          return impl[method](...args);
        };
        names.add(method);
      }
    },
    emit(event: string, payload: unknown) {
      listeners.get(event)?.forEach((l) => l(payload));
    },
    install() {
      Object.defineProperty(window, 'loctelli', { value: api, configurable: true, writable: true });
    },
  };
}
export type Fake = ReturnType<typeof createFake>;
