/**
 * Secret-leak scan through the console path: canary secrets of every provider (GoHighLevel, Facebook Ads,
 * Google Analytics) entered over IPC the way the setup wizard does (drafts.save, integrations.testConfig,
 * drafts.submit, then test/activate/sync), against the real server over loopback HTTP and the providers'
 * fakes. Each provider's canaries go through create, edit (replacing and keeping the secret), test, sync and
 * failure paths (rejected credentials, failed syncs, validation errors, conflicts); Facebook's app secret
 * also signs a webhook. Afterwards no canary appears in any HTTP response, server log line, console log,
 * database text dump, file of the user-data folder (drafts, cache, profiles, vault) or anything returned or
 * pushed over IPC.
 *
 * Google Analytics' secret is a service-account JSON key file: what must not leak is its private key, so
 * its canaries are the key file, the PEM and 32-character pieces of the PEM's body (a leak of any part of it).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpAllText } from '../../test-support/database';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, SUPER, type TestServer } from '../../test-support/server';
import type { Integration } from '../../shared/api/integrations';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { createFacebookAdsHandler } from '../../server/providers/facebook-ads';
import { FAKE, startFakeGraph, type FakeGraph } from '../../server/providers/facebook-ads/fake/fake-graph';
import { createGoogleAnalyticsHandler } from '../../server/providers/google-analytics';
import { startFakeGoogle, type FakeGoogle } from '../../server/providers/google-analytics/fake/fake-google';
import { createTestServiceAccount, type TestServiceAccount } from '../../server/providers/google-analytics/fake/service-account-keys';
import { createGoHighLevelHandler } from '../../server/providers/gohighlevel';
import { FAKE_LOCATION_ID, startFakeGhl, type FakeGhl } from '../../server/providers/gohighlevel/fake';
import { RateLimiterRegistry } from '../../server/providers/gohighlevel/rate-limiter';
import { HandlerRegistry } from '../../server/providers/registry';
import { createNodeHost, type NodeHost } from '../node-host';

const CANARY = {
  ghlApiKey: 'pit-CANARYghl7f3a9c2e4b1d0000',
  ghlApiKeyEdit: 'pit-CANARYghlEdit5c1e9a0b2d77',
  ghlApiKeyRejected: 'pit-CANARYghlRejected33e8d1f0',
  fbAccessToken: 'EAAGCANARYfbvalid5e8d2a7c9f0123',
  fbAccessTokenEdit: 'EAAGCANARYfbedit9b1c3d5e7f90',
  fbAccessTokenRejected: 'EAAGCANARYfbtoken5e8d2a7c9f01',
  fbAppSecret: 'CANARYfbappsecret0a1b2c3d4e5f6a7b',
};
const PROPERTY_ID = '424242424';
const GA_EMAIL = 'canary-sync@loctelli-canary.iam.gserviceaccount.com';
const GA_EMAIL_EDIT = 'canary-sync-2@loctelli-canary.iam.gserviceaccount.com';

/**
 * A service account key whose private key is the canary: the file, the PEM, and every 32-character piece of
 * the PEM's body (each line in halves), so any fragment of about two lines or more is found, however escaped.
 */
function gaCanary(account: TestServiceAccount) {
  const pem = JSON.parse(account.keyFile).private_key as string;
  const pieces = pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .flatMap((l) => [l.slice(0, 32), l.slice(32)])
    .filter((p) => p.length >= 16);
  return { keyFile: account.keyFile, needles: [account.keyFile, pem, ...pieces] };
}
// RSA key generation is the slow part: three keys (valid, edit, never registered with the fake).
const gaKeys = {
  valid: createTestServiceAccount(GA_EMAIL),
  edit: createTestServiceAccount(GA_EMAIL_EDIT),
  rejected: createTestServiceAccount('canary-unknown@loctelli-canary.iam.gserviceaccount.com'),
};
const GA = { valid: gaCanary(gaKeys.valid), edit: gaCanary(gaKeys.edit), rejected: gaCanary(gaKeys.rejected) };

const needles: string[] = [...Object.values(CANARY), ...Object.values(GA).flatMap((g) => g.needles)];

