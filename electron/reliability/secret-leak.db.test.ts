/**
 * Secret-leak scan through the console path: canary secrets entered over IPC (integrations.create, drafts.save,
 * drafts.submit) by the node host, against the real server over loopback HTTP. After a full run (create, edit,
 * test, sync, webhook, failure paths) no canary appears in any HTTP response, server log line, database text
 * dump, file of the user-data folder (drafts, cache, profiles, vault) or anything returned over IPC.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpAllText } from '../../test-support/database';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, SUPER, type TestServer } from '../../test-support/server';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { createFacebookAdsHandler } from '../../server/providers/facebook-ads';
import { FAKE, startFakeGraph, type FakeGraph } from '../../server/providers/facebook-ads/fake/fake-graph';
import { createGoHighLevelHandler } from '../../server/providers/gohighlevel';
import { FAKE_LOCATION_ID, startFakeGhl, type FakeGhl } from '../../server/providers/gohighlevel/fake';
import { RateLimiterRegistry } from '../../server/providers/gohighlevel/rate-limiter';
import { HandlerRegistry } from '../../server/providers/registry';
import { createNodeHost, type NodeHost } from '../node-host';

const CANARY = {
  ghlApiKey: 'pit-CANARYghl7f3a9c2e4b1d0000',
  fbAppSecret: 'CANARYfbappsecret0a1b2c3d4e5f6a7b',
  fbAccessToken: 'EAAGCANARYfbtoken5e8d2a7c9f01',
};
const canaries = Object.values(CANARY);

/** A loopback relay that records every byte the server sends back. */
async function recordingRelay(port: number) {
  const fromServer: Buffer[] = [];
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    upstream.on('data', (d) => fromServer.push(Buffer.from(d)));
    client.on('error', () => upstream.destroy()).pipe(upstream).on('error', () => client.destroy()).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, text: () => Buffer.concat(fromServer).toString('latin1'), close: () => new Promise<void>((r) => server.close(() => r())) };
}

let s: TestServer;
let ghl: FakeGhl;
let graph: FakeGraph;
let relay: Awaited<ReturnType<typeof recordingRelay>>;
let host: NodeHost;
let userData: string;
const ipcResults: string[] = [];
let sub: number;
let tpl: Record<string, number>;

async function call(method: string, ...args: unknown[]): Promise<any> {
  const r = await host.dispatch(method, args, { trusted: true });
  ipcResults.push(JSON.stringify(r));
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value;
}
const attempt = (method: string, ...args: unknown[]) => call(method, ...args).catch((e) => e);

