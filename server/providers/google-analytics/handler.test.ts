import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { fakeDailyMetrics } from './fake/daily-data';
import { FAKE_TODAY, type Harness, memorySyncContext, PROPERTY_ID, startHarness } from './fake/harness';
import { createTestServiceAccount } from './fake/service-account-keys';
import { googleAnalyticsHandlerFromEnv } from './index';

let h: Harness;
const call = { signal: new AbortController().signal };
const reportRequests = () => h.fake.state.dataRequests.filter((r) => r.path.endsWith(':runReport'));
const startDates = () => reportRequests().map((r) => (r.body as { dateRanges: { startDate: string }[] }).dateRanges[0].startDate);

beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.fake.close());

describe('testConnection', () => {
  it('reads the property metadata and says who connected to what', async () => {
    const outcome = await h.handler().testConnection(h.config, call);
    expect(outcome).toEqual({
      ok: true,
      status: 'active',
      message: `Connected to GA4 property ${PROPERTY_ID} as loctelli-sync@loctelli-test.iam.gserviceaccount.com`,
      details: { property: `properties/${PROPERTY_ID}`, serviceAccount: h.account.email, dimensions: 1, metrics: 6 },
    });
    expect(h.fake.state.dataRequests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /v1beta/properties/${PROPERTY_ID}/metadata 200`]);
  });

  it('reuses one access token across calls', async () => {
    const handler = h.handler();
    await handler.testConnection(h.config, call);
    await handler.testConnection(h.config, call);
    await handler.syncData!(h.config, memorySyncContext(null).ctx);
    expect(h.fake.state.tokensIssued).toBe(1);
  });

  it('marks the integration disconnected when Google rejects the key', async () => {
    h.fake.registerServiceAccount(h.account.email, createTestServiceAccount().publicKey); // the key was replaced
    const outcome = await h.handler().testConnection(h.config, call);
    expect(outcome.ok).toBe(false);
    expect(outcome.status).toBe('disconnected');
    expect(outcome.message).toMatch(/^Google rejected the service account key \(invalid_grant: Invalid JWT Signature\.\)/);
    expect(outcome.details).toMatchObject({ error: 'auth_rejected', retryable: false });
  });

  it('explains a 403 with the service account e-mail to add as a Viewer', async () => {
    const outsider = createTestServiceAccount('outsider@other-project.iam.gserviceaccount.com');
    h.fake.registerServiceAccount(outsider.email, outsider.publicKey);
    const outcome = await h.handler().testConnection({ ...h.config, serviceAccountKey: outsider.keyFile }, call);
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: 'no_access', httpStatus: 403, serviceAccount: outsider.email } });
    expect(outcome.message).toContain('Add outsider@other-project.iam.gserviceaccount.com as a Viewer in Property access management');
    expect(outcome.message).toContain('403 PERMISSION_DENIED: User does not have sufficient permissions for this property');
  });

  it('answers 403 for a property that does not exist, as Google does', async () => {
    const outcome = await h.handler().testConnection({ ...h.config, propertyId: '987654321' }, call);
    expect(outcome.details).toMatchObject({ error: 'no_access', property: 'properties/987654321' });
  });

  it('says to enable the Data API when the Cloud project has not', async () => {
    h.fake.state.faults.serviceDisabled = true;
    const outcome = await h.handler().testConnection(h.config, call);
    expect(outcome.details).toMatchObject({ error: 'api_disabled' });
    expect(outcome.message).toMatch(/Data API is not enabled/);
  });

  it('refuses a config it cannot use without calling Google', async () => {
    const outcome = await h.handler().testConnection({ ...h.config, propertyId: 'G-ABC123' }, call);
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: 'invalid_config' } });
    const badKey = await h.handler().testConnection({ ...h.config, serviceAccountKey: '{"type":"service_account"' }, call);
    expect(badKey.message).toBe('The service account key is not valid JSON: paste the whole downloaded key file');
    expect(h.fake.state.tokenRequests + h.fake.state.dataRequests.length).toBe(0);
  });

  it('reports a truncated JSON answer as bad_response', async () => {
    h.fake.state.faults.truncated = 1;
    const outcome = await h.handler().testConnection(h.config, call);
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: 'bad_response', retryable: true } });
    expect(outcome.message).toMatch(/not valid JSON/);
  });

  it('gives up on a slow answer after the timeout', async () => {
    h.fake.state.faults.delayMs = 1_000;
    const started = Date.now();
    const outcome = await h.handler({ timeoutMs: 150 }).testConnection(h.config, call);
    expect(Date.now() - started).toBeLessThan(900);
    expect(outcome).toMatchObject({ ok: false, status: 'error', message: 'Google Analytics did not answer within 150 ms', details: { error: 'timeout' } });
  });

  it('gets a new token once when the API says 401, then succeeds', async () => {
    const handler = h.handler();
    await handler.testConnection(h.config, call);
    h.fake.revokeTokens();
    const outcome = await handler.testConnection(h.config, call);
    expect(outcome.ok).toBe(true);
    expect(h.fake.state.tokensIssued).toBe(2);
    expect(h.fake.state.dataRequests.map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it('is built from the environment variables', async () => {
    const handler = googleAnalyticsHandlerFromEnv({ GOOGLE_ANALYTICS_DATA_BASE_URL: h.fake.dataBaseUrl, GOOGLE_OAUTH_TOKEN_URL: h.fake.tokenUrl });
    expect(handler.templateName).toBe('GoogleAnalytics');
    // The real clock: the fake's JWT checks need it only to be near the fake's (test) clock.
    h.clock.now = Date.now();
    expect((await handler.testConnection(h.config, call)).ok).toBe(true);
    expect(() => googleAnalyticsHandlerFromEnv({ GOOGLE_OAUTH_TOKEN_URL: 'oauth2.googleapis.com/token' })).toThrow(/GOOGLE_OAUTH_TOKEN_URL/);
  });
});

describe('syncData', () => {
  it('first sync reads the last 30 days, one record per day with numeric metrics', async () => {
    const { ctx, store } = memorySyncContext(null);
    const summary = await h.handler().syncData!(h.config, ctx);
    expect(startDates()).toEqual(['30daysAgo']);
    expect(summary.fetched).toEqual({ daily_metrics: 31 });
    expect(store.size).toBe(31);
    const { date, sessions, activeUsers, newUsers, screenPageViews } = fakeDailyMetrics(FAKE_TODAY);
    expect(store.get('daily_metrics/20260315')).toEqual({
      kind: 'daily_metrics',
      externalId: '20260315',
      data: { date, sessions, activeUsers, newUsers, screenPageViews },
    });
    expect(store.has('daily_metrics/20260213')).toBe(true);
    expect(store.has('daily_metrics/20260212')).toBe(false);
    expect(summary.notes?.[0]).toBe(`GA4 property ${PROPERTY_ID}: 30daysAgo..today, 31 day(s) in 1 page(s)`);
  });

  it('incremental sync starts on the day the last sync started', async () => {
    const { ctx, store } = memorySyncContext(new Date('2026-03-10T08:30:00Z'));
    await h.handler().syncData!(h.config, ctx);
    expect(startDates()).toEqual(['2026-03-10']);
    expect([...store.keys()].sort()).toEqual(['10', '11', '12', '13', '14', '15'].map((d) => `daily_metrics/202603${d}`));
  });

  it('can re-read a few days before the last sync for GA late revisions', async () => {
    await h.handler({ lookbackDays: 2 }).syncData!(h.config, memorySyncContext(new Date('2026-03-10T08:30:00Z')).ctx);
    expect(startDates()).toEqual(['2026-03-08']);
  });

  it('pages with limit/offset until rowCount: exact count, no duplicates, one upsert per page', async () => {
    const { ctx, store, batches, progress } = memorySyncContext(new Date('2024-01-01T00:00:00Z'));
    const summary = await h.handler({ pageSize: 150 }).syncData!(h.config, ctx);
    // The property has 400 days of data; the window starts before the first one.
    expect(reportRequests().map((r) => [(r.body as { offset: number }).offset, (r.body as { limit: number }).limit])).toEqual([
      [0, 150],
      [150, 150],
      [300, 150],
    ]);
    expect(batches.map((b) => b.length)).toEqual([150, 150, 100]);
    const ids = batches.flat().map((r) => r.externalId);
    expect(new Set(ids).size).toBe(400);
    expect(store.size).toBe(400);
    expect(ids).toEqual([...ids].sort());
    expect(summary.fetched).toEqual({ daily_metrics: 400 });
    expect(progress.at(-1)).toEqual({ step: 'Daily metrics page 3', fetched: 400, total: 400 });
  });

  it('ends cleanly when the window has no data', async () => {
    h.fake.addProperty('555', { days: 0 });
    h.fake.grantAccess('555', h.account.email);
    const { ctx, batches } = memorySyncContext(null);
    const summary = await h.handler().syncData!({ ...h.config, propertyId: '555' }, ctx);
    expect(summary.fetched).toEqual({ daily_metrics: 0 });
    expect(batches).toEqual([]);
  });

  it('backs off on 429 RESOURCE_EXHAUSTED, honouring Retry-After, then continues', async () => {
    h.fake.state.faults.rateLimited = 2;
    h.fake.state.faults.retryAfterSeconds = 7;
    const { ctx, store } = memorySyncContext(null);
    await h.handler().syncData!(h.config, ctx);
    expect(h.sleeps).toEqual([7_000, 7_000]);
    expect(reportRequests().map((r) => r.status)).toEqual([429, 429, 200]);
    expect(store.size).toBe(31);
  });

  it('backs off exponentially when Google gives no Retry-After', async () => {
    h.fake.state.faults.rateLimited = 3;
    await h.handler().syncData!(h.config, memorySyncContext(null).ctx);
    expect(h.sleeps).toEqual([2_000, 4_000, 8_000]);
  });

  it('stops retrying after the bound and hands the rate limit to the sync engine', async () => {
    h.fake.state.faults.rateLimited = 100;
    const err = await h.handler({ retry: { maxRetries: 2 } }).syncData!(h.config, memorySyncContext(null).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'rate_limited', retryable: true, disconnected: false, httpStatus: 429 });
    expect((err as Error).message).toContain('429 RESOURCE_EXHAUSTED: Exhausted concurrent requests quota.');
    expect(reportRequests()).toHaveLength(3);
  });

  it('does not wait out a long Retry-After inside the sync', async () => {
    h.fake.state.faults.rateLimited = 1;
    h.fake.state.faults.retryAfterSeconds = 3600;
    const err = await h.handler().syncData!(h.config, memorySyncContext(null).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'rate_limited', retryAfterMs: 3_600_000 });
    expect(h.sleeps).toEqual([]);
  });

  it('retries a 500 and a truncated page, then completes', async () => {
    h.fake.state.faults.serverErrors = 1;
    h.fake.state.faults.truncated = 1;
    const { ctx, store } = memorySyncContext(null);
    await h.handler().syncData!(h.config, ctx);
    expect(reportRequests().map((r) => r.status)).toEqual([500, 200, 200]);
    expect(store.size).toBe(31);
  });

  it('fails with bad_response when every answer is malformed JSON', async () => {
    h.fake.state.faults.truncated = 100;
    const err = await h.handler({ retry: { maxRetries: 1 } }).syncData!(h.config, memorySyncContext(null).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'bad_response', origin: 'provider' });
  });

  it('fails with timeout when Google does not answer in time', async () => {
    h.fake.state.faults.delayMs = 1_000;
    const err = await h.handler({ timeoutMs: 100, retry: { maxRetries: 1 } }).syncData!(h.config, memorySyncContext(null).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'timeout', origin: 'network', retryable: true });
    expect(h.sleeps).toEqual([2_000]);
  });

  it('does not retry a 403: the fix is in Google Analytics, not time', async () => {
    const outsider = createTestServiceAccount('outsider@other-project.iam.gserviceaccount.com');
    h.fake.registerServiceAccount(outsider.email, outsider.publicKey);
    const err = await h.handler().syncData!({ ...h.config, serviceAccountKey: outsider.keyFile }, memorySyncContext(null).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'no_access', origin: 'config', retryable: false });
    expect((err as Error).message).toContain(outsider.email);
    expect(h.sleeps).toEqual([]);
  });

  it('throws disconnected when the key is rejected mid-life', async () => {
    h.fake.registerServiceAccount(h.account.email, createTestServiceAccount().publicKey);
    const err = await h.handler().syncData!(h.config, memorySyncContext(null).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'auth_rejected', disconnected: true, retryable: false });
  });

  it('stops when the sync is cancelled', async () => {
    const controller = new AbortController();
    const { ctx } = memorySyncContext(null);
    controller.abort();
    const err = await h.handler().syncData!(h.config, { ...ctx, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'cancelled' });
  });
});