/** A loopback relay that records every byte the server sends back. */
async function recordingRelay(port: number) {
  const fromServer: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) sockets.add(s.on('close', () => sockets.delete(s)));
    upstream.on('data', (d) => fromServer.push(Buffer.from(d)));
    client.on('error', () => upstream.destroy()).pipe(upstream).on('error', () => client.destroy()).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    text: () => Buffer.concat(fromServer).toString('latin1'),
    // Keep-alive connections would hold close() for a minute: end them.
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy();
    }),
  };
}

let s: TestServer;
let ghl: FakeGhl;
let graph: FakeGraph;
let google: FakeGoogle;
let relay: Awaited<ReturnType<typeof recordingRelay>>;
let host: NodeHost;
let userData: string;
const ipcResults: string[] = [];
const consoleLogs: string[] = [];
let sub: number;
let tpl: Record<string, number>;

async function call(method: string, ...args: unknown[]): Promise<any> {
  const r = await host.dispatch(method, args, { trusted: true });
  ipcResults.push(JSON.stringify(r));
  if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.message}`), r.error);
  return r.value;
}
const attempt = (method: string, ...args: unknown[]) => call(method, ...args).catch((e) => e);

async function waitRuns(ids: number[]): Promise<Array<{ status: string }>> {
  const done = new Map<number, { status: string }>();
  for (let i = 0; i < 400 && done.size < ids.length; i++) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const run = await call('syncRuns.get', id);
      if (['succeeded', 'failed', 'partial'].includes(run.status)) done.set(id, run);
    }
    if (done.size < ids.length) await new Promise((r) => setTimeout(r, 50));
  }
  if (done.size < ids.length) throw new Error('a sync run did not finish');
  return ids.map((id) => done.get(id)!);
}

interface WizardInput {
  templateId: number;
  name: string;
  config: Record<string, unknown>;
}

/**
 * The setup wizard: autosaved draft (typed secrets sealed), step 3's unsaved test, then submit through the
 * draft. Returns the test result and the saved integration (or the submit's error, the draft kept).
 */
async function wizardCreate({ templateId, name, config }: WizardInput) {
  const draft = await call('drafts.save', { kind: 'create', subAccountId: sub, integrationTemplateId: templateId, name, description: null, config });
  await call('drafts.get', draft.id);
  const tested = await attempt('integrations.testConfig', templateId, config);
  const saved = await attempt('drafts.submit', draft.id);
  return { draftId: draft.id as string, tested, saved };
}

/** The wizard in edit mode: opens the integration, drafts the edit on its current version, submits it. */
async function wizardEdit(id: number, name: string, config: Record<string, unknown>) {
  const i: Integration = (await call('integrations.get', id)).data;
  const draft = await call('drafts.save', { kind: 'edit', integrationId: i.id, baseVersion: i.version, subAccountId: i.subAccountId, integrationTemplateId: i.integrationTemplateId, name, description: null, config });
  return attempt('drafts.submit', draft.id);
}

/** What the wizard does after saving: test, activate when it passed, start the first sync. */
async function testActivateSync(i: Integration): Promise<number> {
  const test = await call('integrations.test', i.id);
  if (test.ok) await call('integrations.activate', i.id);
  return (await call('integrations.sync', i.id)).syncRunId;
}

beforeAll(async () => {
  ghl = await startFakeGhl({
    tokens: { [CANARY.ghlApiKey]: { locations: [FAKE_LOCATION_ID] }, [CANARY.ghlApiKeyEdit]: { locations: [FAKE_LOCATION_ID] } },
    locations: [{ id: FAKE_LOCATION_ID, name: 'Acme', contacts: 30, calendars: 1, eventsPerCalendar: 2 }],
  });
  const scopes = ['ads_read', 'read_insights', 'leads_retrieval', 'pages_show_list', 'pages_read_engagement'];
  graph = await startFakeGraph({
    appSecret: CANARY.fbAppSecret,
    tokens: { [CANARY.fbAccessToken]: { status: 'valid', scopes }, [CANARY.fbAccessTokenEdit]: { status: 'valid', scopes }, [FAKE.validToken]: { status: 'valid', scopes } },
    campaignCount: 5,
  });
  google = await startFakeGoogle();
  google.registerServiceAccount(GA_EMAIL, gaKeys.valid.publicKey);
  google.registerServiceAccount(GA_EMAIL_EDIT, gaKeys.edit.publicKey);
  google.addProperty(PROPERTY_ID, { days: 60 });
  google.grantAccess(PROPERTY_ID, GA_EMAIL);
  google.grantAccess(PROPERTY_ID, GA_EMAIL_EDIT);
  const noWait = async () => {};
  const handlers = new HandlerRegistry()
    .register(createGoHighLevelHandler({ baseUrl: ghl.url, timeoutMs: 2_000, maxTransientRetries: 0, maxRateLimitRetries: 0, limiters: new RateLimiterRegistry() }))
    .register(createFacebookAdsHandler({ baseUrl: graph.url, sleep: noWait }))
    .register(createGoogleAnalyticsHandler({ tokenUrl: google.tokenUrl, dataBaseUrl: google.dataBaseUrl, timeoutMs: 2_000, sleep: noWait, retry: { maxRetries: 0 } }));
  s = await createTestServer({ handlers, sync: { maxAttempts: 1, retryBaseMs: 50, heartbeatMs: 50, concurrency: 4 } });
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  relay = await recordingRelay((s.app.server.address() as AddressInfo).port);
  const token = (await s.login()).access_token;
  sub = await createSubAccount(s, token, 'Canary Dental');
  tpl = await templateIds(s, token);
  userData = mkdtempSync(join(tmpdir(), 'loctelli-canary-'));
  host = createNodeHost({
    userDataDir: userData,
    probeIntervalMs: 200,
    syncPollMs: 50,
    startServer: () => Promise.reject(new Error('remote only')),
    dispatcher: {
      validateResults: true,
      // What the console's main process would log.
      onInternalError: (m, e) => consoleLogs.push(`${m}: ${(e as Error)?.stack ?? String(e)}`),
      onRefused: (m, e) => consoleLogs.push(`${m}: ${JSON.stringify(e)}`),
    },
  });
  host.core.onEvent((event, payload) => ipcResults.push(`${event} ${JSON.stringify(payload)}`));
  const profile = await call('profiles.add', { name: 'Team server', baseUrl: `${relay.url}/api` });
  await call('profiles.switch', profile.id);
  await call('auth.signIn', { email: SUPER.email, password: SUPER.password });
}, 120_000);

afterAll(async () => {
  await host?.core.stop();
  await relay?.close();
  await s?.close();
  await Promise.all([ghl?.close(), graph?.close(), google?.close()]);
});

describe('canary secrets of every provider set through the console', () => {
  it('run the whole lifecycle', { timeout: 120_000 }, async () => {
    const runs: Array<{ id: number; expect: 'succeeded' | 'failed'; what: string }> = [];

    // GoHighLevel through the wizard: create, test, activate, sync; edit replacing the key (wizard) and keeping it.
    const g = await wizardCreate({ templateId: tpl.GoHighLevel, name: 'Canary GHL', config: { apiKey: CANARY.ghlApiKey, locationId: FAKE_LOCATION_ID } });
    expect(g.tested.ok).toBe(true);
    expect(g.saved.config.apiKey).toBe(SECRET_PLACEHOLDER);
    runs.push({ id: await testActivateSync(g.saved), expect: 'succeeded', what: 'GHL sync' });
    const gEdited: Integration = await wizardEdit(g.saved.id, 'Canary GHL 2', { apiKey: CANARY.ghlApiKeyEdit, locationId: FAKE_LOCATION_ID });
    expect(gEdited).toMatchObject({ name: 'Canary GHL 2', secretFieldsSet: ['apiKey'] });
    expect((await call('integrations.test', gEdited.id)).ok).toBe(true);
    const gKept = await call('integrations.update', gEdited.id, { version: gEdited.version, name: 'Canary GHL 3', config: { apiKey: SECRET_PLACEHOLDER, locationId: FAKE_LOCATION_ID } });
    // Failures: rejected key (unsaved test, saved test, sync), validation, conflict, a pasted "Bearer …".
    const gBad = await wizardCreate({ templateId: tpl.GoHighLevel, name: 'Canary GHL rejected', config: { apiKey: CANARY.ghlApiKeyRejected, locationId: FAKE_LOCATION_ID } });
    expect(gBad.tested.ok).toBe(false);
    runs.push({ id: await testActivateSync(gBad.saved), expect: 'failed', what: 'GHL sync with a rejected key' });
    expect(await attempt('integrations.update', gKept.id, { version: gKept.version, config: { apiKey: CANARY.ghlApiKey, locationId: 'bad id!' } })).toMatchObject({ code: 'validation' });
    expect(await attempt('integrations.update', gKept.id, { version: 1, config: { apiKey: CANARY.ghlApiKey, locationId: FAKE_LOCATION_ID } })).toMatchObject({ code: 'conflict' });
    expect(await attempt('integrations.create', { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'bad', config: { apiKey: `Bearer ${CANARY.ghlApiKey}`, locationId: FAKE_LOCATION_ID } })).toMatchObject({ code: 'validation' });
    // A draft the server refuses stays a draft, its secret sealed on disk.
    expect((await wizardCreate({ templateId: tpl.GoHighLevel, name: 'Canary GHL draft', config: { apiKey: CANARY.ghlApiKeyEdit, locationId: 'bad id!' } })).saved).toMatchObject({ code: 'validation' });
    await call('integrations.rotateWebhookSecret', gKept.id);

    // Facebook Ads through the wizard, then a webhook signed with the app secret.
    const fbConfig = { accessToken: CANARY.fbAccessToken, appSecret: CANARY.fbAppSecret, adAccountId: FAKE.adAccountId, pageId: FAKE.pageId };
    const f = await wizardCreate({ templateId: tpl.FacebookAds, name: 'Canary FB', config: fbConfig });
    expect(f.tested.ok).toBe(true);
    expect(f.saved.secretFieldsSet.sort()).toEqual(['accessToken', 'appSecret']);
    runs.push({ id: await testActivateSync(f.saved), expect: 'succeeded', what: 'FB sync' });
    const fEdited: Integration = await wizardEdit(f.saved.id, 'Canary FB 2', { ...fbConfig, accessToken: CANARY.fbAccessTokenEdit, appSecret: SECRET_PLACEHOLDER });
    expect((await call('integrations.test', fEdited.id)).ok).toBe(true);
    const lead = JSON.stringify({ object: 'page', entry: [{ id: FAKE.pageId, time: Math.floor(Date.now() / 1000), changes: [{ field: 'leadgen', value: { leadgen_id: '9876543210', page_id: FAKE.pageId, form_id: '444555666', created_time: Math.floor(Date.now() / 1000) } }] }] });
    const sig = `sha256=${createHmac('sha256', CANARY.fbAppSecret).update(lead).digest('hex')}`;
    const delivered = await fetch(`${relay.url}/api/webhooks/${fEdited.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body: lead });
    expect(delivered.status).toBe(200);
    const forged = await fetch(`${relay.url}/api/webhooks/${fEdited.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, body: lead });
    expect(forged.status).toBe(401);
    // Failures: a rejected token (unsaved test, saved test, sync), a draft the server refuses, an edit draft left unsent.
    const fBad = await wizardCreate({ templateId: tpl.FacebookAds, name: 'Canary FB rejected', config: { ...fbConfig, accessToken: CANARY.fbAccessTokenRejected } });
    expect(fBad.tested.ok).toBe(false);
    runs.push({ id: await testActivateSync(fBad.saved), expect: 'failed', what: 'FB sync with a rejected token' });
    expect((await wizardCreate({ templateId: tpl.FacebookAds, name: 'Canary FB draft', config: { ...fbConfig, adAccountId: 'not an id' } })).saved).toMatchObject({ code: 'validation' });
    const fCurrent = (await call('integrations.get', fEdited.id)).data as Integration;
    await call('drafts.save', { kind: 'edit', integrationId: fCurrent.id, baseVersion: fCurrent.version, subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'Canary FB edit', description: null, config: { ...fCurrent.config, accessToken: CANARY.fbAccessTokenRejected } });

    // Google Analytics through the wizard: the key file with the canary private key.
    const gaConfig = { serviceAccountKey: GA.valid.keyFile, propertyId: PROPERTY_ID };
    const a = await wizardCreate({ templateId: tpl.GoogleAnalytics, name: 'Canary GA', config: gaConfig });
    expect(a.tested).toMatchObject({ ok: true });
    expect(a.saved.secretFieldsSet).toEqual(['serviceAccountKey']);
    runs.push({ id: await testActivateSync(a.saved), expect: 'succeeded', what: 'GA sync' });
    const aEdited: Integration = await wizardEdit(a.saved.id, 'Canary GA 2', { serviceAccountKey: GA.edit.keyFile, propertyId: PROPERTY_ID });
    expect((await call('integrations.test', aEdited.id)).ok).toBe(true);
    await call('integrations.update', aEdited.id, { version: aEdited.version, name: 'Canary GA 3', config: { serviceAccountKey: SECRET_PLACEHOLDER, propertyId: PROPERTY_ID } });
    // Failures: a key Google does not know (unsaved test, saved test, sync), a truncated paste, a bare PEM.
    const aBad = await wizardCreate({ templateId: tpl.GoogleAnalytics, name: 'Canary GA rejected', config: { ...gaConfig, serviceAccountKey: GA.rejected.keyFile } });
    expect(aBad.tested.ok).toBe(false);
    runs.push({ id: await testActivateSync(aBad.saved), expect: 'failed', what: 'GA sync with an unknown key' });
    const truncated = GA.valid.keyFile.slice(0, Math.floor(GA.valid.keyFile.length * 0.7));
    expect((await wizardCreate({ templateId: tpl.GoogleAnalytics, name: 'Canary GA draft', config: { ...gaConfig, serviceAccountKey: truncated } })).saved).toMatchObject({ code: 'validation' });
    expect(await attempt('integrations.create', { subAccountId: sub, integrationTemplateId: tpl.GoogleAnalytics, name: 'pem only', config: { ...gaConfig, serviceAccountKey: JSON.parse(GA.edit.keyFile).private_key } })).toMatchObject({ code: 'validation' });

    // Every sync, then everything the screens read.
    const finished = await waitRuns(runs.map((r) => r.id));
    expect(finished.map((r, i) => `${runs[i].what}: ${r.status}`)).toEqual(runs.map((r) => `${r.what}: ${r.expect}`));
    for (const i of [gKept, fEdited, aEdited]) {
      await call('integrations.records', i.id, { limit: 50 });
      await call('syncRuns.list', i.id);
      await call('integrations.get', i.id);
    }
    await call('integrations.webhookEvents', fEdited.id);
    for (const m of ['integrations.list', 'integrations.summary', 'templates.list', 'subaccounts.list', 'audit.list', 'auth.getSession', 'profiles.list', 'settings.get', 'drafts.list']) await call(m);
    await call('metrics.get', {});
  });

  it('appear in no response, log line, database dump, user-data file or IPC result', async () => {
    const places: Array<[string, string]> = [
      ['HTTP responses', relay.text()],
      ['server logs', s.logs.join('\n')],
      ['console logs', consoleLogs.join('\n')],
      ['database dump', await dumpAllText(s.database)],
      ['IPC results and events', ipcResults.join('\n')],
    ];
    expect(relay.text().length).toBeGreaterThan(10_000);
    expect(ipcResults.length).toBeGreaterThan(60);
    // The offline cache writes behind its answers: everything it was given must be on disk to be scanned.
    await host.core.active().cache.flush();
    const files = (readdirSync(userData, { recursive: true }) as string[]).filter((f) => statSync(join(userData, f)).isFile());
    // The scan is only worth something if the secrets were at rest there: drafts of every provider, the cache.
    const drafts = (await call('drafts.list')) as Array<{ templateName: string; draftSecrets: string[] }>;
    for (const provider of ['GoHighLevel', 'Facebook', 'Google Analytics']) {
      expect(drafts.some((d) => d.templateName.includes(provider) && d.draftSecrets.length > 0), `a draft of ${provider} with secrets`).toBe(true);
    }
    expect(files.filter((f) => f.split(sep).includes('drafts')).length).toBe(drafts.length);
    expect(files.filter((f) => f.split(sep).includes('cache')).length).toBeGreaterThan(5);
    expect(files.some((f) => f.includes(`cache${sep}integrations${sep}shard-`))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(join(userData, f));
      places.push([`user-data file ${f}`, `${bytes.toString('utf8')}\n${bytes.toString('latin1')}`]);
    }
    const forms = (n: string) => [n, Buffer.from(n).toString('base64'), Buffer.from(n).toString('base64url'), encodeURIComponent(n), JSON.stringify(n).slice(1, -1)];
    for (const [where, text] of places) {
      for (const n of needles) {
        for (const form of forms(n)) {
          if (text.includes(form)) expect.fail(`canary ${n.slice(0, 40)}… found in ${where}`);
        }
      }
    }
  });
});
