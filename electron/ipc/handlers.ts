import type { SubAccount } from '../../shared/api/subaccounts';
import type { Integration, IntegrationSummary, TestResult } from '../../shared/api/integrations';
import type { Static } from 'typebox';
import type { Admin } from '../../shared/api/admins';
import type { AuditEntry } from '../../shared/api/audit';
import type { Metrics } from '../../shared/api/metrics';
import type { RecordPage, WebhookEventPage } from '../../shared/api/sync';
import type { IntegrationTemplate } from '../../shared/api/templates';
import type { Handlers } from '../../shared/ipc/contract';
import { LoctelliError } from '../../shared/ipc/errors';
import { LOCAL_PROFILE_ID, type SyncRun, type SyncRunPage, type SyncStarted } from '../../shared/ipc/schemas';
import { canonical, type Confirmation, type ConsoleCore } from '../core';
import { parseExternalUrl } from '../shell/security';

export const INSECURE_STORAGE_QUESTION = (backend: string): Confirmation => ({
  title: 'Store credentials without a keyring?',
  message: 'Store sign-ins and draft secrets on disk without real protection?',
  detail: `No OS keyring is available (backend "${backend}"). Stored this way, your refresh tokens and the Local workspace's password can be read by anyone who can read your files. Otherwise they are kept in memory only and you sign in again after each restart.`,
  confirmLabel: 'Store them anyway',
});

async function confirmInsecureStorage(core: ConsoleCore, backend: string): Promise<boolean> {
  if (!core.opts.confirm) return false;
  return (await core.opts.confirm(INSECURE_STORAGE_QUESTION(backend))) === true;
}

/** Provider connection tests are bounded at 15 s on the server; leave room for the round trip. */
const TEST_TIMEOUT_MS = 45_000;

/**
 * The implementation of every contract method on top of the core's services. Arguments arrive already
 * validated against the contract by the dispatcher.
 */
