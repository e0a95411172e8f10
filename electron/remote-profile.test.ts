/**
 * The API client and the console core against the real integrations API (createTestServer on PGlite,
 * listening on loopback behind a TCP relay that can cut the network).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, SUPER, type TestServer } from '../test-support/server';
import type { Integration } from '../shared/api/integrations';
import { SECRET_PLACEHOLDER } from '../shared/secret-fields';
import type { EventName } from '../shared/ipc/contract';
import { ApiClient } from './services/api-client';
import { createNodeHost, type NodeHost } from './node-host';
import { TcpGate } from './services/test-fixtures/tcp-gate';
import { LoctelliError } from '../shared/ipc/errors';
import { HandlerRegistry, type IntegrationHandler } from '../server/providers/registry';
import { ProviderError } from '../server/providers/errors';

/**
 * A scripted GoHighLevel provider (the upstream API is not reachable here): three pages of progress,
 * or a non-retryable failure for location "locFAIL".
 */
const scriptedGhl: IntegrationHandler = {
  templateName: 'GoHighLevel',
  validateConfig: () => [],
  testConnection: async () => ({ ok: true, message: 'Reached location Alpha', details: { location: 'Alpha' }, status: 'active' }),
  async syncData(config, ctx) {
    if (config.locationId === 'locFAIL') {
      throw new ProviderError({ origin: 'provider', type: 'auth_rejected', message: 'GoHighLevel rejected the API key (401 Invalid JWT)', retryable: false, disconnected: true });
    }
    for (let page = 1; page <= 3; page++) {
      ctx.progress({ step: `Contacts page ${page}`, fetched: page * 10, total: 30 });
      await ctx.upsert(Array.from({ length: 10 }, (_, i) => ({ kind: 'contact', externalId: `c${page}-${i}`, data: { n: i } })));
      await new Promise((r) => setTimeout(r, 250));
    }
    return { fetched: { contact: 30 } };
  },
};

let server: TestServer;
let gate: TcpGate;
let superToken: string;
let subA: number;
let subB: number;
let ghlTemplateId: number;

const validConfig = { apiKey: 'pit-abcdefghijklmnop', locationId: 'loc12345' };

beforeAll(async () => {
  server = await createTestServer({ handlers: new HandlerRegistry().register(scriptedGhl), sync: { worker: true, retryBaseMs: 50, heartbeatMs: 200 } });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  gate = await new TcpGate({ host: '127.0.0.1', port: (server.app.server.address() as AddressInfo).port }).open();
  superToken = (await server.login()).access_token;
  const mk = async (name: string) => (await server.call('POST', '/api/subaccounts', { token: superToken, body: { name } })).json().id as number;
  subA = await mk('Alpha Dental');
  subB = await mk('Beta Roofing');
  const templates = (await server.call('GET', '/api/integration-templates', { token: superToken })).json() as Array<{ id: number; name: string }>;
  ghlTemplateId = templates.find((t) => t.name === 'GoHighLevel')!.id;
}, 120_000);

afterAll(async () => {
  await gate?.cut();
  await server?.close();
}, 120_000);

function memoryCredentials() {
  let refresh: string | undefined;
  return {
    credentials: { loadRefreshToken: () => refresh, saveRefreshToken: (t: string | undefined) => void (refresh = t) },
    get refresh() {
      return refresh;
    },
  };
}

