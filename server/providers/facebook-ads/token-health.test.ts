import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appToken, FAKE, startFakeGraph, type FakeGraph } from './fake/fake-graph';
import { fakeConfig, syncContext } from './fake/test-support';
import { createFacebookAdsHandler } from './handler';

let fake: FakeGraph;
const now = new Date('2026-12-08T10:00:00Z');
const unix = (iso: string) => Date.parse(iso) / 1000;
const userToken = 'EAAGfakeUserToken60days0001';
beforeEach(async () => {
  fake = await startFakeGraph();
  fake.state.tokens[userToken] = {
    status: 'valid', type: 'USER', scopes: ['ads_read', 'pages_show_list'],
    expiresAt: unix('2026-12-20T00:00:00Z'), dataAccessExpiresAt: unix('2027-02-01T00:00:00Z'),
  };
});
afterEach(async () => {
  await fake.close();
});

const call = { signal: new AbortController().signal, apiVersion: 'v27.0' };

describe('token health (GET /debug_token)', () => {
  it('records expiry, data access expiry, scopes and validity at a test; the token inspects itself without an App Secret', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => now });
    const outcome = await handler.testConnection(fakeConfig({ accessToken: userToken }), call);
    expect(outcome.ok).toBe(true);
    expect(outcome.health?.credential).toEqual({
      kind: 'expiring_token',
      expiresAt: '2026-12-20T00:00:00.000Z',
      dataAccessExpiresAt: '2027-02-01T00:00:00.000Z',
      lastVerifiedAt: now.toISOString(),
      valid: true,
      scopes: ['ads_read', 'pages_show_list'],
      missingScopes: [],
    });
    const debug = fake.state.requests.find((r) => r.path === '/v27.0/debug_token')!;
    expect(debug.query.input_token).toBe(userToken);
  });

  it('uses the app token when an App Secret is configured', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => now });
    const outcome = await handler.testConnection(fakeConfig({ appSecret: FAKE.appSecret }), call);
    expect(outcome.ok).toBe(true);
    expect(outcome.health?.credential).toMatchObject({ kind: 'static_key', expiresAt: null, valid: true });
    const [app, debug] = fake.state.requests;
    expect(app.path).toBe('/v27.0/app');
    expect(debug.path).toBe('/v27.0/debug_token');
    // The app token travelled in the header (the fake accepts {app-id}|{app-secret} only on debug_token and app).
    expect(debug.tokenVia).toBe('header');
    expect(debug.query).not.toHaveProperty('appsecret_proof');
    expect(JSON.stringify(outcome)).not.toContain(appToken(fake.state));
  });

  it('names the permissions the config needs that the token lacks', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => now });
    const outcome = await handler.testConnection(fakeConfig({ accessToken: userToken, pageId: FAKE.pageId }), call);
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { token: { missingScopes: ['leads_retrieval', 'pages_read_engagement'] } } });
    expect(outcome.message).toBe(
      'Connected to ad account "Acme Ads" (USD) and Page "Acme Page", but the token lacks the permissions leads_retrieval and pages_read_engagement. Generate a token with them and update the integration.',
    );
    expect(outcome.health?.credential?.missingScopes).toEqual(['leads_retrieval', 'pages_read_engagement']);
  });

  it('an expired token inspected with the app token: disconnected, recorded as not valid', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => now });
    const outcome = await handler.testConnection(fakeConfig({ accessToken: FAKE.expiredToken, appSecret: FAKE.appSecret }), call);
    // GET /app with the dead token already fails with 190: the same verdict, in Meta's words.
    expect(outcome).toMatchObject({ ok: false, status: 'disconnected' });
    expect(outcome.health?.credential).toMatchObject({ valid: false });
  });

  it('records token health at every sync too, and names missing permissions in its notes', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => now });
    const summary = await handler.syncData!(fakeConfig({ accessToken: userToken, pageId: FAKE.pageId }), syncContext({ apiVersion: 'v27.0' }));
    expect(summary.health?.credential).toMatchObject({ kind: 'expiring_token', expiresAt: '2026-12-20T00:00:00.000Z' });
    expect(summary.notes).toContain('the token lacks the permissions leads_retrieval and pages_read_engagement');
  });

  it('goes on without health when debug_token itself has a passing problem', async () => {
    fake.state.faults.push({ kind: 'http500', times: 1, path: '/debug_token' });
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => now });
    const outcome = await handler.testConnection(fakeConfig(), call);
    expect(outcome.ok).toBe(true);
    expect(outcome.health?.credential).toBeNull();
  });
});
