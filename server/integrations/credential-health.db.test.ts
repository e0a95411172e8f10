import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createFacebookAdsHandler } from '../providers/facebook-ads';
import { FAKE, startFakeGraph, type FakeGraph } from '../providers/facebook-ads/fake/fake-graph';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl } from '../providers/gohighlevel/fake';
import { HandlerRegistry } from '../providers/registry';

/** Credential health and provider warnings, recorded by tests and syncs and returned in the integration DTO. */
let s: TestServer;
let graph: FakeGraph;
let ghl: FakeGhl;
let token: string;
let tpl: Record<string, number>;
let sub: number;
const userToken = 'EAAGfakeUserToken60days0001';
const expiresAt = '2026-12-20T00:00:00.000Z';
// Our clock and version table a day before v24.0's expiry; Meta's calendar (the fake's) already past it.
const ourNow = new Date('2026-11-09T10:00:00Z');

beforeAll(async () => {
  graph = await startFakeGraph({ today: () => new Date('2026-12-08T10:00:00Z') });
  graph.state.tokens[userToken] = { status: 'valid', type: 'USER', scopes: ['ads_read'], expiresAt: Date.parse(expiresAt) / 1000, dataAccessExpiresAt: Date.parse('2027-02-01T00:00:00Z') / 1000 };
  ghl = await startFakeGhl();
  const handlers = new HandlerRegistry()
    .register(createFacebookAdsHandler({ baseUrl: graph.url, now: () => ourNow }))
    .register(createGoHighLevelHandler({ baseUrl: ghl.url }));
  s = await createTestServer({ handlers, sync: {} });
  token = (await s.login()).access_token;
  tpl = await templateIds(s, token);
  sub = await createSubAccount(s, token, 'Health');
});
afterAll(async () => {
  await s?.close();
  await graph?.close();
  await ghl?.close();
});

async function create(templateId: number, name: string, config: Record<string, unknown>): Promise<number> {
  const res = await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: templateId, name, config } });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}
const get = async (id: number) => (await s.call('GET', `/api/integrations/${id}`, { token })).json();

async function syncToEnd(id: number) {
  const { syncRunId } = (await s.call('POST', `/api/integrations/${id}/sync`, { token })).json();
  for (let i = 0; i < 200; i++) {
    const run = (await s.call('GET', `/api/sync-runs/${syncRunId}`, { token })).json();
    if (run.finishedAt) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sync did not finish');
}

describe('credential health', () => {
  it('starts unknown, then a Meta test records the token from debug_token', async () => {
    const id = await create(tpl.FacebookAds, 'FB user token', { accessToken: userToken, adAccountId: FAKE.adAccountId });
    expect(await get(id)).toMatchObject({ credentialHealth: null, warnings: [] });
    const result = (await s.call('POST', `/api/integrations/${id}/test`, { token })).json();
    expect(result.ok).toBe(true);
    expect((await get(id)).credentialHealth).toEqual({
      kind: 'expiring_token', expiresAt, dataAccessExpiresAt: '2027-02-01T00:00:00.000Z', lastVerifiedAt: ourNow.toISOString(), valid: true, scopes: ['ads_read'], missingScopes: [],
    });
    // The list carries it too (the trigger-kept DTO).
    const listed = (await s.call('GET', `/api/integrations?subAccountId=${sub}`, { token })).json().items.find((i: { id: number }) => i.id === id);
    expect(listed.credentialHealth.expiresAt).toBe(expiresAt);
  });

  it('records a GoHighLevel Private Integration Token as a static key once a test succeeds', async () => {
    const id = await create(tpl.GoHighLevel, 'GHL', { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID });
    expect((await s.call('POST', `/api/integrations/${id}/test`, { token })).json().ok).toBe(true);
    expect((await get(id)).credentialHealth).toMatchObject({ kind: 'static_key', expiresAt: null, valid: true, missingScopes: [] });
  });

  it('marks the credential not valid when Meta rejects the token', async () => {
    const id = await create(tpl.FacebookAds, 'FB expired', { accessToken: FAKE.expiredToken, adAccountId: FAKE.adAccountId });
    await s.call('POST', `/api/integrations/${id}/test`, { token });
    expect(await get(id)).toMatchObject({ status: 'disconnected', credentialHealth: { valid: false } });
  });

  it('records an auto-upgraded version as a warning on the integration at a sync, and clears it once on a live version', async () => {
    const tplRow = (await s.call('GET', `/api/integration-templates/${tpl.FacebookAds}`, { token })).json();
    expect((await s.call('PUT', `/api/integration-templates/${tpl.FacebookAds}`, { token, body: { apiVersion: 'v24.0' } })).statusCode).toBe(200);
    try {
      const id = await create(tpl.FacebookAds, 'FB upgraded', { accessToken: FAKE.validToken, adAccountId: FAKE.adAccountId });
      const run = await syncToEnd(id);
      expect(run.status).toBe('succeeded');
      const after = await get(id);
      expect(after.warnings).toEqual([{ code: 'api_version_upgraded', message: expect.stringContaining('Marketing API v24.0'), at: ourNow.toISOString() }]);
      expect(after.credentialHealth).toMatchObject({ kind: 'static_key', valid: true });

      await s.call('PUT', `/api/integration-templates/${tpl.FacebookAds}`, { token, body: { apiVersion: tplRow.apiVersion } });
      expect((await syncToEnd(id)).status).toBe('succeeded');
      expect((await get(id)).warnings).toEqual([]);
    } finally {
      await s.call('PUT', `/api/integration-templates/${tpl.FacebookAds}`, { token, body: { apiVersion: tplRow.apiVersion } });
    }
  });
});