async function waitRun(id: number) {
  for (let i = 0; i < 300; i++) {
    const run = await call('syncRuns.get', id);
    if (['succeeded', 'failed', 'partial'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('run did not finish');
}

beforeAll(async () => {
  ghl = await startFakeGhl({ tokens: { [CANARY.ghlApiKey]: { locations: [FAKE_LOCATION_ID] } }, locations: [{ id: FAKE_LOCATION_ID, name: 'Acme', contacts: 30, calendars: 1, eventsPerCalendar: 2 }] });
  graph = await startFakeGraph({ appSecret: CANARY.fbAppSecret });
  const handlers = new HandlerRegistry()
    .register(createGoHighLevelHandler({ baseUrl: ghl.url, timeoutMs: 2_000, maxTransientRetries: 0, maxRateLimitRetries: 0, limiters: new RateLimiterRegistry() }))
    .register(createFacebookAdsHandler({ baseUrl: graph.url }));
  s = await createTestServer({ handlers, sync: { maxAttempts: 1, retryBaseMs: 50, heartbeatMs: 50 } });
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  relay = await recordingRelay((s.app.server.address() as AddressInfo).port);
  const token = (await s.login()).access_token;
  sub = await createSubAccount(s, token, 'Canary Dental');
  tpl = await templateIds(s, token);
  userData = mkdtempSync(join(tmpdir(), 'loctelli-canary-'));
  host = createNodeHost({ userDataDir: userData, probeIntervalMs: 200, syncPollMs: 50, startServer: () => Promise.reject(new Error('remote only')), dispatcher: { validateResults: true } });
  const profile = await call('profiles.add', { name: 'Team server', baseUrl: `${relay.url}/api` });
  await call('profiles.switch', profile.id);
  await call('auth.signIn', { email: SUPER.email, password: SUPER.password });
}, 120_000);

afterAll(async () => {
  await host?.core.stop();
  await relay?.close();
  await s?.close();
  await ghl?.close();
  await graph?.close();
});

describe('canary secrets set through the console', () => {
  it('run the whole lifecycle', { timeout: 120_000 }, async () => {
    // GoHighLevel: unsaved test, create, test, sync, edits keeping and replacing the secret, failures.
    expect((await call('integrations.testConfig', tpl.GoHighLevel, { apiKey: CANARY.ghlApiKey, locationId: FAKE_LOCATION_ID })).ok).toBe(true);
    const g = await call('integrations.create', { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'Canary GHL', config: { apiKey: CANARY.ghlApiKey, locationId: FAKE_LOCATION_ID } });
    expect(g.config.apiKey).toBe(SECRET_PLACEHOLDER);
    expect((await call('integrations.test', g.id)).ok).toBe(true);
    const run = await waitRun((await call('integrations.sync', g.id)).syncRunId);
    expect(run.status).toBe('succeeded');
    await call('integrations.records', g.id, { kind: 'contact', limit: 50 });
    const edited = await call('integrations.update', g.id, { version: g.version, name: 'Canary GHL 2', config: { apiKey: SECRET_PLACEHOLDER, locationId: FAKE_LOCATION_ID } });
    expect(await attempt('integrations.update', g.id, { version: edited.version, config: { apiKey: CANARY.ghlApiKey, locationId: 'bad id!' } })).toMatchObject({ code: 'validation' });
    expect(await attempt('integrations.update', g.id, { version: 1, config: { apiKey: CANARY.ghlApiKey, locationId: FAKE_LOCATION_ID } })).toMatchObject({ code: 'conflict' });
    expect(await attempt('integrations.create', { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'bad', config: { apiKey: `Bearer ${CANARY.ghlApiKey}`, locationId: FAKE_LOCATION_ID } })).toMatchObject({ code: 'validation' });
    ghl.state.faults.serverError = Infinity;
    expect((await waitRun((await call('integrations.sync', g.id)).syncRunId)).status).toBe('failed');
    expect((await call('integrations.test', g.id)).ok).toBe(false);
    ghl.state.faults.serverError = 0;
    await call('integrations.rotateWebhookSecret', g.id);

    // Facebook Ads through a draft: saved with the secrets, submitted, tested, then a webhook signed with the app secret.
    const draft = await call('drafts.save', {
      kind: 'create', subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'Canary FB', description: null,
      config: { accessToken: FAKE.validToken, appSecret: CANARY.fbAppSecret, adAccountId: FAKE.adAccountId, pageId: FAKE.pageId },
    });
    await call('drafts.get', draft.id);
    await call('drafts.list');
    const fb = await call('drafts.submit', draft.id);
    expect(fb.secretFieldsSet.sort()).toEqual(['accessToken', 'appSecret']);
    await call('integrations.test', fb.id);
    const lead = JSON.stringify({ object: 'page', entry: [{ id: FAKE.pageId, time: Math.floor(Date.now() / 1000), changes: [{ field: 'leadgen', value: { leadgen_id: '9876543210', page_id: FAKE.pageId, form_id: '444555666', created_time: Math.floor(Date.now() / 1000) } }] }] });
    const sig = `sha256=${createHmac('sha256', CANARY.fbAppSecret).update(lead).digest('hex')}`;
    const delivered = await fetch(`${relay.url}/api/webhooks/${fb.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body: lead });
    expect(delivered.status).toBe(200);
    const forged = await fetch(`${relay.url}/api/webhooks/${fb.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, body: lead });
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_500));
    await call('integrations.webhookEvents', fb.id);
    // A draft with a rejected token, kept as a draft after its submit fails; and an edit draft.
    const badDraft = await call('drafts.save', { kind: 'create', subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'Canary FB bad', description: null, config: { accessToken: CANARY.fbAccessToken, appSecret: CANARY.fbAppSecret, adAccountId: 'not an id' } });
    expect(await attempt('drafts.submit', badDraft.id)).toMatchObject({ code: 'validation' });
    await call('drafts.save', { kind: 'edit', integrationId: fb.id, baseVersion: fb.version, subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'Canary FB edit', description: null, config: { ...fb.config, accessToken: CANARY.fbAccessToken } });
    const bad = await call('integrations.create', { subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'Canary FB rejected', config: { accessToken: CANARY.fbAccessToken, appSecret: CANARY.fbAppSecret, adAccountId: FAKE.adAccountId } });
    expect((await call('integrations.test', bad.id)).ok).toBe(false);
    // Everything the screens read.
    for (const m of ['integrations.list', 'integrations.summary', 'templates.list', 'subaccounts.list', 'audit.list', 'auth.getSession', 'profiles.list', 'settings.get']) await call(m);
    await call('metrics.get', {});
    await call('syncRuns.list', g.id);
    await call('integrations.get', g.id);
  });

  it('appear in no response, log line, database dump, user-data file or IPC result', async () => {
    const places: Array<[string, string]> = [
      ['HTTP responses', relay.text()],
      ['server logs', s.logs.join('\n')],
      ['database dump', await dumpAllText(s.database)],
      ['IPC results', ipcResults.join('\n')],
    ];
    expect(relay.text().length).toBeGreaterThan(10_000);
    expect(ipcResults.length).toBeGreaterThan(30);
    const files = (readdirSync(userData, { recursive: true }) as string[]).filter((f) => statSync(join(userData, f)).isFile());
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const bytes = readFileSync(join(userData, f));
      places.push([`user-data file ${f}`, `${bytes.toString('utf8')}\n${bytes.toString('latin1')}`]);
    }
    for (const [where, text] of places) {
      for (const c of canaries) {
        for (const form of [c, Buffer.from(c).toString('base64'), Buffer.from(c).toString('base64url'), encodeURIComponent(c)]) {
          expect(text.includes(form), `${c} found in ${where}`).toBe(false);
        }
      }
    }
  });
});