export function createHandlers(core: ConsoleCore): Handlers {
  const rt = () => core.active();
  const api = () => rt().client;
  const testTimeout = core.opts.timeouts?.testMs ?? TEST_TIMEOUT_MS;

  const afterWrite = async (i: Integration) => {
    await rt().cache.putItems('integrations', [i]);
    return i;
  };

  return {
    'app.info': async () => ({ version: core.opts.appVersion, runtime: core.opts.runtime, platform: core.opts.platform ?? process.platform }),
    'app.openExternal': async (url) => {
      const parsed = parseExternalUrl(url);
      if (!parsed) throw new LoctelliError('not_allowed', 'Only https links can be opened');
      if (!core.opts.openExternal) return { opened: false };
      await core.opts.openExternal(parsed);
      return { opened: true };
    },

    'auth.getSession': async () => {
      const id = core.profiles.activeId();
      if (id === LOCAL_PROFILE_ID) void core.embedded.start().catch(() => {});
      else if (!core.runtime(id).client.hasAccessToken) {
        // Stored credentials are checked in the background: a rejected refresh pushes session.signedOut.
        void core.runtime(id).client.ensureSession().catch(() => {});
      }
      return core.session(id);
    },
    'auth.signIn': async (credentials) => {
      const r = rt();
      if (r.kind === 'local') {
        r.localSignedOut = false;
        await r.client.ensureSession();
      } else {
        if (!credentials) throw new LoctelliError('invalid_payload', 'Enter your email and password', { inputErrors: { '0': 'is required' } });
        await r.client.signIn(credentials.email, credentials.password);
      }
      const s = await core.session(r.id);
      core.emit('session.changed', s);
      return s;
    },
    'auth.signOut': async () => {
      const r = rt();
      await r.client.signOut();
      if (r.kind === 'local') r.localSignedOut = true;
      core.profiles.setAdmin(r.id, null);
      const s = await core.session(r.id);
      core.emit('session.changed', s);
      return s;
    },

    'profiles.list': async () => core.profiles.list(),
    'profiles.add': async (input) => core.profiles.add(input),
    'profiles.remove': async (id) => {
      core.profiles.get(id);
      if (id === LOCAL_PROFILE_ID) throw new LoctelliError('not_allowed', 'The Local workspace cannot be removed');
      const r = core.runtime(id);
      const wasActive = core.profiles.activeId() === id;
      await r.client.signOut().catch(() => {});
      await r.drafts.clear();
      await r.cache.clear();
      core.vault.deletePrefix(`refresh:${id}`);
      core.dropRuntime(id);
      core.profiles.remove(id);
      if (wasActive) {
        core.start();
        core.emit('session.changed', await core.session());
      }
      return core.profiles.list();
    },
    'profiles.switch': async (id) => {
      core.profiles.setActive(id);
      if (id === LOCAL_PROFILE_ID) void core.embedded.start().catch(() => {});
      const s = await core.session(id);
      core.emit('session.changed', s);
      return s;
    },

    'templates.list': async (query = {}) => {
      const key = `templates:${canonical(query)}`;
      return rt().cachedRead(key, () => api().request<IntegrationTemplate[]>('GET', '/api/integration-templates', { query }), {
        // The list as read, and each template for `templates.get` offline.
        save: async (list, at) => {
          await rt().cache.put(key, list, at);
          await rt().cache.putItems('templates', list, at);
        },
      });
    },
    'templates.get': async (id) => rt().template(id),
    'templates.create': async (body) => {
      const t = await api().request<IntegrationTemplate>('POST', '/api/integration-templates', { body });
      await rt().cache.putItems('templates', [t]);
      return t;
    },
    'templates.update': async (id, body) => {
      const t = await api().request<IntegrationTemplate>('PUT', `/api/integration-templates/${id}`, { body });
      await rt().cache.putItems('templates', [t]);
      return t;
    },
    'templates.moveApiVersion': async (id, body) => {
      const t = await api().request<IntegrationTemplate>('POST', `/api/integration-templates/${id}/api-version`, { body });
      await rt().cache.putItems('templates', [t]);
      return t;
    },
    'templates.delete': async (id) => {
      await api().request('DELETE', `/api/integration-templates/${id}`);
      await rt().cache.deleteItem('templates', id);
      return { deleted: true as const };
    },

    'subaccounts.list': async () => rt().cachedRead('subaccounts', () => api().request<SubAccount[]>('GET', '/api/subaccounts')),

    'integrations.list': async (filters = {}) => rt().integrations(filters),
    'integrations.get': async (id) => rt().integration(id),
    'integrations.create': async (body) => afterWrite(await api().request<Integration>('POST', '/api/integrations', { body })),
    'integrations.update': async (id, body) => afterWrite(await api().request<Integration>('PUT', `/api/integrations/${id}`, { body })),
    'integrations.delete': async (id) => {
      await api().request('DELETE', `/api/integrations/${id}`);
      await rt().cache.deleteItem('integrations', id);
      return { deleted: true as const };
    },
    'integrations.activate': async (id) => afterWrite(await api().request<Integration>('POST', `/api/integrations/${id}/activate`)),
    'integrations.deactivate': async (id) => afterWrite(await api().request<Integration>('POST', `/api/integrations/${id}/deactivate`)),
    'integrations.test': async (id) => api().request<TestResult>('POST', `/api/integrations/${id}/test`, { timeoutMs: testTimeout }),
    'integrations.testConfig': async (templateId, config) =>
      api().request<TestResult>('POST', `/api/integration-templates/${templateId}/test`, { body: { config }, timeoutMs: testTimeout }),
    'integrations.summary': async (query = {}) =>
      rt().cachedRead(`summary:${canonical(query)}`, () => api().request<IntegrationSummary>('GET', '/api/integrations/summary', { query })),
    'integrations.sync': async (id) => {
      const r = rt();
      const started = await r.client.request<Partial<SyncStarted> & { id?: number }>('POST', `/api/integrations/${id}/sync`, { feature: 'syncing' });
      const syncRunId = Number(started.syncRunId ?? started.id);
      const status = String(started.status ?? 'queued');
      if (!Number.isInteger(syncRunId)) throw new LoctelliError('server_error', 'The server started a sync but did not say which run');
      core.watchSync(r.id, id, syncRunId, status);
      return { syncRunId, status, alreadyRunning: started.alreadyRunning === true };
    },
    'syncRuns.list': async (integrationId, query = {}) => {
      const res = await api().request<SyncRunPage | SyncRun[]>('GET', `/api/integrations/${integrationId}/sync-runs`, { query, feature: 'sync history' });
      return Array.isArray(res) ? { items: res, nextCursor: null } : { items: res.items ?? [], nextCursor: res.nextCursor ?? null };
    },

    'subaccounts.create': async (body) => api().request<SubAccount>('POST', '/api/subaccounts', { body }),
    'subaccounts.update': async (id, body) => api().request<SubAccount>('PUT', `/api/subaccounts/${id}`, { body }),
    'subaccounts.delete': async (id, query = {}) => {
      await api().request('DELETE', `/api/subaccounts/${id}`, { query });
      return { deleted: true as const };
    },
    'admins.list': async () => api().request<Admin[]>('GET', '/api/admins'),
    'admins.create': async (body) => api().request<Admin>('POST', '/api/admins', { body }),
    'admins.update': async (id, body) => api().request<Admin>('PUT', `/api/admins/${id}`, { body }),

    'syncRuns.get': async (id) => api().request<SyncRun>('GET', `/api/sync-runs/${id}`, { feature: 'sync history' }),
    'integrations.records': async (id, query = {}) => api().request<Static<typeof RecordPage>>('GET', `/api/integrations/${id}/records`, { query, feature: 'synced records' }),
    'integrations.webhookEvents': async (id, query = {}) =>
      api().request<Static<typeof WebhookEventPage>>('GET', `/api/integrations/${id}/webhook-events`, { query, feature: 'webhook deliveries' }),
    'integrations.rotateWebhookSecret': async (id) => {
      const res = await api().request<{ webhookSecret: string; webhookPath: string }>('POST', `/api/integrations/${id}/webhook-secret`, { feature: 'webhooks' });
      return { webhookSecret: res.webhookSecret, webhookUrl: `${(await api().baseUrl()).replace(/\/$/, '')}${res.webhookPath}` };
    },
    'metrics.get': async (query = {}) => rt().cachedRead(`metrics:${canonical(query)}`, () => api().request<Metrics>('GET', '/api/metrics', { query, feature: 'metrics' })),

    'audit.list': async (query = {}) =>
      rt().cachedRead(`audit:${canonical(query)}`, () => api().request<{ items: AuditEntry[]; nextCursor: string | null }>('GET', '/api/audit-log', { query })),

    'drafts.list': async () => rt().drafts.list(),
    'drafts.get': async (id) => rt().drafts.get(id),
    'drafts.save': async (input) => rt().drafts.save(input),
    'drafts.discard': async (id) => ({ discarded: await rt().drafts.discard(id) }),
    'drafts.submit': async (id) => {
      const r = rt();
      const { draft, config } = await r.drafts.reveal(id);
      let saved: Integration;
      if (draft.kind === 'create') {
        if (draft.subAccountId === null) {
          throw new LoctelliError('validation', 'Choose the subaccount this integration belongs to', { inputErrors: { subAccountId: 'is required' } });
        }
        saved = await r.client.request<Integration>('POST', '/api/integrations', {
          body: {
            subAccountId: draft.subAccountId,
            integrationTemplateId: draft.integrationTemplateId,
            name: draft.name,
            description: draft.description,
            ...(draft.isActive !== null ? { isActive: draft.isActive } : {}),
            config,
          },
        });
      } else {
        saved = await r.client.request<Integration>('PUT', `/api/integrations/${draft.integrationId}`, {
          body: {
            version: draft.baseVersion!,
            name: draft.name,
            description: draft.description,
            ...(draft.isActive !== null ? { isActive: draft.isActive } : {}),
            config,
          },
        });
      }
      await r.cache.putItems('integrations', [saved]);
      await r.drafts.discard(id);
      return saved;
    },

    'settings.get': async () => ({ theme: core.settings.theme(), credentialStorage: core.vault.status() }),
    'settings.set': async (patch) => {
      if (patch.theme !== undefined) core.settings.setTheme(patch.theme);
      if (patch.acceptInsecureCredentialStorage !== undefined && patch.acceptInsecureCredentialStorage !== core.settings.insecureCredentialStorageAccepted()) {
        const status = core.vault.status();
        if (patch.acceptInsecureCredentialStorage && !status.canAcceptInsecure) {
          throw new LoctelliError('not_allowed', 'Credentials are already stored securely, or this system cannot store them at all');
        }
        // The renderer's call is a request, not the decision: main asks the person itself (a script in the
        // renderer could otherwise turn the protection off alone). Turning it back on needs no question.
        if (patch.acceptInsecureCredentialStorage && !(await confirmInsecureStorage(core, status.backend))) {
          throw new LoctelliError('not_allowed', 'Storing credentials without a keyring was not confirmed: they stay in memory only');
        }
        core.settings.setInsecureCredentialStorageAccepted(patch.acceptInsecureCredentialStorage);
        core.vault.policyChanged();
        for (const p of core.profiles.list().profiles) await core.runtime(p.id).drafts.repersist();
      }
      return { theme: core.settings.theme(), credentialStorage: core.vault.status() };
    },
  };
}
