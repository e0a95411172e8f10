import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE, startFakeGraph, type FakeGraph } from './fake/fake-graph';
import { fakeConfig, recordingSleep } from './fake/test-support';
import { createFacebookAdsHandler } from './handler';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

const call = (apiVersion = 'v27.0') => ({ signal: new AbortController().signal, apiVersion });

describe('testConnection against the fake Graph API', () => {
  it('reports the ad account and Page it reached', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ pageId: FAKE.pageId }), call());
    expect(outcome).toMatchObject({
      ok: true,
      status: 'active',
      message: 'Connected to ad account "Acme Ads" (USD) and Page "Acme Page"',
      details: {
        adAccount: { id: `act_${FAKE.adAccountId}`, name: 'Acme Ads', currency: 'USD', accountStatus: 1 },
        page: { id: FAKE.pageId, name: 'Acme Page' },
      },
    });
    expect(fake.state.requests.map((r) => [r.path, r.query.fields])).toEqual([
      ['/v27.0/debug_token', undefined],
      [`/v27.0/act_${FAKE.adAccountId}`, 'name,account_status,currency'],
      [`/v27.0/${FAKE.pageId}`, 'name'],
    ]);
    // The token travels in the Authorization header only, never in a URL.
    expect(fake.state.requests.every((r) => r.tokenVia === 'header' && !('access_token' in r.query))).toBe(true);
  });

  it('accepts the bare account number and uses the template API version', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ adAccountId: FAKE.adAccountId }), call('v26.0'));
    expect(outcome.message).toBe('Connected to ad account "Acme Ads" (USD)');
    expect(outcome.details).not.toHaveProperty('page');
    expect(fake.state.requests[1].path).toBe(`/v26.0/act_${FAKE.adAccountId}`);
  });

  it('fails with status error when the ad account is disabled', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ adAccountId: FAKE.disabledAdAccountId }), call());
    expect(outcome.ok).toBe(false);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/^Reached ad account "Old Ads" \(EUR\), but it is disabled \(account_status 2\)/);
    expect(outcome.details).toMatchObject({ adAccount: { accountStatus: 2 } });
  });

  it('marks the integration disconnected when the token expired (190)', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ accessToken: FAKE.expiredToken }), call());
    expect(outcome.ok).toBe(false);
    expect(outcome.status).toBe('disconnected');
    expect(outcome.message).toMatch(/^Facebook rejected the access token \(190\/463: Error validating access token: Session has expired on/);
    expect(outcome.details).toMatchObject({ error: { type: 'auth_rejected', retryable: false } });
  });

  it('treats an unparsable token the same way', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ accessToken: 'EAAGnotATokenTheFakeKnows' }), call());
    expect(outcome.status).toBe('disconnected');
    expect(outcome.message).toContain('(190: Invalid OAuth access token - Cannot parse access token)');
  });

  it('reports missing permissions (200) as an error the user fixes, not a disconnect', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ accessToken: FAKE.noAdsReadToken }), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'no_access', retryable: false } } });
    expect(outcome.message).toContain('Facebook denied access to ad account 1234567890 (200: Ad account owner has NOT grant ads_management or ads_read permission)');
  });

  it('never lets the token into an error message, even if Graph echoes it', async () => {
    fake.state.faults.push({ kind: 'graphError', times: 1, path: '/act_', error: { message: `(#100) Invalid parameter access_token=${FAKE.validToken}`, type: 'OAuthException', code: 100 } });
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig(), call());
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('access_token=[token]');
    expect(JSON.stringify(outcome)).not.toContain(FAKE.validToken);
  });

  it('reports an app without the permission (10) as no_access', async () => {
    fake.state.faults.push({ kind: 'graphError', times: 1, path: '/act_', error: { message: '(#10) Application does not have permission for this action', type: 'OAuthException', code: 10 } });
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig(), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'no_access' } } });
    expect(outcome.message).toContain('(10: Application does not have permission for this action)');
  });

  it('reports an unknown ad account as not found', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ adAccountId: '999' }), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'not_found' } } });
    expect(outcome.message).toMatch(/^Facebook could not find ad account 999, or the token cannot see it \(100\/33: Unsupported get request/);
  });

  it('keeps the ad account details when only the Page is wrong', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig({ pageId: '4242' }), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { adAccount: { name: 'Acme Ads' }, error: { type: 'not_found' } } });
    expect(outcome.message).toContain('Page 4242');
  });

  it('does not retry or wait when throttled: it says when to try again', async () => {
    fake.state.faults.push({ kind: 'throttle', code: 80004, regainMinutes: 7, times: 5, path: '/act_' });
    const sleep = recordingSleep();
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, sleep });
    const outcome = await handler.testConnection(fakeConfig(), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'rate_limited', retryAfterMs: 7 * 60_000 } } });
    expect(outcome.message).toContain('retry in about 7 min');
    expect(fake.state.requests.filter((r) => r.path.includes('/act_'))).toHaveLength(1);
    expect(sleep.waits).toEqual([]);
  });

  it('turns a slow Graph into a timeout outcome', async () => {
    fake.state.faults.push({ kind: 'slow', delayMs: 5_000, times: 1, path: '/act_' });
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, timeoutMs: 200 });
    const started = Date.now();
    const outcome = await handler.testConnection(fakeConfig(), call());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(outcome).toMatchObject({ ok: false, status: 'error', message: 'Facebook did not answer within 0.2 s (reading ad account 1234567890)', details: { error: { type: 'timeout', retryable: true } } });
  });

  it('reports truncated JSON as a bad response', async () => {
    fake.state.faults.push({ kind: 'truncate', times: 1, path: '/act_' });
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const outcome = await handler.testConnection(fakeConfig(), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'bad_response' } } });
    expect(outcome.message).toMatch(/not a JSON object/);
  });

  it('reports an unreachable Graph as a network error', async () => {
    // Start the replacement first so it cannot be handed the port being closed.
    const gone = fake;
    fake = await startFakeGraph();
    await gone.close();
    const url = gone.url;
    const handler = createFacebookAdsHandler({ baseUrl: url });
    const outcome = await handler.testConnection(fakeConfig(), call());
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'network', retryable: true } } });
    expect(outcome.message).toMatch(/^Could not reach Facebook while reading ad account 1234567890 \(ECONNREFUSED\)/);
  });

  it('signs calls with appsecret_proof and explains a secret from another app', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const good = await handler.testConnection(fakeConfig({ appSecret: FAKE.appSecret }), call());
    expect(good.ok).toBe(true);
    expect(fake.state.requests[0].query.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);

    const bad = await handler.testConnection(fakeConfig({ appSecret: 'ffffffffffffffffffffffffffffffff' }), call());
    expect(bad).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'invalid_config' } } });
    expect(bad.message).toContain('it must belong to the app that issued the access token');
  });

  it('leaves a cancelled test to its caller', async () => {
    fake.state.faults.push({ kind: 'slow', delayMs: 5_000, times: 1 });
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(handler.testConnection(fakeConfig(), { signal: controller.signal })).rejects.toMatchObject({ type: 'cancelled' });
  });
});