describe('API client', () => {
  it('signs in, and refuses wrong credentials with a typed error', async () => {
    const creds = memoryCredentials();
    const client = new ApiClient({ baseUrl: async () => gate.url, credentials: creds.credentials });
    await expect(client.signIn(SUPER.email, 'wrong-password')).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(client.request('GET', '/api/auth/me')).rejects.toMatchObject({ code: 'signed_out' });
    const pair = await client.signIn(SUPER.email, SUPER.password);
    expect(creds.refresh).toBe(pair.refresh_token);
    expect(await client.request('GET', '/api/auth/me')).toMatchObject({ email: SUPER.email });
  });

  it('refreshes once for many concurrent 401s, then retries every request', async () => {
    const creds = memoryCredentials();
    const client = new ApiClient({ baseUrl: async () => gate.url, credentials: creds.credentials });
    await client.signIn(SUPER.email, SUPER.password);
    const before = creds.refresh;
    client.setAccessTokenForTesting('expired-or-tampered-token');
    const results = await Promise.all(Array.from({ length: 16 }, () => client.request<unknown[]>('GET', '/api/subaccounts')));
    expect(results.every((r) => Array.isArray(r) && r.length >= 2)).toBe(true);
    // One refresh: a second one would have replayed the rotated token, and the server would have revoked the family.
    expect(client.stats.refreshes).toBe(1);
    expect(creds.refresh).not.toBe(before);
    client.setAccessTokenForTesting('expired-again');
    await client.request('GET', '/api/auth/me');
    expect(client.stats.refreshes).toBe(2);
  });

  it('signs the profile out when the refresh token is rejected', async () => {
    const creds = memoryCredentials();
    const signedOut: string[] = [];
    const client = new ApiClient({ baseUrl: async () => gate.url, credentials: creds.credentials, onSignedOut: (r) => signedOut.push(r) });
    await client.signIn(SUPER.email, SUPER.password);
    // The session is revoked elsewhere (sign-out on another device, or token reuse detected).
    await server.call('POST', '/api/auth/logout', { body: { refresh_token: creds.refresh } });
    client.setAccessTokenForTesting('expired');
    const results = await Promise.allSettled([client.request('GET', '/api/subaccounts'), client.request('GET', '/api/auth/me')]);
    for (const r of results) expect(r.status === 'rejected' && (r.reason as LoctelliError).code).toBe('signed_out');
    expect(signedOut).toHaveLength(1);
    expect(signedOut[0]).toMatch(/revoked|sign in/i);
    expect(creds.refresh).toBeUndefined();
  });

  it('turns API errors into typed errors with field errors mapped from details', async () => {
    const client = new ApiClient({ baseUrl: async () => gate.url, credentials: memoryCredentials().credentials });
    await client.signIn(SUPER.email, SUPER.password);
    const err = (await client
      .request('POST', '/api/integrations', { body: { subAccountId: subA, integrationTemplateId: ghlTemplateId, name: 'x', config: { apiKey: 'short', locationId: 'no spaces!' } } })
      .catch((e) => e)) as LoctelliError;
    expect(err.code).toBe('validation');
    expect(err.status).toBe(400);
    expect(Object.keys(err.fieldErrors ?? {}).sort()).toEqual(['apiKey', 'locationId']);
    const bodyErr = (await client.request('POST', '/api/integrations', { body: { subAccountId: subA, integrationTemplateId: ghlTemplateId, name: '', config: {} } }).catch((e) => e)) as LoctelliError;
    expect(bodyErr.inputErrors).toHaveProperty('name');
    await expect(client.request('GET', '/api/integrations/999999')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    // A route this server does not have, for a feature of newer servers.
    await expect(client.request('POST', '/api/integrations/1/frobnicate', { feature: 'frobnication' })).rejects.toMatchObject({ code: 'not_available' });
    await expect(client.request('GET', '/api/does-not-exist')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reports an unreachable server as offline and a connectivity change', async () => {
    const changes: Array<[boolean, string | null]> = [];
    const client = new ApiClient({ baseUrl: async () => 'http://127.0.0.1:1', credentials: memoryCredentials().credentials, onConnectivity: (o, r) => changes.push([o, r]) });
    await expect(client.signIn(SUPER.email, SUPER.password)).rejects.toMatchObject({ code: 'offline' });
    expect(changes[0]?.[0]).toBe(false);
    expect(changes[0]?.[1]).toMatch(/cannot be reached/);
  });
});

describe('console core on a remote profile', () => {
  let host: NodeHost;
  const events: Array<{ event: EventName; payload: any }> = [];
  const notifications: Array<{ title: string; body: string }> = [];
  const call = async (method: string, ...args: unknown[]): Promise<any> => {
    const r = await host.dispatch(method, args, { trusted: true });
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value;
  };
  const waitFor = async (pred: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    host = createNodeHost({
      userDataDir: mkdtempSync(join(tmpdir(), 'loctelli-core-')),
      probeIntervalMs: 100,
      syncPollMs: 100,
      dispatcher: { validateResults: true, onInternalError: (m, e) => console.error(m, e) },
      startServer: () => Promise.reject(new Error('the Local workspace is not used in this test')),
      notify: (n) => notifications.push(n),
    });
    host.core.onEvent((event, payload) => events.push({ event, payload }));
    const profile = await call('profiles.add', { name: 'Agency server', baseUrl: `${gate.url}/api/` });
    expect(profile).toMatchObject({ kind: 'remote', baseUrl: gate.url, signedInAs: null });
    const s = await call('profiles.switch', profile.id);
    expect(s).toMatchObject({ state: 'signed_out', admin: null });
  }, 120_000);

  afterAll(async () => {
    await gate.restore();
    await host?.core.stop();
  }, 120_000);

  it('signs in; the session never carries tokens', async () => {
    await expect(call('subaccounts.list')).rejects.toMatchObject({ code: 'signed_out' });
    await expect(call('auth.signIn', { email: SUPER.email, password: 'nope' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    const s = await call('auth.signIn', { email: SUPER.email, password: SUPER.password });
    expect(s).toMatchObject({ state: 'signed_in', admin: { email: SUPER.email, role: 'super_admin' }, connectivity: { online: true } });
    expect(JSON.stringify(s)).not.toMatch(/token|password/i);
    expect(events.some((e) => e.event === 'session.changed' && e.payload.state === 'signed_in')).toBe(true);
  });

  it('creates and edits integrations; secrets come back as placeholders; 409 carries the current version', async () => {
    const created: Integration = await call('integrations.create', { subAccountId: subA, integrationTemplateId: ghlTemplateId, name: 'Alpha GHL', config: validConfig });
    expect(created.config.apiKey).toBe(SECRET_PLACEHOLDER);
    const updated: Integration = await call('integrations.update', created.id, { version: created.version, name: 'Alpha GHL (main)' });
    expect(updated.version).toBe(created.version + 1);
    const conflict = await call('integrations.update', created.id, { version: created.version, name: 'stale edit' }).catch((e) => e);
    expect(conflict).toMatchObject({ code: 'conflict', status: 409, current: { id: created.id, version: updated.version, name: 'Alpha GHL (main)' } });
    await call('integrations.create', { subAccountId: subB, integrationTemplateId: ghlTemplateId, name: 'Beta GHL', config: validConfig });
  });

  it('serves cached data with stale: true when the server is unreachable, and says when it is back', async () => {
    const templates = await call('templates.list');
    const subaccounts = await call('subaccounts.list');
    const all = await call('integrations.list');
    const alpha = await call('integrations.list', { subAccountId: subA });
    const one = await call('integrations.get', alpha.data.items[0].id);
    const summary = await call('integrations.summary');
    for (const r of [templates, subaccounts, all, alpha, one, summary]) expect(r.stale).toBe(false);

    await gate.cut();
    events.length = 0;
    const offTemplates = await call('templates.list');
    expect(offTemplates).toEqual({ data: templates.data, stale: true, fetchedAt: templates.fetchedAt });
    expect(await call('subaccounts.list')).toEqual({ ...subaccounts, stale: true });
    expect(await call('integrations.list', { subAccountId: subA })).toEqual({ ...alpha, stale: true });
    expect((await call('integrations.get', one.data.id)).stale).toBe(true);
    expect((await call('integrations.summary')).stale).toBe(true);
    // A filter never fetched online is answered from the cached integrations.
    const beta = await call('integrations.list', { subAccountId: subB, status: 'pending' });
    expect(beta.stale).toBe(true);
    expect(beta.data.items.map((i: Integration) => i.name)).toEqual(['Beta GHL']);
    expect((await call('integrations.list', { q: 'alpha' })).data.items.map((i: Integration) => i.name)).toEqual(['Alpha GHL (main)']);
    // Writes and uncached reads fail as offline.
    await expect(call('integrations.activate', one.data.id)).rejects.toMatchObject({ code: 'offline' });
    await expect(call('audit.list')).rejects.toMatchObject({ code: 'offline' });
    const offline = events.find((e) => e.event === 'connectivity.changed');
    expect(offline?.payload).toMatchObject({ online: false });
    expect((await call('auth.getSession')).connectivity.online).toBe(false);

    // Drafting works offline (the template is cached); submitting waits for the connection.
    const draft = await call('drafts.save', { kind: 'create', subAccountId: subA, integrationTemplateId: ghlTemplateId, name: 'Offline draft', description: null, config: { apiKey: 'pit-offline-secret-1', locationId: 'loc77777' } });
    expect(draft.validation).toEqual({ checked: true, valid: true, fieldErrors: {} });
    await expect(call('drafts.submit', draft.id)).rejects.toMatchObject({ code: 'offline' });
    expect((await call('drafts.list')).map((d: { id: string }) => d.id)).toEqual([draft.id]);

    events.length = 0;
    await gate.restore();
    await waitFor(() => events.some((e) => e.event === 'connectivity.changed' && e.payload.online === true));
    const submitted: Integration = await call('drafts.submit', draft.id);
    expect(submitted).toMatchObject({ name: 'Offline draft', subAccountId: subA, secretFieldsSet: ['apiKey'] });
    expect(await call('drafts.list')).toEqual([]);
    expect((await call('integrations.list', { subAccountId: subA })).stale).toBe(false);
  });

  it('an edit draft that conflicts keeps the draft and returns the current integration', async () => {
    const target: Integration = (await call('integrations.list', { q: 'Offline draft' })).data.items[0];
    const draft = await call('drafts.save', {
      kind: 'edit', integrationId: target.id, baseVersion: target.version, subAccountId: subA, integrationTemplateId: ghlTemplateId,
      name: 'Renamed in a draft', description: null, config: { ...target.config, locationId: 'loc88888' },
    });
    expect(draft.base).toMatchObject({ version: target.version, name: 'Offline draft', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'loc77777' } });
    // Someone else changes it meanwhile.
    await server.call('PUT', `/api/integrations/${target.id}`, { token: superToken, body: { version: target.version, description: 'changed elsewhere' } });
    const err = await call('drafts.submit', draft.id).catch((e) => e);
    expect(err).toMatchObject({ code: 'conflict', current: { id: target.id, version: target.version + 1, description: 'changed elsewhere' } });
    expect((await call('drafts.get', draft.id)).name).toBe('Renamed in a draft');
    // Rebased on the current version, it goes through and the stored secret is kept.
    await call('drafts.save', { id: draft.id, kind: 'edit', integrationId: target.id, baseVersion: target.version + 1, subAccountId: subA, integrationTemplateId: ghlTemplateId, name: 'Renamed in a draft', description: 'changed elsewhere', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'loc88888' } });
    const saved: Integration = await call('drafts.submit', draft.id);
    expect(saved).toMatchObject({ name: 'Renamed in a draft', version: target.version + 2, config: { locationId: 'loc88888', apiKey: SECRET_PLACEHOLDER } });
  });

  it('sync: starts a run and pushes its progress until it finishes; failures notify', async () => {
    const target: Integration = (await call('integrations.list', { subAccountId: subB })).data.items[0];
    events.length = 0;
    const started = await call('integrations.sync', target.id);
    expect(started).toMatchObject({ syncRunId: expect.any(Number), alreadyRunning: false });
    await waitFor(() => events.some((e) => e.event === 'sync.progress' && e.payload.finished), 30_000);
    const progress = events.filter((e) => e.event === 'sync.progress').map((e) => e.payload);
    expect(progress.every((p) => p.syncRunId === started.syncRunId && p.integrationId === target.id)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ status: 'succeeded', finished: true });
    expect(progress.some((p) => p.status === 'running' && /Contacts page/.test(p.progress?.step ?? ''))).toBe(true);
    const runs = await call('syncRuns.list', target.id);
    expect(runs.items[0]).toMatchObject({ id: started.syncRunId, status: 'succeeded' });

    // A failing run ends with a desktop notification.
    const failing: Integration = await call('integrations.create', { subAccountId: subB, integrationTemplateId: ghlTemplateId, name: 'Broken', config: { ...validConfig, locationId: 'locFAIL' } });
    notifications.length = 0;
    events.length = 0;
    await call('integrations.sync', failing.id);
    await waitFor(() => events.some((e) => e.event === 'sync.progress' && e.payload.finished), 30_000);
    expect(events.filter((e) => e.event === 'sync.progress').at(-1)!.payload).toMatchObject({ status: 'failed', message: expect.stringMatching(/rejected the API key/) });
    expect(notifications).toEqual([{ title: 'Sync failed', body: expect.stringMatching(/rejected the API key/) }]);

    // A template without a sync handler: a typed 422.
    const templates = (await call('templates.list')).data as Array<{ id: number; name: string }>;
    const fb = templates.find((t) => t.name === 'FacebookAds')!;
    const fbIntegration: Integration = await call('integrations.create', { subAccountId: subB, integrationTemplateId: fb.id, name: 'FB', config: { accessToken: 'EAAB-token-value-long-enough', adAccountId: 'act_123456' } });
    await expect(call('integrations.sync', fbIntegration.id)).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('reads synced records, sync runs, webhook deliveries and metrics; rotates the webhook secret once', async () => {
    const target: Integration = (await call('integrations.list', { subAccountId: subB })).data.items.find((i: Integration) => i.config.locationId === validConfig.locationId);
    const runs = await call('syncRuns.list', target.id);
    const run = await call('syncRuns.get', runs.items[0].id);
    expect(run).toMatchObject({ id: runs.items[0].id, integrationId: target.id, status: 'succeeded' });
    const records = await call('integrations.records', target.id, { kind: 'contact', limit: 5 });
    expect(records.totals).toEqual({ contact: 30 });
    expect(records.items).toHaveLength(5);
    expect((await call('integrations.webhookEvents', target.id)).items).toEqual([]);
    const rotated = await call('integrations.rotateWebhookSecret', target.id);
    expect(rotated.webhookUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/webhooks/${target.id}$`));
    expect(rotated.webhookSecret.length).toBeGreaterThanOrEqual(24);
    expect(JSON.stringify(await call('integrations.get', target.id))).not.toContain(rotated.webhookSecret);
    const metrics = await call('metrics.get', {});
    expect(metrics.data.syncReliability30d).toBeGreaterThan(0);
    const created = await call('subaccounts.create', { name: 'Gamma Gardens' });
    expect((await call('subaccounts.update', created.id, { description: 'Landscaping' })).description).toBe('Landscaping');
    const admin = await call('admins.create', { name: 'Gina', email: 'gina@loctelli.test', password: 'gina-password-123', subAccountIds: [created.id] });
    expect((await call('admins.list')).map((a: { email: string }) => a.email)).toContain('gina@loctelli.test');
    expect((await call('admins.update', admin.id, { subAccountIds: [] })).subAccountIds).toEqual([]);
    expect(await call('subaccounts.delete', created.id)).toEqual({ deleted: true });
    await expect(call('subaccounts.delete', subB)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('pushes session.signedOut when the server revokes the session', async () => {
    const id = (await call('auth.getSession')).profile.id;
    const token = host.core.vault.get(`refresh:${id}`)!;
    await server.call('POST', '/api/auth/logout', { body: { refresh_token: token } });
    host.core.runtime(id).client.setAccessTokenForTesting('expired');
    events.length = 0;
    await expect(call('subaccounts.list')).rejects.toMatchObject({ code: 'signed_out' });
    expect(events.find((e) => e.event === 'session.signedOut')?.payload).toMatchObject({ profileId: id });
    expect(await call('auth.getSession')).toMatchObject({ state: 'signed_out', admin: null });
    // Cached data is not served to a signed-out profile that is online.
    await expect(call('templates.list')).rejects.toMatchObject({ code: 'signed_out' });
  });

  it('removing a profile erases its cache, drafts and credentials', async () => {
    const list = await call('profiles.list');
    const remote = list.profiles.find((p: { kind: string }) => p.kind === 'remote');
    await call('auth.signIn', { email: SUPER.email, password: SUPER.password });
    const after = await call('profiles.remove', remote.id);
    expect(after).toMatchObject({ activeId: 'local', profiles: [{ id: 'local' }] });
    expect(host.core.vault.get(`refresh:${remote.id}`)).toBeUndefined();
    await expect(call('profiles.remove', 'local')).rejects.toMatchObject({ code: 'not_allowed' });
  });
});
